{#-
    Reads one landing folder (`<landing_dir>/<source>/<table>/`) as text columns.

    Parquet and CSV files are both accepted and unioned by column name; every contract column is
    cast to varchar so staging alone decides what parses. A missing or empty folder yields zero
    rows with the same columns, so a user with only a CRM export still builds.
    `_landed_file` keeps the file each row came from (later files supersede earlier ones).
-#}
{% macro landing_source(source_name, table_name) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set columns = landing_columns(source_name, table_name) -%}
    {%- set folder = var('landing_dir') ~ '/' ~ source_name ~ '/' ~ table_name -%}
    {%- set readers = [] -%}
    {%- if execute -%}
        {%- set parquet_files = landing_file_count(folder ~ '/**/*.parquet') -%}
        {%- set csv_files = landing_file_count(folder ~ '/**/*.csv') -%}
        {%- if parquet_files > 0 -%}
            {%- do readers.append("read_parquet('" ~ folder ~ "/**/*.parquet', union_by_name = true, filename = '_landed_file')") -%}
        {%- endif -%}
        {%- if csv_files > 0 -%}
            {%- do readers.append("read_csv('" ~ folder ~ "/**/*.csv', all_varchar = true, header = true, union_by_name = true, filename = '_landed_file')") -%}
        {%- endif -%}
    {%- endif -%}
    (
    {%- if readers | length == 0 %}
        select
        {%- for column in columns %}
            cast(null as varchar) as {{ column }},
        {%- endfor %}
            cast(null as varchar) as _landed_file,
            cast(null as varchar) as _row_fingerprint
        where false
    {%- else -%}
        {%- for reader in readers %}
        select
        {%- for column in columns %}
            cast({{ column }} as varchar) as {{ column }},
        {%- endfor %}
            _landed_file,
            -- identical rows share a fingerprint; it breaks ties deterministically
            md5(concat_ws(chr(31)
            {%- for column in columns -%}
                , coalesce(cast({{ column }} as varchar), chr(0))
            {%- endfor -%}
            )) as _row_fingerprint
        from {{ reader }}
        {%- if not loop.last %}
        union all
        {%- endif -%}
        {%- endfor %}
    {%- endif %}
    ) /* {{ source_relation }} */
{%- endmacro %}


{#- Contract columns of a landing table, as declared in its sources YAML. -#}
{% macro landing_columns(source_name, table_name) -%}
    {#- the graph is only populated at execution; parsing needs no columns -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set matches = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name) | list -%}
    {%- if matches | length == 0 -%}
        {{ exceptions.raise_compiler_error('landing_source: no source ' ~ source_name ~ '.' ~ table_name) }}
    {%- endif -%}
    {{ return(matches[0].columns.keys() | list) }}
{%- endmacro %}


{% macro landing_file_count(pattern) -%}
    {%- set result = run_query("select count(*) from glob('" ~ pattern ~ "')") -%}
    {{ return(result.columns[0].values()[0]) }}
{%- endmacro %}
