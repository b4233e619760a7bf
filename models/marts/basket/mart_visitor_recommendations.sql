-- For a visitor the webshop does not know yet (a cookie never linked to a master customer), the
-- top products from what they browsed in the last recommendation_browsing_days of web activity:
--   viewed_recently    what they viewed (0.5) or put in the cart (1.0);
--   basket_rule        the best rule confidence from a product they looked at (mart_basket_rules);
--   favourite_category the popular products of the categories they looked at most.
-- Weighted as in mart_customer_recommendations; the bestsellers fill the list.
with

browsed as (

    select * from {{ ref('int_products_browsed') }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

rules as (

    select * from {{ ref('mart_basket_rules') }}
    where level = 'product'

),

-- popularity: master customers who bought the product
popularity as (

    select
        products.sku,
        products.category,
        count(distinct order_lines.master_customer_id) as buyer_count
    from products
    left join order_lines on products.sku = order_lines.sku
    group by products.sku, products.category

),

-- cookies never linked to a person (once they are, mart_customer_recommendations takes over), and
-- what they viewed or carted
viewed as (

    select
        browsed.anonymous_id,
        browsed.sku,
        max(browsed.browse_signal) as browse_signal
    from browsed
    inner join products on browsed.sku = products.sku
    where not browsed.is_linked_cookie
    group by browsed.anonymous_id, browsed.sku

),

-- who gets a list: every such cookie, whatever its signals
visitors as (

    select distinct anonymous_id from viewed

),

category_affinity as (

    select
        viewed.anonymous_id,
        popularity.category,
        count(*) / sum(count(*)) over (partition by viewed.anonymous_id) as affinity
    from viewed
    inner join popularity on viewed.sku = popularity.sku
    group by viewed.anonymous_id, popularity.category

),

signals as (

    select
        viewed.anonymous_id,
        viewed.sku,
        {{ var('recommendation_browsing_weight') }} * viewed.browse_signal as score,
        'viewed_recently' as reason
    from viewed
    union all
    select
        viewed.anonymous_id,
        rules.consequent as sku,
        {{ var('recommendation_rule_weight') }} * rules.confidence as score,
        'basket_rule' as reason
    from viewed
    inner join rules on viewed.sku = rules.antecedent
    union all
    select
        category_affinity.anonymous_id,
        popularity.sku,
        {{ var('recommendation_taste_weight') }} * category_affinity.affinity
        * popularity.buyer_count / nullif(max(popularity.buyer_count) over (partition by popularity.category), 0)
            as score,
        'favourite_category' as reason
    from category_affinity
    inner join popularity on category_affinity.category = popularity.category

),

-- per visitor and product, the strongest reason; the summed score ranks
personal as (

    select
        anonymous_id,
        sku,
        1 as candidate_group,
        sum(score) as score,
        {{ arg_max('reason', 'score') }} as reason
    from signals
    where score > 0
    group by anonymous_id, sku

),

bestsellers as (

    {% call portable_qualify() -%}
    select
        visitors.anonymous_id,
        popularity.sku,
        2 as candidate_group,
        cast(popularity.buyer_count as double) as score,
        'popular' as reason
    from visitors
    cross join popularity
    qualify row_number() over (
        partition by visitors.anonymous_id order by popularity.buyer_count desc, popularity.sku asc
    ) <= 2 * {{ var('customer_recommendations_per_customer') }}
    {%- endcall %}

),

ranked as (

    {% call portable_qualify() -%}
    select
        candidates.anonymous_id,
        candidates.sku,
        candidates.reason,
        candidates.score,
        row_number() over (
            partition by candidates.anonymous_id
            order by candidates.candidate_group asc, candidates.score desc, candidates.sku asc
        ) as recommendation_rank
    from (
        select * from personal
        union all
        select bestsellers.* from bestsellers
        anti join personal on bestsellers.anonymous_id = personal.anonymous_id and bestsellers.sku = personal.sku
    ) as candidates
    qualify recommendation_rank <= {{ var('customer_recommendations_per_customer') }}
    {%- endcall %}

),

final as (

    select
        ranked.anonymous_id,
        cast(ranked.recommendation_rank as integer) as recommendation_rank,
        ranked.sku,
        products.product_name,
        products.category,
        ranked.reason,
        cast(ranked.score as double) as score
    from ranked
    inner join products on ranked.sku = products.sku

)

select * from final
