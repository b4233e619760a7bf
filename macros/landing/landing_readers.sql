{#-
    The relations that read accepted landing files of one format (`parquet` or `csv`), each with
    the file's path as `_landed_file` and every CSV value as text. landing_source unions them.
    DuckDB reads a format's files in one table function, unioned by column name. Spark SQL reads
    one file per relation: a Parquet file as parquet.`path`, a CSV file through a temporary view
    (CSV options cannot be given in a query) whose delimiter is the one of the contract's
    (landed_files accepts , ; tab and |) that splits the file's header into every contract column.
-#}
{% macro landing_readers(files, file_format, columns) -%}
    {{ return(adapter.dispatch('landing_readers', 'customer360')(files, file_format, columns)) }}
{%- endmacro %}


{% macro default__landing_readers(files, file_format, columns) -%}
    {%- set location = "['" ~ (files | join("', '")) ~ "']" -%}
    {%- if file_format == 'parquet' -%}
        {{ return(["read_parquet(" ~ location ~ ", union_by_name = true, filename = '_landed_file')"]) }}
    {%- else -%}
        {{ return(["read_csv(" ~ location ~ ", all_varchar = true, header = true, union_by_name = true, filename = '_landed_file')"]) }}
    {%- endif -%}
{%- endmacro %}


{% macro spark__landing_readers(files, file_format, columns) -%}
    {%- set readers = [] -%}
    {%- for file in files -%}
        {%- set path = sql_text_literal(file) -%}
        {%- if file_format == 'parquet' -%}
            {%- set relation = 'parquet.`' ~ file ~ '`' -%}
        {%- else -%}
            {%- set relation = 'landed_csv_' ~ local_md5(file) -%}
            {%- do run_query(
                'create or replace temporary view ' ~ relation ~ ' using csv options (path ' ~ path
                ~ ", header 'true', inferSchema 'false', multiLine 'true', quote '\"', escape '\"', sep "
                ~ sql_text_literal(landing_csv_delimiter(file, columns)) ~ ')') -%}
        {%- endif -%}
        {%- do readers.append('(select *, ' ~ path ~ ' as _landed_file from ' ~ relation ~ ')') -%}
    {%- endfor -%}
    {{ return(readers) }}
{%- endmacro %}


{#- The delimiter that splits a CSV file's first line into every contract column. -#}
{% macro landing_csv_delimiter(file, columns) -%}
    {%- set header = run_query('select value from text.`' ~ file ~ '` limit 1').columns[0].values() -%}
    {%- set first_line = (header[0] if header | length > 0 else '') | replace('\ufeff', '') -%}
    {%- for delimiter in [',', ';', '\t', '|'] -%}
        {%- set names = first_line.split(delimiter) | map('trim') | map('lower') | map('replace', '"', '') | list -%}
        {%- if columns | reject('in', names) | list | length == 0 -%}
            {{ return(delimiter) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(',') }}
{%- endmacro %}
