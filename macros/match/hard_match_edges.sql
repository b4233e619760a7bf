{#-
    Renders the `hard_match_rules` var into edges: for each rule, records sharing every match_on
    value are linked to the group's smallest customer_record_id (a star, not all pairs, so a value
    shared by many records costs n edges, not n squared). An optional `where` limits the records
    a rule looks at.
-#}
{% macro hard_match_edges(records_cte) -%}
    {%- for rule in var('hard_match_rules') %}
        {%- if not loop.first %}
            union all
        {% endif %}
        select
            min(customer_record_id) over keys as customer_record_id_l,
            customer_record_id as customer_record_id_r,
            '{{ rule.name }}' as match_rule,
            concat_ws(' | ', {{ rule.match_on | join(', ') }}) as matched_value
        from {{ records_cte }}
        where {% for expression in rule.match_on -%}
            {{ expression }} is not null{% if not loop.last %} and {% endif %}
        {%- endfor %}
        {%- if rule.where %} and ({{ rule.where }}){% endif %}
        window keys as (partition by {{ rule.match_on | join(', ') }})
        qualify customer_record_id_l != customer_record_id_r
    {%- endfor %}
{%- endmacro %}
