{#- Column types DuckDB has and Spark SQL spells otherwise (text: dbt.type_string()). -#}

{#- A one-byte code: unsigned in DuckDB, Spark's signed byte (the codes are small). -#}
{% macro type_tinyint() -%}
    {{ return(adapter.dispatch('type_tinyint', 'customer360')()) }}
{%- endmacro %}

{% macro default__type_tinyint() -%}
    utinyint
{%- endmacro %}

{% macro spark__type_tinyint() -%}
    tinyint
{%- endmacro %}


{#- A JSON document: DuckDB's json type, text on Spark. -#}
{% macro type_json() -%}
    {{ return(adapter.dispatch('type_json', 'customer360')()) }}
{%- endmacro %}

{% macro default__type_json() -%}
    json
{%- endmacro %}

{% macro spark__type_json() -%}
    string
{%- endmacro %}


{#- Integer division (truncating), `a // b` in DuckDB, `a div b` in Spark. -#}
{% macro integer_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_divide', 'customer360')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_divide(dividend, divisor) -%}
    {{ dividend }} // {{ divisor }}
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    {{ dividend }} div {{ divisor }}
{%- endmacro %}


{#- A field of a struct value (the phone UDF's e164 and is_mobile). -#}
{% macro struct_field(expression, field) -%}
    {{ return(adapter.dispatch('struct_field', 'customer360')(expression, field)) }}
{%- endmacro %}

{% macro default__struct_field(expression, field) -%}
    struct_extract({{ expression }}, '{{ field }}')
{%- endmacro %}

{% macro spark__struct_field(expression, field) -%}
    {{ expression }}.{{ field }}
{%- endmacro %}
