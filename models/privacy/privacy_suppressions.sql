-- Every processed suppress and unsuppress request, with salted hashes of every record key,
-- e-mail and phone the person had when it was processed: a suppression follows the person
-- through records that join them later, as long as one identifier is shared. Never rebuilt by
-- --full-refresh.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}

with

requests as (

    select
        request_id,
        request_type,
        requested_at,
        master_customer_id
    from {{ ref('privacy_requests_resolved') }}
    where request_type in ('suppress', 'unsuppress') and status = 'done'

),

records as (

    select
        requests.request_id,
        requests.request_type,
        requests.requested_at,
        records.customer_record_id,
        records.email,
        records.phone_e164
    from requests
    inner join {{ ref('int_customer_records_aligned') }} as records
        on requests.master_customer_id = records.master_customer_id

),

identifiers as (

    {{ hashed_record_identifiers('records', ['request_id', 'request_type', 'requested_at']) }}

)

select distinct
    request_id,
    request_type,
    requested_at,
    identifier_type,
    identifier_hash,
    {{ run_timestamp() }} as processed_at
from identifiers
