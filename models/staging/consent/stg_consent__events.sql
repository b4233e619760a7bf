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
        _landed_file
    from base

)

select * from final
