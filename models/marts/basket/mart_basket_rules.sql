-- Association rules "who buys A also buys B" between products and between categories, from the
-- distinct items of each order. The rule logic is the macro basket_rules_ctes, shared with the
-- benchmark (customer360/benchmarks_basket.py) so both run the same SQL.
with

-- only orders that staged with their lines (fct_order_lines joins the staged orders)
order_lines as (

    select
        order_id,
        sku,
        category
    from {{ ref('fct_order_lines') }}

),

{{ basket_rules_ctes(
    'order_lines',
    min_support=var('basket_min_support'),
    min_confidence=var('basket_min_confidence'),
    min_orders_with_both=var('basket_min_orders_with_both'),
) }}

select * from final
