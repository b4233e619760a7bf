-- The tombstone: salted hashes of every record key, e-mail and phone of each erased person (all
-- records of the master customer when the request was processed). Staging erases any landed
-- row carrying one of them on every later build (macro is_erased_row), so an erased person never
-- comes back from an export; never rebuilt by --full-refresh, as the erasure must outlive it.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}

with

erasures as (

    select
        request_id,
        master_customer_id
    from {{ ref('privacy_requests_resolved') }}
    where request_type = 'erase' and status = 'done'

),

identifiers as (

    {{ hashed_customer_identifiers('erasures', ['request_id', 'master_customer_id']) }}

)

select distinct
    request_id,
    master_customer_id,
    identifier_type,
    identifier_hash,
    {{ run_timestamp() }} as erased_at
from identifiers
