with

base as (

    select * from {{ ref('base_privacy__requests') }}
    where row_status = 'staged'

),

final as (

    select
        request_id,
        request_type,
        identifier_type,
        source,
        identifier_hash,
        requested_at,
        _landed_file,
        _loaded_at
    from base

)

select * from final
