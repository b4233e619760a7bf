-- This run's new privacy requests (not yet in privacy_request_log), each with the people it
-- identifies: every master customer holding a record whose key, e-mail or phone hashes to the
-- request's identifier. Records are hashed only when a request is waiting.
{%- set request_log = adapter.get_relation(database=target.database, schema='privacy', identifier='privacy_request_log') if execute else none %}
{%- set new_requests -%}
    select * from {{ ref('stg_privacy__requests') }}
    {%- if request_log %}
    where request_id not in (select request_id from {{ request_log }} where status <> 'quarantined')
    {%- endif %}
{%- endset %}
{%- set waiting = execute and run_query('select count(*) from (' ~ new_requests ~ ')').columns[0].values()[0] > 0 %}

with

requests as (

    {{ new_requests }}

),

record_identifiers as (

    {{ hashed_customer_identifiers(enabled=waiting) }}

),

matched as (

    select distinct
        requests.request_id,
        record_identifiers.master_customer_id
    from requests
    inner join record_identifiers
        on
            requests.identifier_type = record_identifiers.identifier_type
            and requests.identifier_hash = record_identifiers.identifier_hash

),

final as (

    select
        requests.request_id,
        requests.request_type,
        requests.identifier_type,
        requests.requested_at,
        matched.master_customer_id,
        case when matched.master_customer_id is null then 'no match' else 'done' end as status,
        {{ run_timestamp() }} as processed_at
    from requests
    left join matched on requests.request_id = matched.request_id

)

select * from final
