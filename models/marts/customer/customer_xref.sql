-- The cross-reference every system uses: which master customer each source record belongs to.
with

aligned as (

    select * from {{ ref('int_customer_records_aligned') }}

),

final as (

    select
        source,
        source_record_key,
        customer_record_id,
        master_customer_id,
        match_method,
        match_probability
    from aligned

)

select * from final
