-- Orders carried to the master customer. An order whose customer key matches no customer record
-- (a guest, an unknown card) is kept with a null master_customer_id and is_customer_matched false.
-- Incremental: a daily run recomputes only the orders whose order row or lines were loaded, or
-- whose customer record was aligned, after the newest input the table holds
-- (_sources_loaded_at), and writes those that are new or differ (except). Rows never disappear
-- from a fact: a key, once staged, stays staged in its newest version.
{{ config(
    materialized='incremental',
    unique_key='order_id',
    incremental_strategy=incremental_strategy('delete+insert'),
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
{%- if is_incremental() %}

changed_orders as (

    select order_id from orders
    where _loaded_at > {{ sources_loaded_watermark() }}

    union

    select order_id from order_lines
    where _loaded_at > {{ sources_loaded_watermark() }}

    union

    select orders.order_id
    from orders
    inner join xref
        on
            orders.channel = xref.source
            and orders.customer_key = xref.source_record_key
    where xref.aligned_at > {{ sources_loaded_watermark() }}

),
{%- endif %}

order_totals as (

    select
        order_id,
        count(*) as line_count,
        sum(quantity) as item_count,
        sum(quantity * unit_price) as order_revenue,
        max(_loaded_at) as lines_loaded_at
    from order_lines
    {%- if is_incremental() %}
        semi join changed_orders on order_lines.order_id = changed_orders.order_id
    {%- endif %}
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
        cast(coalesce(order_totals.order_revenue, 0) as decimal(18, 2)) as order_revenue,
        greatest(orders._loaded_at, order_totals.lines_loaded_at, xref.aligned_at) as _sources_loaded_at
    from orders
    left join xref
        on
            orders.channel = xref.source
            and orders.customer_key = xref.source_record_key
    left join order_totals on orders.order_id = order_totals.order_id
    {%- if is_incremental() %}
        semi join changed_orders on orders.order_id = changed_orders.order_id
    {%- endif %}

)

select * from final
{%- if is_incremental() %}

except

select * from {{ this }}
where order_id in (select changed_orders.order_id from changed_orders)
{%- endif %}
