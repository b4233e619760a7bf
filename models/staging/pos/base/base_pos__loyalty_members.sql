-- Every landed loyalty-card row, typed, with the reason it cannot be used (if any).
with

source as (

    select * from {{ landing_source('pos', 'loyalty_members', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(card_number), '') as card_number,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(birth_year), '') as birth_year_text,
        nullif(trim(phone), '') as phone,
        nullif(trim(postcode), '') as postcode,
        nullif(trim(crm_customer_number), '') as crm_customer_number,
        try_cast(trim(enrolled_at) as timestamp) as enrolled_at,
        try_cast(trim(updated_at) as timestamp) as updated_at,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(card_number), '') is null then 'missing card_number'
            when {{ is_unparseable('updated_at', 'timestamp') }} then 'unparseable updated_at'
            {{ implausible_timestamp_checks('updated_at') }}
            when {{ is_unparseable('enrolled_at', 'timestamp') }} then 'unparseable enrolled_at'
            {{ implausible_timestamp_checks('enrolled_at') }}
            when nullif(trim(updated_at), '') is null then 'missing updated_at'
            when coalesce(
                nullif(trim(first_name), ''), nullif(trim(last_name), ''), nullif(trim(phone), ''),
                nullif(trim(crm_customer_number), '')
            ) is null then 'no identifying field'
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['card_number'], 'updated_at desc') }}

)

select * from classified
