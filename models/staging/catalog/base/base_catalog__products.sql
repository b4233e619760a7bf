-- Every landed product row, typed, with the reason it cannot be used (if any).
with

source as (

    select * from {{ landing_source('catalog', 'products', new_files_only=is_incremental()) }}

),

renamed as (

    select
        nullif(trim(sku), '') as sku,
        nullif(trim(product_name), '') as product_name,
        lower(nullif(trim(category), '')) as category,
        try_cast(trim(unit_price) as decimal(12, 2)) as unit_price,
        _landed_file,
        _row_fingerprint,
        _is_erased,
        case
            when nullif(trim(sku), '') is null then 'missing sku'
            when nullif(trim(product_name), '') is null then 'missing product_name'
            when {{ is_unparseable('unit_price', 'decimal(12, 2)') }} then 'unparseable unit_price'
            {{ implausible_amount_checks('unit_price', 'decimal(12, 2)', var('max_unit_price')) }}
        end as invalid_reason
    from source

),

classified as (

    {{ classify_landed_rows('renamed', ['sku']) }}

)

select * from classified
