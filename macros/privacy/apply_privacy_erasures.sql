{#-
    on-run-end: removes each person erased in this run (privacy_request_log rows of type erase,
    status done, rows_removed still null) from every table the build wrote, then records per
    table how many rows went. The rule per table follows its columns, so a new model is covered
    without being listed:
    - a base_ table of customer records or consent events: the person's rows keep only their
      file and become row_status 'erased' (values null), as staging itself erases them on a
      later read, so every landed row stays counted;
    - orders and web events (base_ and fct_): kept for revenue, their link to the person nulled;
    - customer_id_history: the person's events give way to one 'erased' event with the retired ID;
    - quarantined_rows: the person's rows go;
    - every other table with a record or master customer ID column (pairs, edges, clusters, the
      ID registry, the golden record, marts, the snapshot): the person's rows go.
    The file still holds the deleted values in free blocks until the CLI rewrites it (see
    customer360.privacy.compact).
-#}
{% macro apply_privacy_erasures() -%}
    {{ return(adapter.dispatch('apply_privacy_erasures', 'customer360')()) }}
{%- endmacro %}


{#- The request log when this invocation built (build or run) and the log exists, else none. -#}
{% macro erasure_request_log() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema='privacy', identifier='privacy_request_log')) }}
{%- endmacro %}


