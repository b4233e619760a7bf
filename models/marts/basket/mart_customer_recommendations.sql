-- Per master customer, the top products they have not bought yet. Two personal signals, blended:
--   basket_rule        the best rule confidence from any product they bought (mart_basket_rules);
--   similar_customers  item-to-item collaborative filtering: the best cosine similarity, over the
--                      master customer x product purchase incidence, to any product they bought.
-- Products without a personal signal are filled in by popularity (share of customers who bought
-- them), so every customer gets the same number of rows; ties break on the sku.
with

customers as (

    select master_customer_id from {{ ref('dim_customer') }}

),

order_lines as (

    select * from {{ ref('fct_order_lines') }}

),

products as (

    select * from {{ ref('stg_catalog__products') }}

),

rules as (

    select * from {{ ref('mart_basket_rules') }}
    where level = 'product'

),

-- the incidence: who bought what, once; unknown skus cannot be recommended
purchases as (

    select distinct
        master_customer_id,
        sku
    from order_lines
    where master_customer_id is not null and is_product_known

),

product_buyers as (

    select
        sku,
        count(*) as buyer_count
    from purchases
    group by sku

),

rule_candidates as (

    select
        purchases.master_customer_id,
        rules.consequent as sku,
        max(rules.confidence) as rule_score
    from purchases
    inner join rules on purchases.sku = rules.antecedent
    group by purchases.master_customer_id, rules.consequent

),

co_buyers as (

    select
        bought.sku,
        also_bought.sku as similar_sku,
        count(*) as common_customers
    from purchases as bought
    inner join purchases as also_bought
        on
            bought.master_customer_id = also_bought.master_customer_id
            and bought.sku != also_bought.sku
    group by bought.sku, also_bought.sku
    having count(*) >= {{ var('recommendation_min_common_customers') }}

),

-- cosine between two products' buyer sets: common buyers / sqrt(buyers of one x buyers of other)
product_similarity as (

    select
        co_buyers.sku,
        co_buyers.similar_sku,
        co_buyers.common_customers / sqrt(sku_buyers.buyer_count * similar_buyers.buyer_count)
            as cosine_similarity
    from co_buyers
    inner join product_buyers as sku_buyers on co_buyers.sku = sku_buyers.sku
    inner join product_buyers as similar_buyers on co_buyers.similar_sku = similar_buyers.sku
    qualify row_number() over (
        partition by co_buyers.sku
        order by cosine_similarity desc, co_buyers.similar_sku asc
    ) <= {{ var('recommendation_similar_products') }}

),

similarity_candidates as (

    select
        purchases.master_customer_id,
        product_similarity.similar_sku as sku,
        max(product_similarity.cosine_similarity) as similarity_score
    from purchases
    inner join product_similarity on purchases.sku = product_similarity.sku
    group by purchases.master_customer_id, product_similarity.similar_sku

),

personal_candidates as (

    select
        coalesce(rule_candidates.master_customer_id, similarity_candidates.master_customer_id)
            as master_customer_id,
        coalesce(rule_candidates.sku, similarity_candidates.sku) as sku,
        {{ var('recommendation_rule_weight') }} * coalesce(rule_candidates.rule_score, 0)
            as rule_part,
        (1 - {{ var('recommendation_rule_weight') }}) * coalesce(similarity_candidates.similarity_score, 0)
            as similarity_part
    from rule_candidates
    full outer join similarity_candidates
        on
            rule_candidates.master_customer_id = similarity_candidates.master_customer_id
            and rule_candidates.sku = similarity_candidates.sku

),

personal as (

    select
        personal_candidates.master_customer_id,
        personal_candidates.sku,
        1 as candidate_group,
        personal_candidates.rule_part + personal_candidates.similarity_part as score,
        -- the reason is the signal that contributes most to the blended score
        case
            when personal_candidates.rule_part >= personal_candidates.similarity_part then 'basket_rule'
            else 'similar_customers'
        end as reason
    from personal_candidates
    anti join purchases
        on
            personal_candidates.master_customer_id = purchases.master_customer_id
            and personal_candidates.sku = purchases.sku
    where personal_candidates.rule_part + personal_candidates.similarity_part > 0

),

-- every catalogue product by popularity, so the fallback can always fill the list
popularity as (

    select
        products.sku,
        coalesce(product_buyers.buyer_count, 0)
        / greatest((select count(*) from customers), 1) as buyer_share
    from products
    left join product_buyers on products.sku = product_buyers.sku

),

popular as (

    select
        customers.master_customer_id,
        popularity.sku,
        2 as candidate_group,
        popularity.buyer_share as score,
        'popular' as reason
    from customers
    cross join popularity
    anti join purchases
        on
            customers.master_customer_id = purchases.master_customer_id
            and popularity.sku = purchases.sku
    anti join personal
        on
            customers.master_customer_id = personal.master_customer_id
            and popularity.sku = personal.sku

),

candidates as (

    select * from personal
    union all
    select * from popular

),

ranked as (

    select
        master_customer_id,
        sku,
        reason,
        score,
        row_number() over (
            partition by master_customer_id
            order by candidate_group asc, score desc, sku asc
        ) as recommendation_rank
    from candidates
    qualify recommendation_rank <= {{ var('customer_recommendations_per_customer') }}

),

final as (

    select
        ranked.master_customer_id,
        cast(ranked.recommendation_rank as integer) as recommendation_rank,
        ranked.sku,
        products.product_name,
        products.category,
        ranked.reason,
        cast(ranked.score as double) as score
    from ranked
    left join products on ranked.sku = products.sku

)

select * from final
