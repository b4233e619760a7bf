with

base as (

    select * from {{ ref('base_web__events') }}
    where row_status = 'staged'

),

final as (

    select
        event_id,
        occurred_at,
        account_id,
        anonymous_id,
        event_type,
        sku,
        _landed_file,
        _loaded_at
    from base

)

select * from final
