-- Each master customer's taste: their top three categories by share of the catalogue products they
-- bought and lately viewed or carted (int_products_browsed), each product once per signal. The
-- favourite_category signal of mart_customer_recommendations. A table of its own: computed inside
-- that mart, this ranking's window held its memory while the mart's candidates were aggregated,
-- and at 3M records the mart ran out of memory (alone: 2 GB is enough).
with

customers as (

    select master_customer_id from {{ ref('dim_customer') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

order_lines as (

    select * from {{ ref('stg_sales__order_lines') }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

browsed as (

    select * from {{ ref('int_products_browsed') }}

),

purchased as (

    select distinct
        orders.master_customer_id,
        products.sku,
        products.category
    from order_lines
    inner join orders on order_lines.order_id = orders.order_id
    inner join customers on orders.master_customer_id = customers.master_customer_id
    inner join products on order_lines.sku = products.sku

),

viewed as (

    select distinct
        browsed.master_customer_id,
        products.sku,
        products.category
    from browsed
    inner join customers on browsed.master_customer_id = customers.master_customer_id
    inner join products on browsed.sku = products.sku

),

touched as (

    select master_customer_id, category from purchased
    union all
    select master_customer_id, category from viewed

),

ranked as (

    {% call portable_qualify() -%}
    select
        master_customer_id,
        category,
        count(*) / sum(count(*)) over (partition by master_customer_id) as affinity,
        row_number() over (
            partition by master_customer_id order by count(*) desc, category asc
        ) as category_rank
    from touched
    group by master_customer_id, category
    qualify category_rank <= 3
    {%- endcall %}

),

final as (

    select
        master_customer_id,
        category,
        cast(affinity as double) as affinity,
        cast(category_rank as integer) as category_rank
    from ranked

)

select * from final
