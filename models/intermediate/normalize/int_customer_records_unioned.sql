-- One contract for every customer-like record, whatever system it comes from. Raw values only:
-- normalization happens in int_customer_records_normalized.
-- Incremental: a daily run writes only the records whose current version comes from a file not
-- unioned yet. Records are never removed: a staged key stays staged in its newest version.
{{ config(
    materialized='incremental',
    unique_key='customer_record_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
) }}

with

crm_customers as (

    select * from {{ ref('stg_crm__customers') }}

),

webshop_accounts as (

    select * from {{ ref('stg_webshop__accounts') }}

),

loyalty_members as (

    select * from {{ ref('stg_pos__loyalty_members') }}

),

unioned as (

    select
        'crm' as source,
        customer_number as source_record_key,
        first_name as first_name_raw,
        last_name as last_name_raw,
        cast(null as {{ dbt.type_string() }}) as full_name_raw,
        gender as gender_raw,
        birth_date_text as birth_date_raw,
        cast(null as {{ dbt.type_string() }}) as birth_year_raw,
        email as email_raw,
        phone as phone_raw,
        street as street_raw,
        house_number as house_number_raw,
        cast(null as {{ dbt.type_string() }}) as address_line_raw,
        postcode as postcode_raw,
        city as city_raw,
        country as country_raw,
        customer_number as crm_customer_number,
        created_at,
        updated_at,
        _landed_file
    from crm_customers

    union all

    select
        'webshop' as source,
        account_id as source_record_key,
        null as first_name_raw,
        null as last_name_raw,
        full_name as full_name_raw,
        null as gender_raw,
        null as birth_date_raw,
        null as birth_year_raw,
        email as email_raw,
        phone as phone_raw,
        null as street_raw,
        null as house_number_raw,
        address_line as address_line_raw,
        postcode as postcode_raw,
        city as city_raw,
        country as country_raw,
        null as crm_customer_number,
        created_at,
        updated_at,
        _landed_file
    from webshop_accounts

    union all

    select
        'pos' as source,
        card_number as source_record_key,
        first_name as first_name_raw,
        last_name as last_name_raw,
        null as full_name_raw,
        null as gender_raw,
        null as birth_date_raw,
        birth_year_text as birth_year_raw,
        null as email_raw,
        phone as phone_raw,
        null as street_raw,
        null as house_number_raw,
        null as address_line_raw,
        postcode as postcode_raw,
        null as city_raw,
        null as country_raw,
        crm_customer_number,
        enrolled_at as created_at,
        updated_at,
        _landed_file
    from loyalty_members

),

final as (

    select
        source || ':' || source_record_key as customer_record_id,
        *
    from unioned

)

select * from final
{%- if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as unioned_before
        where
            unioned_before.customer_record_id = final.customer_record_id
            and unioned_before._landed_file = final._landed_file
    )
{%- endif %}
