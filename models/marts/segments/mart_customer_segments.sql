-- Behavioural flags per master customer from orders and web events, relative to one as-of moment
-- (var segments_as_of_at, default: the latest order or web event in the data). Every threshold is
-- a segment_* var in dbt_project.yml. A window "the last N days" is (as-of - N days, as-of].
with

customers as (

    select master_customer_id from {{ ref('dim_customer') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

events as (

    select * from {{ ref('fct_web_events') }}

),

as_of as (

    select
        as_of_at,
        as_of_at - {{ interval_of(var('segment_inactive_days'), 'day') }} as inactive_since
    from (
        select
            {{ as_of_value(
                'segments_as_of_at',
                'timestamp',
                'greatest((select max(ordered_at) from orders), (select max(occurred_at) from events))',
            ) }} as as_of_at
    ) as as_of_moment

),

order_activity as (

    select
        orders.master_customer_id,
        max(orders.ordered_at) as last_order_at,
        count(*) filter (
            where orders.ordered_at > as_of.as_of_at - {{ interval_of(var('segment_frequent_buyer_days'), 'day') }}
        ) as recent_order_count
    from orders
    cross join as_of
    where orders.master_customer_id is not null and orders.ordered_at <= as_of.as_of_at
    group by orders.master_customer_id

),

event_activity as (

    select
        events.master_customer_id,
        max(events.occurred_at) as last_event_at,
        max(events.occurred_at) filter (where events.event_type = 'checkout') as last_checkout_at,
        max(events.occurred_at) filter (
            where
            events.event_type = 'add_to_cart'
            and events.occurred_at > as_of.as_of_at - {{ interval_of(var('segment_high_intent_hours'), 'hour') }}
        ) as last_recent_add_to_cart_at,
        -- visit days are calendar days: the as-of day and the days before it
        count(distinct cast(events.occurred_at as date)) filter (
            where
            cast(events.occurred_at as date)
            > cast(as_of.as_of_at as date) - {{ var('segment_loyal_visitor_days') }}
        ) as recent_visit_days
    from events
    cross join as_of
    where events.master_customer_id is not null and events.occurred_at <= as_of.as_of_at
    group by events.master_customer_id

),

final as (

    select
        customers.master_customer_id,
        as_of.as_of_at,
        order_activity.last_order_at,
        event_activity.last_event_at,
        coalesce(order_activity.recent_order_count, 0) as recent_order_count,
        coalesce(event_activity.recent_visit_days, 0) as recent_visit_days,
        event_activity.last_recent_add_to_cart_at,
        (
            coalesce(order_activity.recent_order_count, 0)
            > {{ var('segment_frequent_buyer_more_than_orders') }}
        ) as is_frequent_buyer,
        -- no activity at all counts as inactive too
        (
            coalesce(order_activity.last_order_at <= as_of.inactive_since, true)
            and coalesce(event_activity.last_event_at <= as_of.inactive_since, true)
        ) as is_inactive,
        -- an order or checkout at or after the latest recent add-to-cart means the cart was bought
        (
            event_activity.last_recent_add_to_cart_at is not null
            and coalesce(order_activity.last_order_at < event_activity.last_recent_add_to_cart_at, true)
            and coalesce(event_activity.last_checkout_at < event_activity.last_recent_add_to_cart_at, true)
        ) as is_high_intent,
        (
            coalesce(event_activity.recent_visit_days, 0)
            > {{ var('segment_loyal_visitor_more_than_days') }}
        ) as is_loyal_visitor
    from customers
    cross join as_of
    left join order_activity on customers.master_customer_id = order_activity.master_customer_id
    left join event_activity on customers.master_customer_id = event_activity.master_customer_id

)

select * from final
