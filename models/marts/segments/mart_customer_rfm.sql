-- Recency, frequency and monetary value per master customer with orders, scored 1-5 by quintile
-- and named through the rfm_segment_map seed. Everything is measured up to the as-of date (var
-- rfm_as_of_date, default: the latest order date in the data), so a rebuild gives the same answer.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

as_of as (

    select {{ as_of_value('rfm_as_of_date', 'date', '(select max(order_date) from orders)') }} as as_of_date

),

customer_orders as (

    select
        orders.master_customer_id,
        any_value(as_of.as_of_date) as as_of_date,
        min(orders.order_date) as first_order_date,
        max(orders.order_date) as last_order_date,
        cast({{ days_between('max(orders.order_date)', 'any_value(as_of.as_of_date)') }} as integer) as recency_days,
        count(distinct orders.order_id) as frequency,
        -- order_revenue is the sum of the order's line revenue
        cast(sum(orders.order_revenue) as decimal(18, 2)) as monetary
    from orders
    cross join as_of
    where orders.master_customer_id is not null and orders.order_date <= as_of.as_of_date
    group by orders.master_customer_id

),

-- quintile scores (macro quintile_score: equal values, equal scores); recency is ranked oldest
-- first, so the most recent customers score 5
scored as (

    select
        *,
        {{ quintile_score('recency_days desc') }} as r_score,
        {{ quintile_score('frequency asc') }} as f_score,
        {{ quintile_score('monetary asc') }} as m_score
    from customer_orders

),

final as (

    select
        scored.master_customer_id,
        scored.as_of_date,
        scored.first_order_date,
        scored.last_order_date,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        cast(scored.r_score as {{ dbt.type_string() }})
        || cast(scored.f_score as {{ dbt.type_string() }})
        || cast(scored.m_score as {{ dbt.type_string() }}) as rfm_cell,
        segment_map.segment
    from scored
    left join segment_map
        on
            scored.r_score = segment_map.r_score
            and scored.f_score = segment_map.f_score

)

select * from final
