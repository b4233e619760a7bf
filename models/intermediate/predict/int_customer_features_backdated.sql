-- The prediction models' training and validation examples: the features of mart_customer_features
-- on earlier days, each with what the person did in the horizon after it. For a horizon h and the
-- as-of day T, the models train on features at T - 2h with labels in (T - 2h, T - h] and are
-- calibrated and validated on features at T - h with labels in (T - h, T]: nothing after T is
-- read, and a label is null when its window would reach past T. The days before T: 30 and 60 for
-- the purchase model, the churn horizon and twice it for the churn model.
with

as_of as (

    select
        {{ as_of_value('prediction_as_of_date', 'date', '(select max(order_date) from ' ~ ref('fct_orders') ~ ')') }}
            as as_of_date

),

days_before as (

    select distinct day_offsets.days_before
    from (
        values (30), (60), ({{ var('churn_horizon_days') }}), (2 * {{ var('churn_horizon_days') }})
    ) as day_offsets (days_before)

),

cuts as (

    select cast(as_of.as_of_date - days_before.days_before as date) as as_of_date
    from as_of
    cross join days_before

),

features as (

    {{ customer_features('select as_of_date from cuts') | indent(4) }}

),

orders as (

    select
        orders.master_customer_id,
        orders.order_date
    from {{ ref('fct_orders') }} as orders
    cross join as_of
    where orders.master_customer_id is not null and orders.order_date <= as_of.as_of_date

),

labels as (

    select
        features.master_customer_id,
        features.as_of_date,
        count(orders.order_date) filter (where orders.order_date <= features.as_of_date + 30) > 0
            as purchased_next_30d,
        count(orders.order_date) filter (
            where orders.order_date <= features.as_of_date + {{ var('churn_horizon_days') }}
        ) > 0 as purchased_within_churn_horizon
    from features
    left join orders
        on
            features.master_customer_id = orders.master_customer_id
            and features.as_of_date < orders.order_date
    group by features.master_customer_id, features.as_of_date

),

final as (

    select
        features.*,
        case when features.as_of_date + 30 <= as_of.as_of_date then labels.purchased_next_30d end
            as purchased_next_30d,
        case
            when features.as_of_date + {{ var('churn_horizon_days') }} <= as_of.as_of_date
                then labels.purchased_within_churn_horizon
        end as purchased_within_churn_horizon
    from features
    cross join as_of
    inner join labels
        on
            features.master_customer_id = labels.master_customer_id
            and features.as_of_date = labels.as_of_date

)

select * from final
