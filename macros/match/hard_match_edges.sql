{#-
    Renders the `hard_match_rules` var into edges: for each rule, records sharing every match_on
    value are linked to the group's smallest customer_record_id (a star, not all pairs, so a value
    shared by many records costs n edges, not n squared). An optional `where` limits the records
    a rule looks at. With `only_groups` (a relation or CTE of match_rule, matched_value), only
    the records of those groups are read: a daily run recomputes just the groups that changed.
-#}
{% macro hard_match_edges(records_cte, only_groups=none) -%}
    {%- for rule in var('hard_match_rules') %}
        {%- if not loop.first %}
            union all
        {% endif %}
        select
            min(customer_record_id) over keys as customer_record_id_l,
            customer_record_id as customer_record_id_r,
            '{{ rule.name }}' as match_rule,
            {{ hard_match_value(rule) }} as matched_value
        from {{ records_cte }}
        where {{ hard_match_applies(rule) }}
        {%- if only_groups %}
            and {{ hard_match_value(rule) }} in (
                select matched_value from {{ only_groups }} where match_rule = '{{ rule.name }}'
            )
        {%- endif %}
        window keys as (partition by {{ rule.match_on | join(', ') }})
        qualify customer_record_id_l != customer_record_id_r
    {%- endfor %}
{%- endmacro %}


{#- Each record's group under each rule it takes part in: customer_record_id, match_rule,
    matched_value. -#}
{% macro hard_match_groups(records_cte) -%}
    {%- for rule in var('hard_match_rules') %}
        {%- if not loop.first %}
            union all
        {% endif %}
        select
            customer_record_id,
            '{{ rule.name }}' as match_rule,
            {{ hard_match_value(rule) }} as matched_value
        from {{ records_cte }}
        where {{ hard_match_applies(rule) }}
    {%- endfor %}
{%- endmacro %}


{#- The values a rule matches on, as one readable text (also the group's name in the edges). -#}
{% macro hard_match_value(rule) -%}
    concat_ws(' | ', {{ rule.match_on | join(', ') }})
{%- endmacro %}


{#- Whether a record takes part in a rule: every match_on value present, and the rule's `where`. -#}
{% macro hard_match_applies(rule) -%}
    {% for expression in rule.match_on -%}
        {{ expression }} is not null{% if not loop.last %} and {% endif %}
    {%- endfor %}
    {%- if rule.where %} and ({{ rule.where }}){% endif %}
{%- endmacro %}
