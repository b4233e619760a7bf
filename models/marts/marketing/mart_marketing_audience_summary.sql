-- Per channel, what deduplication changes: contacting every source record with an opt-in
-- (records_opted_in) against contacting each person once, when their latest consent allows it.
with

-- a person who asked for no marketing (a privacy suppress request) is counted apart
consent as (

    select
        consent.*,
        suppressed.master_customer_id is not null as is_suppressed
    from {{ ref('mart_marketing_consent') }} as consent
    left join {{ ref('privacy_suppressed_customers') }} as suppressed
        on consent.master_customer_id = suppressed.master_customer_id

),

audience as (

    select * from {{ ref('mart_marketing_audience') }}

),


channels as (

    select {{ unnest_list(['email', 'sms', 'post']) }} as channel

),

consent_counts as (

    select
        channel,
        sum(records_opted_in) as records_opted_in,
        count(*) filter (where records_opted_in > 0) as people_with_opted_in_record,
        -- an opted-in record, but a newer opt-out on another record of the same person
        count(*) filter (where records_opted_in > 0 and status = 'opt_out') as people_opted_out_elsewhere,
        count(*) filter (where status = 'opt_in' and contact_address is null) as people_without_address,
        count(*) filter (where status = 'opt_in' and contact_address is not null and is_suppressed) as people_suppressed
    from consent
    group by channel

),

audience_counts as (

    select
        channel,
        count(*) as audience_people
    from audience
    group by channel

),

final as (

    select
        channels.channel,
        cast(coalesce(consent_counts.records_opted_in, 0) as bigint) as records_opted_in,
        cast(coalesce(consent_counts.people_with_opted_in_record, 0) as bigint) as people_with_opted_in_record,
        cast(
            coalesce(consent_counts.records_opted_in - consent_counts.people_with_opted_in_record, 0) as bigint
        ) as duplicate_contacts_avoided,
        cast(coalesce(consent_counts.people_opted_out_elsewhere, 0) as bigint) as people_opted_out_elsewhere,
        cast(coalesce(consent_counts.people_without_address, 0) as bigint) as people_without_address,
        cast(coalesce(consent_counts.people_suppressed, 0) as bigint) as people_suppressed,
        cast(coalesce(audience_counts.audience_people, 0) as bigint) as audience_people
    from channels
    left join consent_counts on channels.channel = consent_counts.channel
    left join audience_counts on channels.channel = audience_counts.channel

)

select * from final
