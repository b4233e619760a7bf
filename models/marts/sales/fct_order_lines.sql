-- Order lines with their order's master customer and the product's category.
-- Incremental: a daily run recomputes only the lines of orders that fct_orders rewrote from
-- newer inputs and the lines of products loaded again, after the newest input the table holds
-- (_sources_loaded_at), and writes those that are new or differ (except). Rows never disappear
-- from a fact: a key, once staged, stays staged in its newest version.
{{ config(
    materialized='incremental',
    unique_key=['order_id', 'line_number'],
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
) }}

with

order_lines as (

    select * from {{ ref('stg_sales__order_lines') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),
{%- if is_incremental() %}

changed_lines as (

    -- fct_orders' input time covers the order, all its lines and its customer record
    select
        order_lines.order_id,
        order_lines.line_number
    from order_lines
    inner join orders on order_lines.order_id = orders.order_id
    where orders._sources_loaded_at > {{ sources_loaded_watermark() }}

    union

    select
        order_lines.order_id,
        order_lines.line_number
    from order_lines
    inner join products on order_lines.sku = products.sku
    where products._loaded_at > {{ sources_loaded_watermark() }}

),
{%- endif %}

final as (

    select
        order_lines.order_id,
        order_lines.line_number,
        orders.channel,
        orders.master_customer_id,
        orders.is_customer_matched,
        orders.ordered_at,
        orders.order_date,
        order_lines.sku,
        products.product_name,
        products.category,
        products.sku is not null as is_product_known,
        order_lines.quantity,
        order_lines.unit_price,
        cast(order_lines.quantity * order_lines.unit_price as decimal(18, 2)) as line_revenue,
        greatest(orders._sources_loaded_at, products._loaded_at) as _sources_loaded_at
    from order_lines
    inner join orders on order_lines.order_id = orders.order_id
    left join products on order_lines.sku = products.sku
    {%- if is_incremental() %}
        semi join changed_lines
            on
                order_lines.order_id = changed_lines.order_id
                and order_lines.line_number = changed_lines.line_number
    {%- endif %}

)

select * from final
{%- if is_incremental() %}

except

select lines_before.* from {{ this }} as lines_before
semi join changed_lines
    on
        lines_before.order_id = changed_lines.order_id
        and lines_before.line_number = changed_lines.line_number
{%- endif %}
