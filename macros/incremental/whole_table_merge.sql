{#-
    merge_clauses for an incremental model (strategy merge) whose query always yields the whole
    table from its previous rows: a row the query no longer yields is deleted, a new one inserted,
    and a matched row gets its `update_columns` rewritten when any of them differs. Only those
    non-key columns are updated: rewriting the key strings of scattered rows is slow in DuckDB
    (5-12 s instead of 0.7 s for 18k changed edges at 1M records).
-#}
{% macro whole_table_merge(update_columns) -%}
    {%- set source_values = [] -%}
    {%- set table_values = [] -%}
    {%- for column in update_columns -%}
        {%- do source_values.append('DBT_INTERNAL_SOURCE.' ~ column) -%}
        {%- do table_values.append('DBT_INTERNAL_DEST.' ~ column) -%}
    {%- endfor -%}
    {{ return({
        'when_matched': [{
            'action': 'update',
            'mode': 'explicit',
            'update': {'include': update_columns},
            'condition': '(' ~ source_values | join(', ') ~ ') is distinct from (' ~ table_values | join(', ') ~ ')',
        }],
        'when_not_matched': [
            {'action': 'insert', 'mode': 'by_name'},
            {'by': 'source', 'action': 'delete'},
        ],
    }) }}
{%- endmacro %}
