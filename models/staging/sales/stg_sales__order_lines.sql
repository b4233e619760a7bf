with

base as (

    select * from {{ ref('base_sales__order_lines') }}
    where row_status = 'staged'

),

final as (

    select
        order_id,
        line_number,
        sku,
        quantity,
        unit_price,
        _landed_file,
        _loaded_at
    from base

)

select * from final
