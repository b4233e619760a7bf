-- Every landed CRM row, typed, with the reason it cannot be used (if any).
with

source as (

    select * from {{ landing_source('crm', 'customers', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(customer_number), '') as customer_number,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        nullif(trim(gender), '') as gender,
        nullif(trim(birth_date), '') as birth_date_text,
        nullif(trim(email), '') as email,
        nullif(trim(phone), '') as phone,
        nullif(trim(street), '') as street,
        nullif(trim(house_number), '') as house_number,
        nullif(trim(postcode), '') as postcode,
        nullif(trim(city), '') as city,
        nullif(trim(country), '') as country,
        try_cast(trim(created_at) as timestamp) as created_at,
        try_cast(trim(updated_at) as timestamp) as updated_at,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(customer_number), '') is null then 'missing customer_number'
            when {{ is_unparseable('updated_at', 'timestamp') }} then 'unparseable updated_at'
            {{ implausible_timestamp_checks('updated_at') }}
            when {{ is_unparseable('created_at', 'timestamp') }} then 'unparseable created_at'
            {{ implausible_timestamp_checks('created_at') }}
            when nullif(trim(updated_at), '') is null then 'missing updated_at'
            when coalesce(
                nullif(trim(first_name), ''), nullif(trim(last_name), ''), nullif(trim(email), ''),
                nullif(trim(phone), ''), nullif(trim(street), ''), nullif(trim(postcode), '')
            ) is null then 'no identifying field'
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['customer_number'], 'updated_at desc') }}

)

select * from classified
