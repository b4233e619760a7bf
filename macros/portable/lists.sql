{#- Lists (DuckDB) and arrays (Spark SQL). `values` are Jinja lists of texts. -#}

{#- The 1-based position of `expression` among `values`, null when it is not one of them. -#}
{% macro list_position(values, expression) -%}
    {{ return(adapter.dispatch('list_position', 'customer360')(values, expression)) }}
{%- endmacro %}

{% macro default__list_position(values, expression) -%}
    list_position({{ values | list }}, {{ expression }})
{%- endmacro %}

{% macro spark__list_position(values, expression) -%}
    nullif(array_position(array('{{ values | join("', '") }}'), {{ expression }}), 0)
{%- endmacro %}


{#- One row per value (in a select list: `{{ unnest_list([...]) }} as name`). -#}
{% macro unnest_list(values) -%}
    {{ return(adapter.dispatch('unnest_list', 'customer360')(values)) }}
{%- endmacro %}

{% macro default__unnest_list(values) -%}
    unnest({{ values | list }})
{%- endmacro %}

{% macro spark__unnest_list(values) -%}
    explode(array('{{ values | join("', '") }}'))
{%- endmacro %}


{#- The parts of a text split at a separator (a SQL text literal), as a list. -#}
{% macro split_text(expression, separator) -%}
    {{ return(adapter.dispatch('split_text', 'customer360')(expression, separator)) }}
{%- endmacro %}

{% macro default__split_text(expression, separator) -%}
    string_split({{ expression }}, {{ separator }})
{%- endmacro %}

{#- split() takes a regular expression: the separator is quoted as one -#}
{% macro spark__split_text(expression, separator) -%}
    split({{ expression }}, concat('\\Q', {{ separator }}, '\\E'))
{%- endmacro %}


{% macro list_length(list_expression) -%}
    {{ return(adapter.dispatch('list_length', 'customer360')(list_expression)) }}
{%- endmacro %}

{% macro default__list_length(list_expression) -%}
    len({{ list_expression }})
{%- endmacro %}

{% macro spark__list_length(list_expression) -%}
    size({{ list_expression }})
{%- endmacro %}


{#- In a select list: one row per element of a list, as `value_name`, with its 1-based position
    as `position_name`. -#}
{% macro unnest_with_position(list_expression, value_name, position_name) -%}
    {{ return(adapter.dispatch('unnest_with_position', 'customer360')(list_expression, value_name, position_name)) }}
{%- endmacro %}

{% macro default__unnest_with_position(list_expression, value_name, position_name) -%}
    unnest({{ list_expression }}) as {{ value_name }},
        unnest(range(1, len({{ list_expression }}) + 1)) as {{ position_name }}
{%- endmacro %}

{% macro spark__unnest_with_position(list_expression, value_name, position_name) -%}
    inline(transform({{ list_expression }}, (element, position) -> named_struct(
        '{{ value_name }}', element, '{{ position_name }}', cast(position + 1 as bigint)
    )))
{%- endmacro %}
