-- Every landed consent event, typed, with the reason it cannot be used (if any).
-- Consent events have no key of their own: one record's channel status at one moment is the key.
with

source as (

    select * from {{ landing_source('consent', 'events', new_files_only=is_incremental()) }}

),

renamed as (

    select
        lower(nullif(trim(source), '')) as source,
        nullif(trim(source_record_key), '') as source_record_key,
        lower(nullif(trim(channel), '')) as channel,
        lower(nullif(trim(status), '')) as status,
        try_cast(trim(recorded_at) as timestamp) as recorded_at,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(source_record_key), '') is null then 'missing source_record_key'
            when lower(trim(source)) not in ('crm', 'webshop', 'pos') or source is null then 'unknown source'
            when lower(trim(channel)) not in ('email', 'sms', 'post') or channel is null then 'unknown channel'
            when lower(trim(status)) not in ('opt_in', 'opt_out') or status is null then 'unknown status'
            when nullif(trim(recorded_at), '') is null then 'missing recorded_at'
            when {{ is_unparseable('recorded_at', 'timestamp') }} then 'unparseable recorded_at'
            {{ implausible_timestamp_checks('recorded_at') }}
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['source', 'source_record_key', 'channel', 'recorded_at']) }}

)

select * from classified
