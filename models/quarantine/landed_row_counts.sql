-- Per landing table: how many rows landed and where each went: staged, superseded by a later
-- file, or quarantined.
{%- for landed in landed_tables() %}
    {%- if not loop.first %}

        union all
    {% endif %}

    select
        '{{ landed.source }}' as source,
        '{{ landed.table }}' as source_table,
        count(*) as landed_rows,
        count(*) filter (where row_status = 'staged') as staged_rows,
        count(*) filter (where row_status = 'superseded') as superseded_rows,
        count(*) filter (where row_status = 'quarantined') as quarantined_rows
    from {{ ref(landed.base_model) }}
{%- endfor %}
