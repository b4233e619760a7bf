-- Orders carried to the master customer. An order whose customer key matches no customer record
-- (a guest, an unknown card) is kept with a null master_customer_id and is_customer_matched false.
-- Incremental: the query yields every row; a daily run writes only the rows that are new or
-- differ from the table (except), so an unchanged row is not rewritten. Rows never disappear
-- from a fact: a key, once staged, stays staged in its newest version.
{{ config(
    materialized='incremental',
    unique_key='order_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

orders as (

    select * from {{ ref('stg_sales__orders') }}

),

order_lines as (

    select * from {{ ref('stg_sales__order_lines') }}

),

xref as (

    select * from {{ ref('customer_xref') }}

),

order_totals as (

    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_count,
        sum(quantity * unit_price) as order_revenue
    from order_lines
    group by order_id

),

final as (

    select
        orders.order_id,
        orders.channel,
        orders.customer_key,
        orders.channel || ':' || orders.customer_key as customer_record_id,
        xref.master_customer_id,
        xref.master_customer_id is not null as is_customer_matched,
        orders.ordered_at,
        cast(orders.ordered_at as date) as order_date,
        cast(coalesce(order_totals.line_count, 0) as bigint) as line_count,
        cast(coalesce(order_totals.item_count, 0) as bigint) as item_count,
        cast(coalesce(order_totals.order_revenue, 0) as decimal(18, 2)) as order_revenue
    from orders
    left join xref
        on
            orders.channel = xref.source
            and orders.customer_key = xref.source_record_key
    left join order_totals on orders.order_id = order_totals.order_id

)

select * from final
{%- if is_incremental() %}

except

select * from {{ this }}
{%- endif %}
