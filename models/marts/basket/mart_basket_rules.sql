-- Association rules "who buys A also buys B" between products and between categories, from the
-- distinct items of each order. The rule logic is the macro basket_rules_ctes, shared with the
-- benchmark (customer360/benchmarks_basket.py) so both run the same SQL.
-- It reads the staged order lines, not fct_order_lines: rules are about orders and products, not
-- customers, so the daily run builds them while identity resolution is still running.
with

-- every staged line belongs to a staged order (stg_sales__order_lines checks it)
order_lines as (

    select * from {{ ref('stg_sales__order_lines') }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

basket_lines as (

    select
        order_lines.order_id,
        order_lines.sku,
        products.category
    from order_lines
    left join products on order_lines.sku = products.sku

),

{{ basket_rules_ctes(
    'basket_lines',
    min_support=var('basket_min_support'),
    min_confidence=var('basket_min_confidence'),
    min_orders_with_both=var('basket_min_orders_with_both'),
) }}

select * from final
