with

base as (

    select * from {{ ref('base_pos__loyalty_members') }}
    where row_status = 'staged'

),

final as (

    select
        card_number,
        first_name,
        last_name,
        birth_year_text,
        phone,
        postcode,
        crm_customer_number,
        enrolled_at,
        updated_at,
        _landed_file,
        _loaded_at
    from base

)

select * from final
