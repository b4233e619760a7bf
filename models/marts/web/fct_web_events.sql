-- Web events carried to the master customer. Events before login carry only an anonymous_id;
-- when that anonymous_id logs in later, the events are attributed to that account.
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
