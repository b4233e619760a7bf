{#- Aggregates DuckDB and Spark SQL name or allow differently. -#}

{#- The value of `value` on the row with the largest (smallest) `order_by` of the group. -#}
{% macro arg_max(value, order_by) -%}
    {{ return(adapter.dispatch('arg_max', 'customer360')(value, order_by)) }}
{%- endmacro %}

{% macro default__arg_max(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro spark__arg_max(value, order_by) -%}
    max_by({{ value }}, {{ order_by }})
{%- endmacro %}


{% macro arg_min(value, order_by) -%}
    {{ return(adapter.dispatch('arg_min', 'customer360')(value, order_by)) }}
{%- endmacro %}

{% macro default__arg_min(value, order_by) -%}
    arg_min({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro spark__arg_min(value, order_by) -%}
    min_by({{ value }}, {{ order_by }})
{%- endmacro %}


{#- count(distinct ...) over a window: Spark has no distinct window aggregates, but the size of
    the set of non-null values is the same count. -#}
{% macro count_distinct_over(expression, window) -%}
    {{ return(adapter.dispatch('count_distinct_over', 'customer360')(expression, window)) }}
{%- endmacro %}

{% macro default__count_distinct_over(expression, window) -%}
    count(distinct {{ expression }}) over {{ window }}
{%- endmacro %}

{% macro spark__count_distinct_over(expression, window) -%}
    size(collect_set({{ expression }}) over {{ window }})
{%- endmacro %}


{#- The average as a double. DuckDB's avg of a decimal is a double; Spark's is a decimal of four
    more digits, rounded there (2/3 -> 0.66667). -#}
{% macro avg_double(expression) -%}
    {{ return(adapter.dispatch('avg_double', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__avg_double(expression) -%}
    avg({{ expression }})
{%- endmacro %}

{% macro spark__avg_double(expression) -%}
    avg(cast({{ expression }} as double))
{%- endmacro %}
