{#- on-run-end: one row per `dbt build` / `dbt run` in staging.build_runs, whoever ran it (the CLI,
    Dagster, CI), so the warehouse says when it was last built and how that went (the app's
    /health page reads it). Counts are of the nodes this invocation ran, tests included. -#}
{% macro record_build_run(results) -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statuses = results | map(attribute='status') | map('string') | list -%}
    {%- set failed = statuses | select('in', ['error', 'fail', 'runtime error']) | list | length -%}
    {%- set warned = statuses | select('equalto', 'warn') | list | length -%}
    {%- set skipped = statuses | select('equalto', 'skipped') | list | length -%}
    {%- for statement in adapter.dispatch('build_runs_table_ddl', 'customer360')() -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- do run_query(
        "insert into staging.build_runs values ("
        ~ "'" ~ invocation_id ~ "', '" ~ flags.WHICH ~ "', " ~ run_timestamp() ~ ", "
        ~ "cast('" ~ modules.datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as timestamp), "
        ~ (statuses | length) ~ ", " ~ ((statuses | length) - failed - warned - skipped) ~ ", "
        ~ warned ~ ", " ~ failed ~ ", " ~ skipped ~ ")"
    ) -%}
    {{ return('') }}
{%- endmacro %}


{#- The statements that create staging.build_runs if it is missing. -#}
{% macro default__build_runs_table_ddl() -%}
    {{ return([
        "create schema if not exists staging;"
        ~ " create table if not exists staging.build_runs ("
        ~ "invocation_id varchar, command varchar, started_at timestamp, finished_at timestamp,"
        ~ " nodes integer, succeeded integer, warned integer, failed integer, skipped integer)"
    ]) }}
{%- endmacro %}


{#- Spark: one statement per query, Spark's type names, a Parquet table (insert appends a file). -#}
{% macro spark__build_runs_table_ddl() -%}
    {{ return([
        "create schema if not exists staging",
        "create table if not exists staging.build_runs ("
        ~ "invocation_id string, command string, started_at timestamp, finished_at timestamp,"
        ~ " nodes int, succeeded int, warned int, failed int, skipped int) using parquet",
    ]) }}
{%- endmacro %}
