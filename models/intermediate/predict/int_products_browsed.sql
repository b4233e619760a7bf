-- What each visitor looked at lately, per cookie and product: the strongest of their product views
-- (0.5) and add-to-carts (1.0) in the last recommendation_browsing_days of web activity (the
-- window ends at the latest web event in the data), with the master customer of those events and
-- whether the cookie was ever linked to one. The browsing signal of both recommendation marts.
with

web_events as (

    select * from {{ ref('fct_web_events') }}

),

latest_activity as (

    select max(occurred_at) as latest_event_at from web_events

),

-- cookies that ever belonged to a known person: their visitors are customers, not strangers
linked_cookies as (

    select distinct anonymous_id
    from web_events
    where master_customer_id is not null

),

browsed as (

    select
        web_events.anonymous_id,
        web_events.master_customer_id,
        web_events.sku,
        max(case when web_events.event_type = 'add_to_cart' then 1.0 else 0.5 end) as browse_signal,
        max(web_events.occurred_at) as last_browsed_at
    from web_events
    cross join latest_activity
    where
        web_events.event_type in ('product_view', 'add_to_cart')
        and web_events.sku is not null
        and web_events.occurred_at > latest_activity.latest_event_at
        - {{ interval_of(var('recommendation_browsing_days'), 'day') }}
    group by web_events.anonymous_id, web_events.master_customer_id, web_events.sku

),

final as (

    select
        browsed.anonymous_id,
        browsed.master_customer_id,
        browsed.sku,
        browsed.browse_signal,
        browsed.last_browsed_at,
        linked_cookies.anonymous_id is not null as is_linked_cookie
    from browsed
    left join linked_cookies on browsed.anonymous_id = linked_cookies.anonymous_id

)

select * from final
