-- Every landed privacy request, typed, with the reason it cannot be processed (if any). The
-- identifier is kept only as its salted hash (privacy_hash, in the normalized form the tombstone
-- uses), never as landed: the request itself is personal data.
with

source as (

    select * from {{ landing_source('privacy', 'requests', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(request_id), '') as request_id,
        lower(nullif(trim(request_type), '')) as request_type,
        lower(nullif(trim(identifier_type), '')) as identifier_type,
        lower(nullif(trim(source), '')) as source,
        privacy_hash(
            case lower(trim(identifier_type))
                when 'source_record' then lower(trim(source)) || ':' || nullif(trim(identifier_value), '')
                when 'email' then {{ privacy_email_key('identifier_value') }}
                when 'phone' then {{ privacy_phone_key('identifier_value') }}
            end
        ) as identifier_hash,
        try_cast(trim(requested_at) as timestamp) as requested_at,
        _landed_file,
        md5(concat_ws(chr(31), request_id, request_type, identifier_type, source, requested_at)) as _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(request_id), '') is null then 'missing request_id'
            when lower(trim(request_type)) not in ('erase', 'suppress', 'unsuppress', 'access') or request_type is null
                then 'unknown request_type'
            when lower(trim(identifier_type)) not in ('source_record', 'email', 'phone') or identifier_type is null
                then 'unknown identifier_type'
            when nullif(trim(identifier_value), '') is null then 'missing identifier_value'
            when
                lower(trim(identifier_type)) = 'source_record'
                and (lower(trim(source)) not in ('crm', 'webshop', 'pos') or source is null)
                then 'unknown source for a source_record'
            when lower(trim(identifier_type)) = 'email' and not {{ regex_matches('trim(identifier_value)', request_email_pattern()) }}
                then 'invalid email'
            when lower(trim(identifier_type)) = 'phone' and {{ privacy_phone_key('identifier_value') }} is null
                then 'invalid phone (fewer than 8 digits)'
            when nullif(trim(requested_at), '') is null then 'missing requested_at'
            when {{ is_unparseable('requested_at', 'timestamp') }} then 'unparseable requested_at'
            {{ implausible_timestamp_checks('requested_at') }}
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['request_id'], 'requested_at desc') }}

)

select * from classified