{% macro default__apply_privacy_erasures() -%}
    {%- set request_log = erasure_request_log() -%}
    {%- if request_log is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set pending = run_query(
        "select request_id from " ~ request_log ~ " where request_type = 'erase' and status = 'done'"
        ~ " and rows_removed is null order by request_id").columns[0].values() -%}
    {%- for request_id in pending -%}
        {%- do erase_request(request_id, request_log) -%}
    {%- endfor -%}
    {%- if pending | length > 0 -%}
        {%- do run_query('checkpoint') -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{#- Spark's Parquet tables cannot update or delete rows, and need not: every Spark build is a full
    refresh, and staging reads the tombstone (privacy_erased_identifiers) as it reads the landed
    files, so the next build leaves the erased people out of every table it writes. Only the
    count of such requests is logged, nothing that identifies them. -#}
{% macro spark__apply_privacy_erasures() -%}
    {%- set request_log = erasure_request_log() -%}
    {%- if request_log is none -%}
        {{ return('') }}
    {%- endif -%}
    {%- set pending = run_query(
        "select count(*) from " ~ request_log ~ " where request_type = 'erase' and status = 'done'"
        ~ " and processed_at = " ~ run_timestamp()).columns[0].values()[0] -%}
    {%- if pending > 0 -%}
        {{ log('apply_privacy_erasures: skipped on spark (Parquet tables cannot delete rows): '
            ~ pending ~ ' erase request(s) of this run take effect on the next build, which rebuilds'
            ~ ' every table without the erased people (rows_removed stays empty)', info=true) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}


{% macro erase_request(request_id, request_log) -%}
    {%- set tombstone = privacy_tombstone() -%}
    {%- set registry = adapter.get_relation(database=target.database, schema='intermediate', identifier='int_customer_records_identified') -%}
    {%- do run_query(
        "create or replace temp table erased_people as select distinct master_customer_id from " ~ tombstone
        ~ " where request_id = '" ~ request_id ~ "'") -%}
    {%- do run_query(
        "create or replace temp table erased_records as select customer_record_id, master_customer_id from " ~ registry
        ~ " where master_customer_id in (select master_customer_id from erased_people)") -%}
    {%- set counts = {} -%}
    {%- set statements = [] -%}
    {%- set tables = run_query(
        "select table_schema, table_name, string_agg(column_name, ',' order by ordinal_position) from information_schema.columns"
        ~ " where table_catalog = '" ~ target.database ~ "' and table_schema in ('staging', 'intermediate', 'marts', 'snapshots')"
        ~ " and (table_schema, table_name) in (select table_schema, table_name from information_schema.tables"
        ~ " where table_type = 'BASE TABLE') group by all order by all") -%}
    {%- for schema_name, table_name, column_list in tables.rows -%}
        {%- set relation = schema_name ~ '.' ~ table_name -%}
        {%- set changed = erase_from_table(relation, table_name, column_list.split(','), statements) -%}
        {%- if changed > 0 -%}
            {%- do counts.update({relation: changed}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do statements.append(
        "update " ~ request_log ~ " set rows_removed = '" ~ tojson(counts) ~ "'::json"
        ~ " where request_id = '" ~ request_id ~ "' and request_type = 'erase' and rows_removed is null") -%}
    {#- all or nothing: a failure leaves the person whole, to be erased by the next run -#}
    {%- do run_query('begin transaction;\n' ~ (statements | join(';\n')) ~ ';\ncommit') -%}
{%- endmacro %}


{#- Adds the statements that apply the table's rule to the person's rows; returns how many rows
    they change. -#}
{% macro erase_from_table(relation, table_name, columns, statements) -%}
    {%- set records = "(select customer_record_id from erased_records)" -%}
    {%- set people = "(select master_customer_id from erased_people)" -%}
    {#- a base model's rule is its landing table's (macro privacy_landing_rules) -#}
    {%- set rules = {} -%}
    {%- for landed in landed_tables() -%}
        {%- do rules.update({landed.base_model: privacy_landing_rules(landed.source, landed.table)}) -%}
    {%- endfor -%}
    {#- facts kept for revenue: the link columns nulled, for the rows that name the person -#}
    {%- set links = {
        'fct_orders': ("master_customer_id = null, customer_record_id = null, customer_key = null",
                       'master_customer_id in ' ~ people ~ ' or customer_record_id in ' ~ records),
        'fct_order_lines': ('master_customer_id = null', 'master_customer_id in ' ~ people),
        'fct_web_events': ("master_customer_id = null, account_id = null, resolved_account_id = null,"
                           ~ " is_customer_matched = false",
                           'master_customer_id in ' ~ people ~ " or 'webshop:' || account_id in " ~ records
                           ~ " or 'webshop:' || resolved_account_id in " ~ records),
    } -%}
    {%- if rules.get(table_name) is not none -%}
        {%- set rule = rules[table_name] -%}
        {%- set where = rule.record ~ ' in ' ~ records -%}
        {%- if rule.action == 'unlink' -%}
            {%- set statement = 'update ' ~ relation ~ ' set ' ~ (rule.columns | join(' = null, ')) ~ ' = null' -%}
        {%- else -%}
            {%- set kept = ['_landed_file', '_loaded_at', 'row_status', '_is_erased', '_row_fingerprint', '_landed_key'] -%}
            {%- set nulled = columns | reject('in', kept) | list -%}
            {%- set statement = 'update ' ~ relation ~ ' set ' ~ (nulled | join(' = null, ')) ~ ' = null'
                ~ ", row_status = 'erased', _is_erased = true, _row_fingerprint = privacy_hash(_row_fingerprint)"
                ~ ", _landed_key = array_to_string(list_transform(string_split(_landed_key, chr(31)), lambda x: chr(0)), chr(31))" -%}
        {%- endif -%}
    {%- elif table_name in links -%}
        {%- set where = '(' ~ links[table_name][1] ~ ')' -%}
        {%- set statement = 'update ' ~ relation ~ ' set ' ~ links[table_name][0] -%}
    {%- elif table_name == 'quarantined_rows' -%}
        {#- the record a quarantined row belongs to: its key, or a consent event's first two parts -#}
        {%- set where = "(case when source = 'consent' then split_part(record_key, '|', 1) || ':' || split_part(record_key, '|', 2)"
            ~ " when source in ('crm', 'webshop', 'pos') then source || ':' || record_key end) in " ~ records -%}
        {%- set statement = 'delete from ' ~ relation -%}
    {%- else -%}
        {%- set conditions = [] -%}
        {%- for column in columns -%}
            {%- if column.endswith('record_id') or column.endswith('record_id_l') or column.endswith('record_id_r') -%}
                {%- do conditions.append(column ~ ' in ' ~ records) -%}
            {%- elif column.endswith('master_customer_id') or column.endswith('master_customer_id_l')
                or column.endswith('master_customer_id_r') -%}
                {%- do conditions.append(column ~ ' in ' ~ people) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if conditions | length == 0 -%}
            {{ return(0) }}
        {%- endif -%}
        {%- set where = conditions | join(' or ') -%}
        {%- set statement = 'delete from ' ~ relation -%}
    {%- endif -%}
    {%- set changed = run_query('select count(*) from ' ~ relation ~ ' where ' ~ where).columns[0].values()[0] -%}
    {%- if changed > 0 -%}
        {%- do statements.append(statement ~ ' where ' ~ where) -%}
    {%- endif -%}
    {%- if table_name == 'customer_id_history' -%}
        {%- do statements.append(
            "insert into " ~ relation ~ " (id_change_id, old_master_customer_id, new_master_customer_id, event,"
            ~ " old_id_retired, run_at, records_moved, example_record_id, reason)"
            ~ " select md5(master_customer_id || '|erased|' || cast(" ~ run_timestamp() ~ " as varchar)),"
            ~ " master_customer_id, null, 'erased', true, " ~ run_timestamp() ~ ","
            ~ " (select count(*) from erased_records where erased_records.master_customer_id = erased_people.master_customer_id),"
            ~ " null, 'erased on a privacy request' from erased_people") -%}
    {%- endif -%}
    {{ return(changed) }}
{%- endmacro %}
