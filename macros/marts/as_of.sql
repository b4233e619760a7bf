{#-
    The as-of moment of a mart: the var's value when set, else `default_expression` (the latest
    date or timestamp in the data), so a rebuild on the same data gives the same answer. With no
    activity at all (a CRM-only landing) there is no latest date: today stands in.
-#}
{% macro as_of_value(var_name, data_type, default_expression) -%}
    {%- set value = var(var_name, none) -%}
    {%- if value is none or value == '' -%}
        coalesce({{ default_expression }}, cast(current_date as {{ data_type }}))
    {%- else -%}
        cast('{{ value }}' as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
