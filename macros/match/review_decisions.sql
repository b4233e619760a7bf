{#- Where the app (`customer360 app`, page /review) writes reviewers' decisions: the var
    review_decisions_path, else CUSTOMER360_REVIEW_DECISIONS, else `<warehouse file>.decisions.csv`
    beside the warehouse (customer360.app.decisions.decisions_path says the same in Python). -#}
{% macro review_decisions_path() -%}
    {%- set configured = var('review_decisions_path') or env_var('CUSTOMER360_REVIEW_DECISIONS', '') -%}
    {%- if configured -%}
        {{ return(configured) }}
    {%- endif -%}
    {{ return(env_var('CUSTOMER360_DUCKDB_PATH', 'data/customer360.duckdb') ~ '.decisions.csv') }}
{%- endmacro %}


{#- The app's decisions as rows with the columns of the seed manual_match_decisions; none until
    the first decision creates the file. -#}
{% macro review_decisions() -%}
    {{ return(adapter.dispatch('review_decisions')(review_decisions_path())) }}
{%- endmacro %}


{% macro default__review_decisions(path) -%}
    {#- the app runs on the DuckDB warehouse only: elsewhere decisions come from the seed -#}
    {{ empty_review_decisions() }}
{%- endmacro %}


{% macro duckdb__review_decisions(path) -%}
    {%- set quoted = "'" ~ (path | replace("'", "''")) ~ "'" -%}
    {%- set found = execute and run_query('select count(*) from glob(' ~ quoted ~ ')').columns[0].values()[0] > 0 -%}
    {%- if found %}
    select
        source_l,
        source_record_key_l,
        source_r,
        source_record_key_r,
        decision,
        decided_by,
        decided_at,
        note
    from read_csv(
        {{ quoted }},
        header = true,
        auto_detect = false,
        columns = {
            'source_l': 'varchar',
            'source_record_key_l': 'varchar',
            'source_r': 'varchar',
            'source_record_key_r': 'varchar',
            'decision': 'varchar',
            'decided_by': 'varchar',
            'decided_at': 'timestamp',
            'note': 'varchar'
        }
    )
    {%- else %}
    {{ empty_review_decisions() }}
    {%- endif %}
{%- endmacro %}


{% macro empty_review_decisions() -%}
    select
        cast(null as {{ dbt.type_string() }}) as source_l,
        cast(null as {{ dbt.type_string() }}) as source_record_key_l,
        cast(null as {{ dbt.type_string() }}) as source_r,
        cast(null as {{ dbt.type_string() }}) as source_record_key_r,
        cast(null as {{ dbt.type_string() }}) as decision,
        cast(null as {{ dbt.type_string() }}) as decided_by,
        cast(null as timestamp) as decided_at,
        cast(null as {{ dbt.type_string() }}) as note
    where false
{%- endmacro %}
