with

base as (

    select * from {{ ref('base_catalog__products') }}
    where row_status = 'staged'

),

final as (

    select
        sku,
        product_name,
        coalesce(category, 'uncategorized') as category,
        unit_price,
        _landed_file,
        _loaded_at
    from base

)

select * from final
