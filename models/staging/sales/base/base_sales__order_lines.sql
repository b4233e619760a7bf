-- Every landed order line, typed, with the reason it cannot be used (if any).
{%- set order_not_staged = 'order_id not among staged orders' %}
with

source as (

    select * from {{ landing_source('sales', 'order_lines', new_files_only=is_incremental()) }}

),

orders as (

    select order_id from {{ ref('base_sales__orders') }}
    where row_status = 'staged'

),

renamed as (

    select
        nullif(trim(source.order_id), '') as order_id,
        try_cast(trim(source.line_number) as integer) as line_number,
        nullif(trim(source.sku), '') as sku,
        try_cast(trim(source.quantity) as integer) as quantity,
        try_cast(trim(source.unit_price) as decimal(12, 2)) as unit_price,
        source._landed_file,
        source._row_fingerprint,
        source._is_erased,
        case
            when nullif(trim(source.order_id), '') is null then 'missing order_id'
            when nullif(trim(source.line_number), '') is null then 'missing line_number'
            when {{ is_unparseable('source.line_number', 'integer') }} then 'unparseable line_number'
            when nullif(trim(source.sku), '') is null then 'missing sku'
            when {{ is_unparseable('source.quantity', 'integer') }} then 'unparseable quantity'
            when {{ is_unparseable('source.unit_price', 'decimal(12, 2)') }} then 'unparseable unit_price'
            when try_cast(trim(source.quantity) as integer) is null then 'missing quantity'
            when try_cast(trim(source.quantity) as integer) <= 0 then 'non-positive quantity'
            {{ implausible_amount_checks('source.quantity', 'integer', var('max_order_line_quantity')) }}
            {{ implausible_amount_checks('source.unit_price', 'decimal(12, 2)', var('max_unit_price')) }}
            when orders.order_id is null then '{{ order_not_staged }}'
        end as invalid_reason
    from source
    left join orders on nullif(trim(source.order_id), '') = orders.order_id

),

{% if is_incremental() -%}
-- a line that landed before its order was quarantined for it; once the order is staged, the line
-- is classified again (it passed every other check, the order check comes last)
lines_whose_order_arrived as (

    select
        earlier.order_id,
        earlier.line_number,
        earlier.sku,
        earlier.quantity,
        earlier.unit_price,
        earlier._landed_file,
        earlier._row_fingerprint,
        earlier._is_erased,
        cast(null as {{ dbt.type_string() }}) as invalid_reason
    from {{ this }} as earlier
    semi join orders on earlier.order_id = orders.order_id
    where earlier.invalid_reason = '{{ order_not_staged }}'

),

{% endif -%}
landed as (

    select * from renamed
    {%- if is_incremental() %}

        union all

        select * from lines_whose_order_arrived
    {%- endif %}

),

classified as (

    {{ classify_landed_rows('landed', ['order_id', 'line_number']) }}

)

select * from classified
