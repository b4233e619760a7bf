-- Every landed row that could not be staged, with the reason. Fix the file and reload; nothing
-- here reaches the matching or the marts.
{%- for landed in landed_tables() %}
    {%- if not loop.first %}

        union all
    {% endif %}

    select
        '{{ landed.source }}' as source,
        '{{ landed.table }}' as source_table,
        {{ landed.key }} as record_key,
        quarantine_reason,
        _landed_file as landed_file,
        _row_fingerprint as row_fingerprint
    from {{ ref(landed.base_model) }}
    where row_status = 'quarantined'
{%- endfor %}
