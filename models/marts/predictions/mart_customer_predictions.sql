-- Who buys next and who is leaving, per master customer, as of mart_customer_features' day: the
-- scores of int_customer_predictions_scored, and the two audiences marketing asks for: "likely to
-- buy" (the top share by purchase probability) and "at risk" (a customer likely to have churned by
-- the horizon who was worth something: a positive expected spend).
with

scores as (

    select * from {{ ref('int_customer_predictions_scored') }}

),

ranked as (

    select
        *,
        -- calibrated probabilities tie in steps: the expected purchases, then the id, break ties
        row_number() over (
            order by purchase_probability_30d desc, expected_purchases_12m desc, master_customer_id asc
        ) as purchase_probability_rank,
        count(*) over () as people
    from scores

),

final as (

    select
        cast(master_customer_id as {{ dbt.type_string() }}) as master_customer_id,
        cast(as_of_date as date) as as_of_date,
        cast(purchase_probability_30d as double) as purchase_probability_30d,
        cast(churn_probability as double) as churn_probability,
        cast(expected_purchases_12m as double) as expected_purchases_12m,
        cast(expected_spend_12m as double) as expected_spend_12m,
        cast(probability_alive as double) as probability_alive,
        purchase_probability_rank <= ceil({{ var('likely_to_buy_top_share') }} * people) as is_likely_to_buy,
        coalesce(
            churn_probability >= {{ var('at_risk_min_churn_probability') }} and expected_spend_12m > 0, false
        ) as is_at_risk,
        cast(model_version as {{ dbt.type_string() }}) as model_version
    from ranked

)

select * from final
