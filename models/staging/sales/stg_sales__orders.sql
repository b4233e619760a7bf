with

base as (

    select * from {{ ref('base_sales__orders') }}
    where row_status = 'staged'

),

final as (

    select
        order_id,
        channel,
        customer_key,
        ordered_at,
        _landed_file,
        _loaded_at
    from base

)

select * from final
