-- Web events carried to the master customer. Events before login carry only an anonymous_id;
-- when that anonymous_id logs in later, the events are attributed to that account.
-- Incremental: the query yields every row; a daily run writes only the rows that are new or
-- differ from the table (except), so an unchanged row is not rewritten. Rows never disappear
-- from a fact: a key, once staged, stays staged in its newest version.
{{ config(
    materialized='incremental',
    unique_key='event_id',
    incremental_strategy='delete+insert',
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

-- the first account each anonymous_id logged into, and when
anonymous_logins as (

    select
        anonymous_id,
        arg_min(account_id, occurred_at) as account_id
    from events
    where account_id is not null and anonymous_id is not null
    group by anonymous_id

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
        xref.master_customer_id is not null as is_customer_matched
    from attributed
    left join xref on attributed.resolved_account_id = xref.source_record_key

)

select * from final
{%- if is_incremental() %}

except

select * from {{ this }}
{%- endif %}
