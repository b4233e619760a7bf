{#- In a select list: every column of `relation` whose name matches `pattern` (DuckDB's columns()
    star expression). Elsewhere they are listed from the relation, as `qualifier`.column. -#}
{% macro columns_matching(relation, pattern, qualifier) -%}
    {{ return(adapter.dispatch('columns_matching', 'customer360')(relation, pattern, qualifier)) }}
{%- endmacro %}

{% macro default__columns_matching(relation, pattern, qualifier) -%}
    columns('{{ pattern }}')
{%- endmacro %}

{% macro spark__columns_matching(relation, pattern, qualifier) -%}
    {%- if not execute -%}
        {{ return(qualifier ~ '.*') }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if modules.re.search(pattern, column.name) -%}
            {%- do names.append(qualifier ~ '.' ~ column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if names | length == 0 -%}
        {{ exceptions.raise_compiler_error('columns_matching: no column of ' ~ relation ~ ' matches ' ~ pattern) }}
    {%- endif -%}
    {{ names | join(',\n        ') }}
{%- endmacro %}
