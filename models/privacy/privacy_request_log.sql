-- Every privacy request once, as processed: done (it identified someone), no match, or
-- quarantined (with the reason: it could not be read). The erasure step at the end of the run
-- (macro apply_privacy_erasures) fills rows_removed; the CLI's compacting copy fills
-- file_compacted_at. No personal data: the identifier is not kept, not even hashed.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=false,
    on_schema_change='fail',
) }}

with

resolved as (

    select
        request_id,
        any_value(request_type) as request_type,
        any_value(identifier_type) as identifier_type,
        any_value(requested_at) as requested_at,
        any_value(status) as status,
        cast(null as {{ dbt.type_string() }}) as quarantine_reason,
        count(master_customer_id) as people_matched,
        any_value(processed_at) as processed_at
    from {{ ref('privacy_requests_resolved') }}
    group by request_id

),

logged as (

    {% if is_incremental() -%}
        select request_id from {{ this }}
    {%- else -%}
        select cast(null as {{ dbt.type_string() }}) as request_id
        where false
    {%- endif %}

),

quarantined as (

    {% call portable_qualify() -%}
    select
        requests.request_id,
        requests.request_type,
        requests.identifier_type,
        requests.requested_at,
        'quarantined' as status,
        requests.quarantine_reason,
        0 as people_matched,
        {{ run_timestamp() }} as processed_at
    from {{ ref('base_privacy__requests') }} as requests
    where
        requests.row_status = 'quarantined'
        and requests.request_id is not null
        and requests.request_id not in (select staged.request_id from {{ ref('stg_privacy__requests') }} as staged)
        and requests.request_id not in (select logged.request_id from logged)
    qualify row_number() over (partition by requests.request_id order by requests._landed_file desc) = 1
    {%- endcall %}

),

-- the erasure step fills rows_removed, the CLI's compacting copy file_compacted_at
final as (

    select
        processed.*,
        cast(null as {{ type_json() }}) as rows_removed,
        cast(null as timestamp) as file_compacted_at
    from (
        select * from resolved
        union all
        select * from quarantined
    ) as processed

)

select * from final
