-- Every landed order row, typed, with the reason it cannot be used (if any).
with

source as (

    select * from {{ landing_source('sales', 'orders', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(order_id), '') as order_id,
        lower(nullif(trim(channel), '')) as channel,
        nullif(trim(customer_key), '') as customer_key,
        try_cast(trim(ordered_at) as timestamp) as ordered_at,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(order_id), '') is null then 'missing order_id'
            when nullif(trim(ordered_at), '') is null then 'missing ordered_at'
            when {{ is_unparseable('ordered_at', 'timestamp') }} then 'unparseable ordered_at'
            {{ implausible_timestamp_checks('ordered_at') }}
            when lower(nullif(trim(channel), '')) is null then 'missing channel'
            when lower(trim(channel)) not in ('webshop', 'pos') then 'unknown channel'
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['order_id']) }}

)

select * from classified
