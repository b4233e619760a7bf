{#-
    Reads one landing folder (`<landing_dir>/<source>/<table>/`) as text columns.

    Parquet and CSV files are both accepted and unioned by column name; every contract column is
    cast to varchar so staging alone decides what parses. A missing or empty folder yields zero
    rows with the same columns, so a user with only a CRM export still builds.
    `_landed_file` keeps the file each row came from (later files supersede earlier ones).
    With `new_files_only` (an incremental base model), only the files whose path is not yet in
    the model's own table are read: a landed file is never changed, a new day lands a new file.
-#}
{% macro landing_source(source_name, table_name, new_files_only=false) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set columns = landing_columns(source_name, table_name) -%}
    {%- set folder = var('landing_dir') ~ '/' ~ source_name ~ '/' ~ table_name -%}
    {%- set readers = [] -%}
    {%- if execute -%}
        {%- for extension in ['parquet', 'csv'] -%}
            {%- if new_files_only -%}
                {%- set files = new_landing_files(folder ~ '/**/*.' ~ extension, this, source_name, table_name) -%}
                {%- set file_count = files | length -%}
                {%- set location = "['" ~ (files | join("', '")) ~ "']" -%}
            {%- else -%}
                {%- set file_count = landing_file_count(folder ~ '/**/*.' ~ extension) -%}
                {%- set location = "'" ~ folder ~ "/**/*." ~ extension ~ "'" -%}
            {%- endif -%}
            {%- if file_count > 0 and extension == 'parquet' -%}
                {%- do readers.append("read_parquet(" ~ location ~ ", union_by_name = true, filename = '_landed_file')") -%}
            {%- elif file_count > 0 -%}
                {%- do readers.append("read_csv(" ~ location ~ ", all_varchar = true, header = true, union_by_name = true, filename = '_landed_file')") -%}
            {%- endif -%}
        {%- endfor -%}
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


{#- Files matching `pattern` that no row of `relation` came from, in path order. A file is known by
    its path below `<source>/<table>/`, so a landing_dir given once relative, once absolute, does
    not make every file new. -#}
{% macro new_landing_files(pattern, relation, source_name, table_name) -%}
    {%- set below_folder = "regexp_extract(%s, '(^|/)" ~ source_name ~ "/" ~ table_name ~ "/(.*)$', 2)" -%}
    {%- set result = run_query(
        "select file from glob('" ~ pattern ~ "') where " ~ (below_folder | format('file'))
        ~ " not in (select " ~ (below_folder | format('_landed_file')) ~ " from (select distinct _landed_file from "
        ~ relation ~ " where _landed_file is not null)) order by file"
    ) -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}
