-- Every landed file staging does not read, with the reason: quarantined (empty, unreadable,
-- malformed, missing contract columns), ignored (unknown file type or folder) or deleted since it
-- was loaded. Fix or move the file; the next build inspects it again.
with

landed_files as (

    select * from {{ ref('landed_files') }}

),

final as (

    select
        source,
        source_table,
        landing_path,
        file_status,
        problem,
        problem_line,
        row_count,
        size_bytes,
        first_seen_at
    from landed_files
    where file_status != 'accepted'

)

select * from final
