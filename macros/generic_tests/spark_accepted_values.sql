{#- accepted_values on Spark: dbt's test, but Spark SQL cannot parse an empty `not in ()` (no
    accepted value: every value fails, as the seed nicknames' test means) and reads a quote
    doubled as SQL writes it ('Can''t lose', in the YAML) as two literals: quoted values are
    written as Spark reads them. -#}
{% macro spark__test_accepted_values(model, column_name, values, quote=True) %}
with all_values as (

    select
        {{ column_name }} as value_field,
        count(*) as n_records
    from {{ model }}
    group by {{ column_name }}

)

select * from all_values
{%- if values | length > 0 %}
where value_field not in (
    {%- for value in values -%}
        {%- if quote -%}
            '{{ value | string | replace("''", "'") | replace("\\", "\\\\") | replace("'", "\\'") }}'
        {%- else -%}
            {{ value }}
        {%- endif -%}
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
)
{%- endif %}
{% endmacro %}
