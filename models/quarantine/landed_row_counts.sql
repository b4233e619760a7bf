-- Per landing table: how many rows landed and where each went: staged, superseded by a
-- later file, quarantined, or erased on a privacy request; and how many files were read,
-- quarantined as a whole (with the rows they hold, when readable) or ignored. Folders that are no
-- contract table get a row of their own.
with

files as (

    select
        source,
        source_table,
        count(*) filter (where file_status = 'accepted') as accepted_files,
        count(*) filter (where file_status = 'quarantined') as quarantined_files,
        coalesce(sum(row_count) filter (where file_status = 'quarantined'), 0) as rows_in_quarantined_files,
        count(*) filter (where file_status = 'ignored') as ignored_files
    from {{ ref('landed_files') }}
    group by source, source_table

),

rows_per_table as (
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
            count(*) filter (where row_status = 'quarantined') as quarantined_rows,
            count(*) filter (where row_status = 'erased') as erased_rows
        from {{ ref(landed.base_model) }}
    {%- endfor %}

),

final as (

    select
        coalesce(rows_per_table.source, files.source, '(landing folder)') as source,
        coalesce(rows_per_table.source_table, files.source_table, '(none)') as source_table,
        rows_per_table.source is not null as is_contract_table,
        coalesce(rows_per_table.landed_rows, 0) as landed_rows,
        coalesce(rows_per_table.staged_rows, 0) as staged_rows,
        coalesce(rows_per_table.superseded_rows, 0) as superseded_rows,
        coalesce(rows_per_table.quarantined_rows, 0) as quarantined_rows,
        coalesce(rows_per_table.erased_rows, 0) as erased_rows,
        coalesce(files.accepted_files, 0) as accepted_files,
        coalesce(files.quarantined_files, 0) as quarantined_files,
        coalesce(files.rows_in_quarantined_files, 0) as rows_in_quarantined_files,
        coalesce(files.ignored_files, 0) as ignored_files
    from rows_per_table
    full outer join files
        on
            rows_per_table.source = files.source
            and rows_per_table.source_table = files.source_table

)

select * from final
