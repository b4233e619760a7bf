{#-
    Score 1-5 by quintile of `order_by` (ascending: the largest values score 5). Equal values get
    equal scores: a tied group scores at its mid-rank, 5 x (first position - 1 + last position)
    / (2 x n) rounded up, in integers so no rounding error moves a boundary. Without ties this is
    plain quintiles; with ties it neither pushes a large low group (the many one-order customers)
    up a score, as the last position would, nor holds a small top group below 5, as the first would.
-#}
{% macro quintile_score(order_by) -%}
    {%- set scaled_mid_rank -%}
        (
            5 * (rank() over (order by {{ order_by }}) - 1 + count(*) over (order by {{ order_by }}))
            + 2 * count(*) over () - 1
        )
    {%- endset -%}
    cast(
        {{ integer_divide(scaled_mid_rank, '(2 * count(*) over ())') }}
        as integer
    )
{%- endmacro %}
