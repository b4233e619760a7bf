-- Per product, the complementary products most often bought with it: the strongest product-level
-- basket rules from it, ranked by lift (how much more likely than chance), then confidence.
with

rules as (

    select * from {{ ref('mart_basket_rules') }}
    where level = 'product'

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

ranked as (

    {% call portable_qualify() -%}
    select
        antecedent,
        consequent,
        lift,
        confidence,
        support,
        orders_with_both,
        -- the sku breaks ties so a rebuild gives the same ranks
        row_number() over (
            partition by antecedent
            order by lift desc, confidence desc, consequent asc
        ) as recommendation_rank
    from rules
    qualify recommendation_rank <= {{ var('product_recommendations_per_product') }}
    {%- endcall %}

),

final as (

    select
        ranked.antecedent as sku,
        products.product_name,
        products.category,
        cast(ranked.recommendation_rank as integer) as recommendation_rank,
        ranked.consequent as recommended_sku,
        recommended.product_name as recommended_product_name,
        recommended.category as recommended_category,
        ranked.lift,
        ranked.confidence,
        ranked.support,
        ranked.orders_with_both
    from ranked
    left join products on ranked.antecedent = products.sku
    left join products as recommended on ranked.consequent = recommended.sku

)

select * from final
