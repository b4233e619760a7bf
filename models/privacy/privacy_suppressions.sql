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

identifiers as (

    {{ hashed_customer_identifiers('requests', ['request_id', 'request_type', 'requested_at']) }}

)

select distinct
    request_id,
    request_type,
    requested_at,
    identifier_type,
    identifier_hash,
    {{ run_timestamp() }} as processed_at
from identifiers
