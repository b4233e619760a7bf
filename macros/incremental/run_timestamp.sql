{#- The start of this dbt invocation as a timestamp: every row a run writes carries the same one,
    so downstream incremental models can tell what changed since they last ran. -#}
{% macro run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
