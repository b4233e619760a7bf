with

base as (

    select * from {{ ref('base_webshop__accounts') }}
    where row_status = 'staged'

),

final as (

    select
        account_id,
        full_name,
        email,
        phone,
        address_line,
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
