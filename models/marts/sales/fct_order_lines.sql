-- Order lines with their order's master customer and the product's category.
-- Incremental: the query yields every row; a daily run writes only the rows that are new or
-- differ from the table (except), so an unchanged row is not rewritten. Rows never disappear
-- from a fact: a key, once staged, stays staged in its newest version.
{{ config(
    materialized='incremental',
    unique_key=['order_id', 'line_number'],
    incremental_strategy='delete+insert',
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
        cast(order_lines.quantity * order_lines.unit_price as decimal(18, 2)) as line_revenue
    from order_lines
    inner join orders on order_lines.order_id = orders.order_id
    left join products on order_lines.sku = products.sku

)

select * from final
{%- if is_incremental() %}

except

select * from {{ this }}
{%- endif %}
