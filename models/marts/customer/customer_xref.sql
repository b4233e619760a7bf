-- The cross-reference every system uses: which master customer each source record belongs to.
-- Daily runs rewrite the records aligned since the last run (records are never removed).
{{ config(
    materialized='incremental',
    unique_key='customer_record_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
) }}

with

aligned as (

    select * from {{ ref('int_customer_records_aligned') }}
    {%- if is_incremental() %}
        where aligned_at > (select max(xref_before.aligned_at) from {{ this }} as xref_before)
    {%- endif %}

),

final as (

    select
        source,
        source_record_key,
        customer_record_id,
        master_customer_id,
        match_method,
        match_probability,
        aligned_at
    from aligned

)

select * from final
