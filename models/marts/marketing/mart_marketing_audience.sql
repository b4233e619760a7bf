-- Who marketing may contact, per channel: one row per master customer whose consent for the
-- channel (mart_marketing_consent) is an opt-in and who has a usable address for it, with the
-- golden record's contact details. One person, one message, however many records they have;
-- nobody who asked for no marketing (privacy_suppressed_customers). The predicted audiences
-- (mart_customer_predictions) are flags: "likely to buy", "at risk".
with

consent as (

    select * from {{ ref('mart_marketing_consent') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

-- the predicted audiences: likely to buy soon, at risk of leaving
predictions as (

    select * from {{ ref('mart_customer_predictions') }}

),

-- a privacy request to receive no marketing (until an unsuppress request)
suppressed as (

    select * from {{ ref('privacy_suppressed_customers') }}

),

final as (

    select
        consent.channel,
        consent.master_customer_id,
        consent.contact_address,
        customers.first_name,
        customers.last_name,
        customers.gender,
        customers.postcode,
        customers.city,
        customers.country_code,
        consent.status_recorded_at as opted_in_at,
        consent.status_record_id as opted_in_record_id,
        consent.records_opted_in,
        coalesce(predictions.is_likely_to_buy, false) as is_likely_to_buy,
        coalesce(predictions.is_at_risk, false) as is_at_risk
    from consent
    inner join customers on consent.master_customer_id = customers.master_customer_id
    left join predictions on consent.master_customer_id = predictions.master_customer_id
    left join suppressed on consent.master_customer_id = suppressed.master_customer_id
    where
        consent.status = 'opt_in'
        and consent.contact_address is not null
        and suppressed.master_customer_id is null

)

select * from final
