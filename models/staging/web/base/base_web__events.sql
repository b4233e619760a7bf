-- Every landed web event, typed, with the reason it cannot be used (if any).
with

source as (

    select * from {{ landing_source('web', 'events', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(event_id), '') as event_id,
        try_cast(trim(occurred_at) as timestamp) as occurred_at,
        nullif(trim(account_id), '') as account_id,
        nullif(trim(anonymous_id), '') as anonymous_id,
        lower(nullif(trim(event_type), '')) as event_type,
        nullif(trim(sku), '') as sku,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(event_id), '') is null then 'missing event_id'
            when nullif(trim(occurred_at), '') is null then 'missing occurred_at'
            when {{ is_unparseable('occurred_at', 'timestamp') }} then 'unparseable occurred_at'
            {{ implausible_timestamp_checks('occurred_at') }}
            when
                lower(trim(event_type)) not in ('page_view', 'product_view', 'add_to_cart', 'checkout')
                or event_type is null then 'unknown event_type'
            when nullif(trim(account_id), '') is null and nullif(trim(anonymous_id), '') is null
                then 'neither account_id nor anonymous_id'
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['event_id']) }}

)

select * from classified
