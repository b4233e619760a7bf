{#- Point-in-time features per master customer, for every day in `as_of_dates` (a query with one
    column, as_of_date; it may name a CTE of the calling model): for each day only the orders, order lines, web events, consent events and
    records up to that day are read, so a model trained on features at T with labels after T sees
    no future. One row per (person known by then, day). -#}
{% macro customer_features(as_of_dates) %}
    with

    as_of as (

        {{ as_of_dates }}

    ),

    records as (

        select
            records.master_customer_id,
            as_of.as_of_date,
            min(cast(coalesce(records.created_at, records.updated_at) as date)) as first_seen_date
        from {{ ref('int_customer_records_aligned') }} as records
        inner join as_of on cast(coalesce(records.created_at, records.updated_at) as date) <= as_of.as_of_date
        group by records.master_customer_id, as_of.as_of_date

    ),

    orders as (

        select
            orders.master_customer_id,
            as_of.as_of_date,
            orders.order_id,
            orders.order_date,
            orders.channel,
            orders.order_revenue
        from {{ ref('fct_orders') }} as orders
        inner join as_of on orders.order_date <= as_of.as_of_date
        where orders.master_customer_id is not null

    ),

    order_gaps as (

        select
            master_customer_id,
            as_of_date,
            {{ days_between(
                'lag(order_date) over (partition by master_customer_id, as_of_date order by order_date, order_id)',
                'order_date'
            ) }} as days_since_previous_order
        from orders

    ),

    order_features as (

        select
            orders.master_customer_id,
            orders.as_of_date,
            count(*) as frequency,
            count(distinct orders.order_date) as purchase_days,
            sum(orders.order_revenue) as monetary,
            {{ avg_double('orders.order_revenue') }} as average_order_value,
            min(orders.order_date) as first_order_date,
            max(orders.order_date) as last_order_date,
            count(*) filter (where orders.order_date > orders.as_of_date - 30) as orders_last_30d,
            count(*) filter (where orders.order_date > orders.as_of_date - 90) as orders_last_90d,
            {{ avg_double("case when orders.channel = 'webshop' then 1.0 else 0.0 end") }} as webshop_order_share
        from orders
        group by orders.master_customer_id, orders.as_of_date

    ),

    gap_features as (

        select
            master_customer_id,
            as_of_date,
            avg(days_since_previous_order) as mean_days_between_orders,
            stddev_samp(days_since_previous_order) as stddev_days_between_orders
        from order_gaps
        where days_since_previous_order is not null
        group by master_customer_id, as_of_date

    ),

    category_revenue as (

        select
            order_lines.master_customer_id,
            as_of.as_of_date,
            coalesce(order_lines.category, 'unknown') as category,
            sum(order_lines.line_revenue) as revenue
        from {{ ref('fct_order_lines') }} as order_lines
        inner join as_of on order_lines.order_date <= as_of.as_of_date
        where order_lines.master_customer_id is not null
        group by order_lines.master_customer_id, as_of.as_of_date, coalesce(order_lines.category, 'unknown')

    ),

    category_features as (

        select
            master_customer_id,
            as_of_date,
            count(*) as distinct_categories,
            {{ arg_max('category', 'revenue') }} as top_category,
            max(revenue) / nullif(sum(revenue), 0) as top_category_revenue_share
        from category_revenue
        group by master_customer_id, as_of_date

    ),

    web_features as (

        select
            events.master_customer_id,
            as_of.as_of_date,
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
        inner join as_of on events.occurred_at < as_of.as_of_date + 1
        where events.master_customer_id is not null
        group by events.master_customer_id, as_of.as_of_date

    ),

    -- each channel's latest consent on any of the person's records, up to the as-of day
    consent as (

        select
            xref.master_customer_id,
            as_of.as_of_date,
            consent.channel,
            {{ arg_max('consent.status', 'consent.recorded_at') }} as status
        from {{ ref('stg_consent__events') }} as consent
        inner join {{ ref('customer_xref') }} as xref
            on consent.source || ':' || consent.source_record_key = xref.customer_record_id
        inner join as_of on consent.recorded_at < as_of.as_of_date + 1
        group by xref.master_customer_id, as_of.as_of_date, consent.channel

    ),

    consent_features as (

        select
            master_customer_id,
            as_of_date,
            coalesce(bool_or(channel = 'email' and status = 'opt_in'), false) as email_opt_in,
            coalesce(bool_or(channel = 'sms' and status = 'opt_in'), false) as sms_opt_in,
            coalesce(bool_or(channel = 'post' and status = 'opt_in'), false) as post_opt_in
        from consent
        group by master_customer_id, as_of_date

    ),

    final as (

        select
            records.master_customer_id,
            records.as_of_date,
            cast({{ days_between('records.first_seen_date', 'records.as_of_date') }} as integer) as tenure_days,
            cast({{ days_between('order_features.last_order_date', 'records.as_of_date') }} as integer) as recency_days,
            coalesce(order_features.frequency, 0) as frequency,
            -- BG/NBD's inputs, in days: repeat purchase days, first to last, first to the as-of day
            coalesce(order_features.purchase_days - 1, 0) as repeat_purchase_days,
            cast({{ days_between('order_features.first_order_date', 'order_features.last_order_date') }} as integer)
                as days_first_to_last_order,
            cast({{ days_between('order_features.first_order_date', 'records.as_of_date') }} as integer) as days_since_first_order,
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
            cast({{ days_between('web_features.last_web_visit_date', 'records.as_of_date') }} as integer) as days_since_last_web_visit,
            coalesce(consent_features.email_opt_in, false) as email_opt_in,
            coalesce(consent_features.sms_opt_in, false) as sms_opt_in,
            coalesce(consent_features.post_opt_in, false) as post_opt_in
        from records
        {%- for features in ['order_features', 'gap_features', 'category_features', 'web_features', 'consent_features'] %}
        left join {{ features }}
            on
                records.master_customer_id = {{ features }}.master_customer_id
                and records.as_of_date = {{ features }}.as_of_date
        {%- endfor %}

    )

    select * from final
{%- endmacro %}
