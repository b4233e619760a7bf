-- Point-in-time features per master customer, as of var('prediction_as_of_date') (default: the
-- latest order date): only the orders, order lines, web events, consent events and records up to
-- that day are read, so a model trained on features at T with labels after T sees no future.
-- One row per person known by then.
with

as_of as (

    select
        {{ as_of_value('prediction_as_of_date', 'date', '(select max(order_date) from ' ~ ref('fct_orders') ~ ')') }}
            as as_of_date

),

records as (

    select
        records.master_customer_id,
        min(cast(coalesce(records.created_at, records.updated_at) as date)) as first_seen_date
    from {{ ref('int_customer_records_aligned') }} as records
    cross join as_of
    where cast(coalesce(records.created_at, records.updated_at) as date) <= as_of.as_of_date
    group by records.master_customer_id

),

orders as (

    select
        orders.master_customer_id,
        orders.order_id,
        orders.order_date,
        orders.channel,
        orders.order_revenue
    from {{ ref('fct_orders') }} as orders
    cross join as_of
    where orders.master_customer_id is not null and orders.order_date <= as_of.as_of_date

),

order_gaps as (

    select
        master_customer_id,
        order_date - lag(order_date) over (partition by master_customer_id order by order_date, order_id)
            as days_since_previous_order
    from orders

),

order_features as (

    select
        orders.master_customer_id,
        count(*) as frequency,
        sum(orders.order_revenue) as monetary,
        avg(orders.order_revenue) as average_order_value,
        min(orders.order_date) as first_order_date,
        max(orders.order_date) as last_order_date,
        count(*) filter (where orders.order_date > as_of.as_of_date - 30) as orders_last_30d,
        count(*) filter (where orders.order_date > as_of.as_of_date - 90) as orders_last_90d,
        avg(case when orders.channel = 'webshop' then 1.0 else 0.0 end) as webshop_order_share
    from orders
    cross join as_of
    group by orders.master_customer_id

),

gap_features as (

    select
        master_customer_id,
        avg(days_since_previous_order) as mean_days_between_orders,
        stddev_samp(days_since_previous_order) as stddev_days_between_orders
    from order_gaps
    where days_since_previous_order is not null
    group by master_customer_id

),

category_revenue as (

    select
        order_lines.master_customer_id,
        coalesce(order_lines.category, 'unknown') as category,
        sum(order_lines.line_revenue) as revenue
    from {{ ref('fct_order_lines') }} as order_lines
    cross join as_of
    where order_lines.master_customer_id is not null and order_lines.order_date <= as_of.as_of_date
    group by order_lines.master_customer_id, coalesce(order_lines.category, 'unknown')

),

category_features as (

    select
        master_customer_id,
        count(*) as distinct_categories,
        arg_max(category, revenue) as top_category,
        max(revenue) / nullif(sum(revenue), 0) as top_category_revenue_share
    from category_revenue
    group by master_customer_id

),

web_features as (

    select
        events.master_customer_id,
        count(*) filter (
            where events.event_type in ('page_view', 'product_view') and events.occurred_at >= as_of.as_of_date - 6
        ) as views_last_7d,
        count(*) filter (
            where events.event_type in ('page_view', 'product_view') and events.occurred_at >= as_of.as_of_date - 29
        ) as views_last_30d,
        count(*) filter (where events.event_type = 'add_to_cart' and events.occurred_at >= as_of.as_of_date - 6)
            as add_to_carts_last_7d,
        count(*) filter (where events.event_type = 'add_to_cart' and events.occurred_at >= as_of.as_of_date - 29)
            as add_to_carts_last_30d,
        count(*) filter (where events.event_type = 'checkout' and events.occurred_at >= as_of.as_of_date - 6)
            as checkouts_last_7d,
        count(*) filter (where events.event_type = 'checkout' and events.occurred_at >= as_of.as_of_date - 29)
            as checkouts_last_30d,
        max(cast(events.occurred_at as date)) as last_web_visit_date
    from {{ ref('fct_web_events') }} as events
    cross join as_of
    where events.master_customer_id is not null and events.occurred_at < as_of.as_of_date + 1
    group by events.master_customer_id

),

-- each channel's latest consent on any of the person's records, up to the as-of day
consent as (

    select
        xref.master_customer_id,
        consent.channel,
        arg_max(consent.status, consent.recorded_at) as status
    from {{ ref('stg_consent__events') }} as consent
    inner join {{ ref('customer_xref') }} as xref
        on consent.source || ':' || consent.source_record_key = xref.customer_record_id
    cross join as_of
    where consent.recorded_at < as_of.as_of_date + 1
    group by xref.master_customer_id, consent.channel

),

consent_features as (

    select
        master_customer_id,
        coalesce(bool_or(channel = 'email' and status = 'opt_in'), false) as email_opt_in,
        coalesce(bool_or(channel = 'sms' and status = 'opt_in'), false) as sms_opt_in,
        coalesce(bool_or(channel = 'post' and status = 'opt_in'), false) as post_opt_in
    from consent
    group by master_customer_id

),

final as (

    select
        records.master_customer_id,
        as_of.as_of_date,
        cast(as_of.as_of_date - records.first_seen_date as integer) as tenure_days,
        cast(as_of.as_of_date - order_features.last_order_date as integer) as recency_days,
        coalesce(order_features.frequency, 0) as frequency,
        cast(coalesce(order_features.monetary, 0) as decimal(38, 2)) as monetary,
        cast(order_features.average_order_value as double) as average_order_value,
        coalesce(order_features.orders_last_30d, 0) as orders_last_30d,
        coalesce(order_features.orders_last_90d, 0) as orders_last_90d,
        cast(gap_features.mean_days_between_orders as double) as mean_days_between_orders,
        cast(gap_features.stddev_days_between_orders as double) as stddev_days_between_orders,
        cast(order_features.webshop_order_share as double) as webshop_order_share,
        coalesce(category_features.distinct_categories, 0) as distinct_categories,
        category_features.top_category,
        cast(category_features.top_category_revenue_share as double) as top_category_revenue_share,
        coalesce(web_features.views_last_7d, 0) as views_last_7d,
        coalesce(web_features.views_last_30d, 0) as views_last_30d,
        coalesce(web_features.add_to_carts_last_7d, 0) as add_to_carts_last_7d,
        coalesce(web_features.add_to_carts_last_30d, 0) as add_to_carts_last_30d,
        coalesce(web_features.checkouts_last_7d, 0) as checkouts_last_7d,
        coalesce(web_features.checkouts_last_30d, 0) as checkouts_last_30d,
        cast(as_of.as_of_date - web_features.last_web_visit_date as integer) as days_since_last_web_visit,
        coalesce(consent_features.email_opt_in, false) as email_opt_in,
        coalesce(consent_features.sms_opt_in, false) as sms_opt_in,
        coalesce(consent_features.post_opt_in, false) as post_opt_in
    from records
    cross join as_of
    left join order_features on records.master_customer_id = order_features.master_customer_id
    left join gap_features on records.master_customer_id = gap_features.master_customer_id
    left join category_features on records.master_customer_id = category_features.master_customer_id
    left join web_features on records.master_customer_id = web_features.master_customer_id
    left join consent_features on records.master_customer_id = consent_features.master_customer_id

)

select * from final
