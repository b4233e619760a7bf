{#-
    Seeds on Spark. dbt-spark's session method binds seed values as '<value>' without escaping (a
    quote in a description ends the literal), and dbt's CSV parsing turns an empty cell, and the
    text 'null' (a placeholder name), into null. Here Spark reads the seed file itself, as DuckDB
    does: a temporary CSV view, inserted with each column cast to its type. Only the spark__
    version exists: every other adapter loads seeds as before.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set path = model['root_path'] ~ '/' ~ model['original_file_path'] -%}
    {%- set view = 'seed_csv_' ~ model['name'] -%}
    {%- do run_query(
        'create or replace temporary view ' ~ view ~ ' using csv options (path ' ~ sql_text_literal(path)
        ~ ", header 'true', inferSchema 'false', multiLine 'true', quote '\"', escape '\"')") -%}
    {%- set columns = [] -%}
    {%- for col_name in agate_table.column_names -%}
        {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
        {%- do columns.append('cast(`' ~ col_name ~ '` as ' ~ type ~ ')') -%}
    {%- endfor -%}
    {%- set sql -%}
        insert into {{ this.render() }} select {{ columns | join(', ') }} from {{ view }}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {{ return(sql) }}
{% endmacro %}
