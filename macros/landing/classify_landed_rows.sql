{#-
    Decides the fate of every landed row, so none is silently dropped:
    - 'quarantined': `invalid_reason` is set, or the row repeats its key within one landed file;
    - 'superseded': a later file (a later day's delta) carries a newer version of the key;
    - 'staged': the current version, passed on to the stg_ model;
    - 'erased': the row of a person erased on request (its values already null: macro
      privacy_masked), kept so that every landed row is still counted.
    `from_cte` must carry `invalid_reason`, `_landed_file`, `_row_fingerprint` and `_is_erased`.
    `_landed_key` is the key as one value (nulls included), the unique key of an incremental base
    model: when new files land, every earlier row of a key they carry is classified again with
    them (a newer version supersedes it) and replaces its old row; other keys are not touched.
    `_loaded_at` is the run that wrote the row (classified it last): models downstream of the stg_
    views pick the rows loaded since they last ran by it.
-#}
{% macro classify_landed_rows(from_cte, key_columns, newest_first='_landed_file desc') -%}
    {%- set key = key_columns | join(', ') -%}
    select
        *,
        case
            when _is_erased then 'erased'
            when invalid_reason is not null or copy_in_file > 1 then 'quarantined'
            when version_rank > 1 then 'superseded'
            else 'staged'
        end as row_status,
        case
            when _is_erased then null
            when invalid_reason is not null then invalid_reason
            when copy_in_file > 1 then 'duplicate key ({{ key }}) within one landed file'
        end as quarantine_reason,
        {{ run_timestamp() }} as _loaded_at
    from (
        select
            *,
            row_number() over (
                partition by invalid_reason is null, copy_in_file = 1, {{ key }}
                order by {{ newest_first }}, _landed_file desc, _row_fingerprint
            ) as version_rank
        from (
            select
                *,
                row_number() over (
                    partition by invalid_reason is null, {{ key }}, _landed_file
                    order by {{ newest_first }}, _row_fingerprint
                ) as copy_in_file
            from (
                select
                    *,
                    {{ landed_key(key_columns) }} as _landed_key
                from {{ from_cte }}
                {%- if is_incremental() %}

                union all by name

                select * exclude (copy_in_file, version_rank, row_status, quarantine_reason, _loaded_at)
                from {{ this }} as earlier
                where
                    _landed_key in (select {{ landed_key(key_columns) }} from {{ from_cte }})
                    -- a row `from_cte` itself brings back (validated again) is not taken twice
                    and not exists (
                        select 1 from {{ from_cte }} as again
                        where
                            again._landed_file = earlier._landed_file
                            and again._row_fingerprint = earlier._row_fingerprint
                    )
                {%- endif %}
            ) as landed
        ) as copies
    ) as versions
{%- endmacro %}


{#- True when a value is present but does not cast to `data_type`. -#}
{% macro is_unparseable(column, data_type) -%}
    (nullif(trim({{ column }}), '') is not null and try_cast(trim({{ column }}) as {{ data_type }}) is null)
{%- endmacro %}


{#- A key of one or more columns as one text value; a null part is coded, not dropped, so rows
    group exactly as a window partitioned by the columns groups them. -#}
{% macro landed_key(key_columns) -%}
    concat_ws(chr(31)
    {%- for column in key_columns -%}
        , coalesce(cast({{ column }} as {{ dbt.type_string() }}), chr(0))
    {%- endfor -%}
    )
{%- endmacro %}
