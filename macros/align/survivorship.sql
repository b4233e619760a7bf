{#- Renders the `survivorship_rules` var: one CTE per attribute holding each person's survivor. -#}
{% macro survivor_ctes(records_cte) -%}
    {%- for rule in var('survivorship_rules') %}
        {{ rule.attribute }}_survivor as (

            {% call portable_qualify() -%}
            select
                master_customer_id,
                customer_record_id as {{ rule.attribute }}_record_id,
                source as {{ rule.attribute }}_source,
                {{ rule.columns | join(', ') }}
            from (
                select
                    *,
                    -- how many of the person's records carry the same value (most_frequent)
                    count(*) over (
                        partition by master_customer_id, {{ rule.columns | join(', ') }}
                    ) as value_frequency
                from {{ records_cte }}
                where {% for column in rule.columns -%}
                    {{ column }} is not null{% if not loop.last %} or {% endif %}
                {%- endfor %}
            ) as candidates
            qualify row_number() over (
                partition by master_customer_id
                order by {{ survivor_order(rule) }}
            ) = 1
            {%- endcall %}

        ){% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}


{% macro survivor_order(rule) -%}
    {%- set columns = rule.columns -%}
    {%- if rule.rule == 'most_recent' -%}
        updated_at desc, customer_record_id
    {%- elif rule.rule == 'source_priority' -%}
        {{ list_position(var('survivorship_source_priority'), 'source') }} nulls last,
        updated_at desc, customer_record_id
    {%- elif rule.rule == 'most_complete' -%}
        ({% for column in columns %}({{ column }} is not null)::int{% if not loop.last %} + {% endif %}{% endfor %}) desc,
        updated_at desc, customer_record_id
    {%- elif rule.rule == 'most_frequent' -%}
        value_frequency desc, updated_at desc, customer_record_id
    {%- else -%}
        {{ exceptions.raise_compiler_error('unknown survivorship rule ' ~ rule.rule ~ ' for ' ~ rule.attribute) }}
    {%- endif -%}
{%- endmacro %}
