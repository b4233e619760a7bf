-- Consent per person and channel: the latest consent event over all the person's linked source
-- records (customer_xref on source + source_record_key) decides. An opt-out on any record beats
-- an older opt-in on another; a newer opt-in after it counts again. At the very same moment an
-- opt-out wins: when in doubt, do not contact. Events of records that match no customer record
-- cannot be tied to a person and are left out.
-- Incremental: a daily run recomputes only the people with a consent event loaded, or a golden
-- record recomputed (dim_customer), after the newest input the table holds (_sources_loaded_at),
-- and replaces all their rows. The post-hook drops rows whose deciding record no longer belongs
-- to the person (a retired ID, a record split off to someone else).
{{ config(
    materialized='incremental',
    unique_key='master_customer_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
    post_hook=row_delete_hook("
        delete from {{ this }} as consent
        where not exists (
            select 1 from {{ ref('customer_xref') }} as xref
            where
                xref.customer_record_id = consent.status_record_id
                and xref.master_customer_id = consent.master_customer_id
        )"),
) }}

with

consent_events as (

    select * from {{ ref('stg_consent__events') }}

),

xref as (

    select * from {{ ref('customer_xref') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),
{%- if is_incremental() %}

changed_people as (

    select master_customer_id from customers
    where computed_at > {{ sources_loaded_watermark() }}

    union

    select xref.master_customer_id
    from consent_events
    inner join xref
        on
            consent_events.source = xref.source
            and consent_events.source_record_key = xref.source_record_key
    where consent_events._loaded_at > {{ sources_loaded_watermark() }}

),
{%- endif %}

person_events as (

    select
        xref.master_customer_id,
        xref.customer_record_id,
        consent_events.channel,
        consent_events.status,
        consent_events.recorded_at,
        consent_events._loaded_at
    from consent_events
    inner join xref
        on
            consent_events.source = xref.source
            and consent_events.source_record_key = xref.source_record_key
    {%- if is_incremental() %}
        semi join changed_people on xref.master_customer_id = changed_people.master_customer_id
    {%- endif %}

),

-- each record's own latest status: what contacting every source record separately would use
record_status as (

    {% call portable_qualify() -%}
    select
        master_customer_id,
        customer_record_id,
        channel,
        status
    from person_events
    qualify row_number() over (
        partition by customer_record_id, channel
        order by recorded_at desc, status = 'opt_out' desc
    ) = 1
    {%- endcall %}

),

record_counts as (

    select
        master_customer_id,
        channel,
        count(*) as records_with_consent,
        count(*) filter (where status = 'opt_in') as records_opted_in
    from record_status
    group by master_customer_id, channel

),

events_loaded as (

    select
        master_customer_id,
        channel,
        max(_loaded_at) as events_loaded_at
    from person_events
    group by master_customer_id, channel

),

person_status as (

    {% call portable_qualify() -%}
    select
        master_customer_id,
        channel,
        status,
        recorded_at,
        customer_record_id
    from person_events
    qualify row_number() over (
        partition by master_customer_id, channel
        order by recorded_at desc, status = 'opt_out' desc, customer_record_id asc
    ) = 1
    {%- endcall %}

),

-- the golden record's contact for the channel; sms needs a mobile number, post a street and postcode
contact as (

    select
        master_customer_id,
        email,
        case when phone_is_mobile then phone_e164 end as mobile_phone_e164,
        case
            when street is not null and postcode is not null
                then concat_ws(
                    ', ',
                    trim(street || ' ' || coalesce(house_number, '')),
                    trim(postcode || ' ' || coalesce(city, '')),
                    country_code
                )
        end as postal_address,
        computed_at
    from customers
    {%- if is_incremental() %}
        semi join changed_people on customers.master_customer_id = changed_people.master_customer_id
    {%- endif %}

),

final as (

    select
        person_status.master_customer_id,
        person_status.channel,
        person_status.status,
        person_status.recorded_at as status_recorded_at,
        person_status.customer_record_id as status_record_id,
        record_counts.records_with_consent,
        record_counts.records_opted_in,
        case person_status.channel
            when 'email' then contact.email
            when 'sms' then contact.mobile_phone_e164
            when 'post' then contact.postal_address
        end as contact_address,
        greatest(events_loaded.events_loaded_at, contact.computed_at) as _sources_loaded_at
    from person_status
    inner join record_counts
        on
            person_status.master_customer_id = record_counts.master_customer_id
            and person_status.channel = record_counts.channel
    inner join events_loaded
        on
            person_status.master_customer_id = events_loaded.master_customer_id
            and person_status.channel = events_loaded.channel
    left join contact on person_status.master_customer_id = contact.master_customer_id

)

select * from final
