with

base as (

    select * from {{ ref('base_consent__events') }}
    where row_status = 'staged'

),

final as (

    select
        source,
        source_record_key,
        channel,
        status,
        recorded_at,
        _landed_file,
        _loaded_at
    from base

)

select * from final
