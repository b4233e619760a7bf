{#-
    Decides the fate of every landed row, so none is silently dropped:
    - 'quarantined': `invalid_reason` is set, or the row repeats its key within one landed file;
    - 'superseded': a later file (a later day's delta) carries a newer version of the key;
    - 'staged': the current version, passed on to the stg_ model.
    `from_cte` must carry `invalid_reason`, `_landed_file` and `_row_fingerprint`.
-#}
{% macro classify_landed_rows(from_cte, key_columns, newest_first='_landed_file desc') -%}
    {%- set key = key_columns | join(', ') -%}
    select
        *,
        case
            when invalid_reason is not null or copy_in_file > 1 then 'quarantined'
            when version_rank > 1 then 'superseded'
            else 'staged'
        end as row_status,
        case
            when invalid_reason is not null then invalid_reason
            when copy_in_file > 1 then 'duplicate key ({{ key }}) within one landed file'
        end as quarantine_reason
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
            from {{ from_cte }}
        ) as copies
    ) as versions
{%- endmacro %}


{#- True when a value is present but does not cast to `data_type`. -#}
{% macro is_unparseable(column, data_type) -%}
    (nullif(trim({{ column }}), '') is not null and try_cast(trim({{ column }}) as {{ data_type }}) is null)
{%- endmacro %}
