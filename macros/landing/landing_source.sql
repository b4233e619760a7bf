{#-
    Reads one landing table (`<landing_dir>/<source>/<table>/`) as text columns.

    Only the files `landed_files` accepted are read (the others are in quarantined_files with the
    reason); Parquet and CSV files are both accepted and unioned by column name; every contract
    column is cast to varchar so staging alone decides what parses. No file yields zero rows with
    the same columns, so a user with only a CRM export still builds.
    `_landed_file` keeps the file each row came from (later files supersede earlier ones).
    With `new_files_only` (an incremental base model), only the files whose path is not yet in
    the model's own table are read: landed_files refuses a loaded file whose content changed.
-#}
{% macro landing_source(source_name, table_name, new_files_only=false) -%}
    {%- set source_relation = source(source_name, table_name) -%}
    {%- set inventory = ref('landed_files') -%}
    {%- set columns = landing_columns(source_name, table_name) -%}
    {%- set rule = privacy_landing_rules(source_name, table_name) -%}
    {%- set tombstone = privacy_tombstone() if rule is not none else none -%}
    {%- set erases = tombstone is not none and rule.action == 'erase' -%}
    {%- set readers = [] -%}
    {%- if execute -%}
        {%- for file_format in ['parquet', 'csv'] -%}
            {%- set files = accepted_landing_files(inventory, source_name, table_name, file_format,
                                                   this if new_files_only else none) -%}
            {%- if files | length > 0 -%}
                {%- do readers.extend(landing_readers(files, file_format, columns)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    (
    {%- if readers | length == 0 %}
        select
        {%- for column in columns %}
            cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
            cast(null as {{ dbt.type_string() }}) as _landed_file,
            cast(null as {{ dbt.type_string() }}) as _row_fingerprint,
            false as _is_erased
        where false
    {%- else -%}
        {%- for reader in readers %}
        select
        {%- for column in columns %}
            {{ privacy_masked(column, rule, tombstone) }} as {{ column }},
        {%- endfor %}
            _landed_file,
            -- identical rows share a fingerprint; it breaks ties deterministically
            {%- if erases %}
            case when _is_erased then privacy_hash({{ row_fingerprint(columns, none, none) }})
            else {{ row_fingerprint(columns, rule, tombstone) }} end as _row_fingerprint,
            {%- else %}
            {{ row_fingerprint(columns, rule, tombstone) }} as _row_fingerprint,
            {%- endif %}
            {{ '_is_erased' if erases else 'false' }} as _is_erased
        from (select *, {{ is_erased_row(rule, tombstone) }} as _is_erased from {{ reader }})
        {%- if not loop.last %}
        union all
        {%- endif -%}
        {%- endfor %}
    {%- endif %}
    ) /* {{ source_relation }} */
{%- endmacro %}


{#- A landed column as text; null in a row of an erased person (or, for orders and web events,
    in the link column only). -#}
{% macro privacy_masked(column, rule, tombstone) -%}
    {%- if tombstone is not none and (rule.action == 'erase' or column in rule.columns) -%}
        case when _is_erased then null else cast({{ column }} as {{ dbt.type_string() }}) end
    {%- else -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{% macro row_fingerprint(columns, rule, tombstone) -%}
    md5(concat_ws(chr(31)
    {%- for column in columns -%}
        , coalesce({{ privacy_masked(column, rule, tombstone) }}, chr(0))
    {%- endfor -%}
    ))
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


{#- The accepted files of one landing table and format, in path order; with `loaded_into`, only
    those no row of that relation came from. A file is known by its path below `<source>/<table>/`,
    so a landing_dir given once relative, once absolute, does not make every file new. -#}
{% macro accepted_landing_files(inventory, source_name, table_name, file_format, loaded_into=none) -%}
    {%- set below_folder = "regexp_extract(%s, '(^|/)" ~ source_name ~ "/" ~ table_name ~ "/(.*)$', 2)" -%}
    {%- set query -%}
        select landed_file from {{ inventory }}
        where
            source = '{{ source_name }}' and source_table = '{{ table_name }}'
            and file_format = '{{ file_format }}' and file_status = 'accepted'
            {%- if loaded_into is not none %}
            and {{ below_folder | format('landed_file') }} not in (
                select {{ below_folder | format('_landed_file') }}
                from (select distinct _landed_file from {{ loaded_into }} where _landed_file is not null)
            )
            {%- endif %}
        order by landed_file
    {%- endset -%}
    {{ return(run_query(query).columns[0].values() | list) }}
{%- endmacro %}
