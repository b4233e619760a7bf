with

base as (

    select * from {{ ref('base_crm__customers') }}
    where row_status = 'staged'

),

final as (

    select
        customer_number,
        first_name,
        last_name,
        gender,
        birth_date_text,
        email,
        phone,
        street,
        house_number,
        postcode,
        city,
        country,
        created_at,
        updated_at,
        _landed_file,
        _loaded_at
    from base

)

select * from final
