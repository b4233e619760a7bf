-- Web events carried to the master customer. Events before login carry only an anonymous_id;
-- when that anonymous_id logs in later, the events are attributed to that account.
-- Incremental: a daily run recomputes only the events loaded after the newest input the table
-- holds (_sources_loaded_at), the events of the anonymous_ids those carry (a login attributes
-- earlier anonymous events) and the events of accounts aligned since, and writes those that are
-- new or differ (except). Rows never disappear from a fact: a key, once staged, stays staged in
-- its newest version.
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
) }}

with

events as (

    select * from {{ ref('stg_web__events') }}

),

xref as (

    select * from {{ ref('customer_xref') }}
    where source = 'webshop'

),
{%- if is_incremental() %}

loaded_events as (

    select * from events
    where _loaded_at > {{ sources_loaded_watermark() }}

),

changed_events as (

    select event_id from loaded_events

    union

    select events.event_id
    from events
    semi join loaded_events on events.anonymous_id = loaded_events.anonymous_id

    union

    select events_before.event_id
    from {{ this }} as events_before
    inner join xref on events_before.resolved_account_id = xref.source_record_key
    where xref.aligned_at > {{ sources_loaded_watermark() }}

),

changed_anonymous_ids as (

    select distinct events.anonymous_id
    from events
    semi join changed_events on events.event_id = changed_events.event_id

),
{%- endif %}

-- the first account each anonymous_id logged into, and when
anonymous_logins as (

    select
        events.anonymous_id,
        {{ arg_min('events.account_id', 'events.occurred_at') }} as account_id
    from events
    {%- if is_incremental() %}
        semi join changed_anonymous_ids on events.anonymous_id = changed_anonymous_ids.anonymous_id
    {%- endif %}
    where events.account_id is not null and events.anonymous_id is not null
    group by events.anonymous_id

),

attributed as (

    select
        events.*,
        coalesce(events.account_id, anonymous_logins.account_id) as resolved_account_id,
        case
            when events.account_id is not null then 'logged_in'
            when anonymous_logins.account_id is not null then 'linked_anonymous_id'
            else 'anonymous'
        end as attribution
    from events
    left join anonymous_logins on events.anonymous_id = anonymous_logins.anonymous_id
    {%- if is_incremental() %}
        semi join changed_events on events.event_id = changed_events.event_id
    {%- endif %}

),

final as (

    select
        attributed.event_id,
        attributed.occurred_at,
        attributed.event_type,
        attributed.sku,
        attributed.anonymous_id,
        attributed.account_id,
        attributed.resolved_account_id,
        attributed.attribution,
        xref.master_customer_id,
        xref.master_customer_id is not null as is_customer_matched,
        greatest(attributed._loaded_at, xref.aligned_at) as _sources_loaded_at
    from attributed
    left join xref on attributed.resolved_account_id = xref.source_record_key

)

select * from final
{%- if is_incremental() %}

except

select events_before.* from {{ this }} as events_before
semi join changed_events on events_before.event_id = changed_events.event_id
{%- endif %}
