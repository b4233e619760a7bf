-- Every landed webshop account row, typed, with the reason it cannot be used (if any).
with

source as (

    select * from {{ landing_source('webshop', 'accounts', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(account_id), '') as account_id,
        nullif(trim(full_name), '') as full_name,
        nullif(trim(email), '') as email,
        nullif(trim(phone), '') as phone,
        nullif(trim(address_line), '') as address_line,
        nullif(trim(postcode), '') as postcode,
        nullif(trim(city), '') as city,
        nullif(trim(country), '') as country,
        try_cast(trim(created_at) as timestamp) as created_at,
        try_cast(trim(updated_at) as timestamp) as updated_at,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(account_id), '') is null then 'missing account_id'
            when {{ is_unparseable('updated_at', 'timestamp') }} then 'unparseable updated_at'
            {{ implausible_timestamp_checks('updated_at') }}
            when {{ is_unparseable('created_at', 'timestamp') }} then 'unparseable created_at'
            {{ implausible_timestamp_checks('created_at') }}
            when nullif(trim(updated_at), '') is null then 'missing updated_at'
            when coalesce(
                nullif(trim(full_name), ''), nullif(trim(email), ''), nullif(trim(phone), ''),
                nullif(trim(address_line), ''), nullif(trim(postcode), '')
            ) is null then 'no identifying field'
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['account_id'], 'updated_at desc') }}

)

select * from classified
