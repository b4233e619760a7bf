{#-
    Incremental models on adapters whose tables cannot merge or delete rows. On Spark with Parquet
    tables (no Delta), dbt-spark accepts only the append and insert_overwrite strategies, and
    `customer360 build --target spark` rebuilds every incremental model in full (--full-refresh):
    the model's strategy is never used there, it only has to be one dbt-spark accepts.
    dbt_project.yml chooses the base models' strategy the same way, by target.type.
-#}
{% macro incremental_strategy(strategy) -%}
    {{ return(adapter.dispatch('incremental_strategy', 'customer360')(strategy)) }}
{%- endmacro %}

{% macro default__incremental_strategy(strategy) -%}
    {{ return(strategy) }}
{%- endmacro %}

{% macro spark__incremental_strategy(strategy) -%}
    {{ return('append') }}
{%- endmacro %}


{#- full_refresh=false for the models whose rows are state no rebuild may lose (stable IDs, the
    erasure tombstone, the privacy log). On Spark every build is a full refresh, of these too:
    appending a whole result to the previous one would double it. -#}
{% macro never_full_refresh() -%}
    {{ return(adapter.dispatch('never_full_refresh', 'customer360')()) }}
{%- endmacro %}

{% macro default__never_full_refresh() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro spark__never_full_refresh() -%}
    {{ return(none) }}
{%- endmacro %}


{#- A post-hook that deletes rows of the model's table. Spark's Parquet tables cannot delete
    rows: no hook there, and none is needed, since every Spark build rebuilds the table from its
    query, which holds no such row. -#}
{% macro row_delete_hook(statement) -%}
    {{ return(adapter.dispatch('row_delete_hook', 'customer360')(statement)) }}
{%- endmacro %}

{% macro default__row_delete_hook(statement) -%}
    {{ return(statement) }}
{%- endmacro %}

{% macro spark__row_delete_hook(statement) -%}
    {{ return('') }}
{%- endmacro %}
