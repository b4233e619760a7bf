-- Per master customer, the top products they have not bought yet. Four personal signals, blended:
--   viewed_recently    what they looked at or put in the cart in the last
--                      recommendation_browsing_days of web activity (a cart counts double a view);
--   basket_rule        the best rule confidence from any product they bought (mart_basket_rules);
--   similar_customers  item-to-item collaborative filtering: the best cosine similarity, over the
--                      master customer x product purchase incidence, to any product they bought;
--   favourite_category their taste: the popular products of the categories they buy and view most.
-- Products without a personal signal are filled in by popularity (share of customers who bought
-- them), so every customer gets the same number of rows; ties break on the sku.
with

customers as (

    select master_customer_id from {{ ref('dim_customer') }}

),

-- the staged lines with their order's master customer (fct_orders), rather than fct_order_lines:
-- the same rows, and the daily run starts this mart while fct_order_lines is still being built
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

rules as (

    select * from {{ ref('mart_basket_rules') }}
    where level = 'product'

),

customer_categories as (

    select * from {{ ref('int_customer_categories_ranked') }}

),

-- Customers and products numbered once, so the heavy joins and groupings below run on integer keys
-- (measurably faster than on the text ids); products are numbered in sku order, so ties that
-- break on the number break on the sku.
customer_keys as (

    select
        master_customer_id,
        row_number() over (order by master_customer_id) as customer_key
    from customers

),

product_keys as (

    select
        sku,
        product_name,
        category,
        row_number() over (order by sku) as product_key
    from products

),

-- the incidence: who bought what, once; unknown skus cannot be recommended
purchases as (

    select distinct
        customer_keys.customer_key,
        product_keys.product_key
    from order_lines
    inner join orders on order_lines.order_id = orders.order_id
    inner join customer_keys on orders.master_customer_id = customer_keys.master_customer_id
    inner join product_keys on order_lines.sku = product_keys.sku

),

-- lately viewed or carted (int_products_browsed), by whom: the strongest signal per product
browsing as (

    select
        customer_keys.customer_key,
        product_keys.product_key,
        max(browsed.browse_signal) as browse_signal
    from browsed
    inner join customer_keys on browsed.master_customer_id = customer_keys.master_customer_id
    inner join product_keys on browsed.sku = product_keys.sku
    group by customer_keys.customer_key, product_keys.product_key

),

product_buyers as (

    select
        product_key,
        count(*) as buyer_count
    from purchases
    group by product_key

),

-- taste: the customer's top three categories (int_customer_categories_ranked)
category_affinity as (

    select
        customer_keys.customer_key,
        customer_categories.category,
        customer_categories.affinity
    from customer_categories
    inner join customer_keys on customer_categories.master_customer_id = customer_keys.master_customer_id

),

-- a product's buyers against its category's best seller
category_popularity as (

    select
        product_keys.product_key,
        product_keys.category,
        coalesce(product_buyers.buyer_count, 0)
        / nullif(max(coalesce(product_buyers.buyer_count, 0)) over (partition by product_keys.category), 0)
            as popularity_in_category
    from product_keys
    left join product_buyers on product_keys.product_key = product_buyers.product_key

),

product_rules as (

    select
        antecedent_keys.product_key as antecedent_key,
        consequent_keys.product_key as consequent_key,
        rules.confidence
    from rules
    inner join product_keys as antecedent_keys on rules.antecedent = antecedent_keys.sku
    inner join product_keys as consequent_keys on rules.consequent = consequent_keys.sku

),

co_buyers as (

    select
        bought.product_key,
        also_bought.product_key as similar_key,
        count(*) as common_customers
    from purchases as bought
    inner join purchases as also_bought
        on
            bought.customer_key = also_bought.customer_key
            and bought.product_key != also_bought.product_key
    group by bought.product_key, also_bought.product_key
    having count(*) >= {{ var('recommendation_min_common_customers') }}

),

-- cosine between two products' buyer sets: common buyers / sqrt(buyers of one x buyers of other)
product_similarity as (

    {% call portable_qualify() -%}
    select
        co_buyers.product_key,
        co_buyers.similar_key,
        co_buyers.common_customers / sqrt(product_buyers.buyer_count * similar_buyers.buyer_count)
            as cosine_similarity
    from co_buyers
    inner join product_buyers on co_buyers.product_key = product_buyers.product_key
    inner join product_buyers as similar_buyers on co_buyers.similar_key = similar_buyers.product_key
    qualify row_number() over (
        partition by co_buyers.product_key
        order by cosine_similarity desc, co_buyers.similar_key asc
    ) <= {{ var('recommendation_similar_products') }}
    {%- endcall %}

),

-- both personal signals of a product pair in one row: the rule confidence and the similarity
-- from the bought product to the candidate
product_signals as (

    select
        coalesce(product_rules.antecedent_key, product_similarity.product_key) as bought_key,
        coalesce(product_rules.consequent_key, product_similarity.similar_key) as product_key,
        product_rules.confidence,
        product_similarity.cosine_similarity
    from product_rules
    full outer join product_similarity
        on
            product_rules.antecedent_key = product_similarity.product_key
            and product_rules.consequent_key = product_similarity.similar_key

),

-- per (customer, product not necessarily bought yet): the best rule confidence and the best
-- similarity from any product the customer bought. The ~10 million groups are keyed on one
-- integer (customer_key * 2^32 + product_key): measurably faster than on the two keys.
personal_candidates as (

    select
        {{ integer_divide('candidate_key', '4294967296') }} as customer_key,
        candidate_key % 4294967296 as product_key,
        {{ var('recommendation_rule_weight') }} * coalesce(max(confidence), 0) as rule_part,
        (1 - {{ var('recommendation_rule_weight') }}) * coalesce(max(cosine_similarity), 0) as similarity_part,
        {{ var('recommendation_browsing_weight') }} * coalesce(max(browse_signal), 0) as browsing_part,
        {{ var('recommendation_taste_weight') }} * coalesce(max(taste_signal), 0) as taste_part
    from (
        select
            purchases.customer_key * 4294967296 + product_signals.product_key as candidate_key,
            product_signals.confidence,
            product_signals.cosine_similarity,
            null as browse_signal,
            null as taste_signal
        from purchases
        inner join product_signals on purchases.product_key = product_signals.bought_key
        union all
        select
            customer_key * 4294967296 + product_key as candidate_key,
            null as confidence,
            null as cosine_similarity,
            browse_signal,
            null as taste_signal
        from browsing
        union all
        select
            category_affinity.customer_key * 4294967296 + category_popularity.product_key as candidate_key,
            null as confidence,
            null as cosine_similarity,
            null as browse_signal,
            category_affinity.affinity * category_popularity.popularity_in_category as taste_signal
        from category_affinity
        inner join category_popularity on category_affinity.category = category_popularity.category
    ) as signals
    group by candidate_key

),

-- each customer's best personal candidates among the products they have not bought
personal as (

    {% call portable_qualify() -%}
    select
        personal_candidates.customer_key,
        personal_candidates.product_key,
        1 as candidate_group,
        personal_candidates.rule_part + personal_candidates.similarity_part + personal_candidates.browsing_part
        + personal_candidates.taste_part as score,
        -- the reason is the signal that contributes most to the blended score
        case
            when
                personal_candidates.browsing_part > personal_candidates.rule_part
                and personal_candidates.browsing_part > personal_candidates.similarity_part
                then 'viewed_recently'
            when
                personal_candidates.taste_part
                > greatest(personal_candidates.rule_part, personal_candidates.similarity_part)
                then 'favourite_category'
            when personal_candidates.rule_part >= personal_candidates.similarity_part then 'basket_rule'
            else 'similar_customers'
        end as reason
    from personal_candidates
    anti join purchases
        on
            personal_candidates.customer_key = purchases.customer_key
            and personal_candidates.product_key = purchases.product_key
    where
        personal_candidates.rule_part + personal_candidates.similarity_part + personal_candidates.browsing_part
        + personal_candidates.taste_part > 0
    qualify row_number() over (
        partition by personal_candidates.customer_key
        order by score desc, personal_candidates.product_key asc
    ) <= {{ var('customer_recommendations_per_customer') }}
    {%- endcall %}

),

-- every catalogue product by popularity, so the fallback can always fill the list
popularity as (

    select
        product_keys.product_key,
        coalesce(product_buyers.buyer_count, 0)
        / greatest((select count(*) from customers), 1) as buyer_share,
        -- the share orders as the buyer count does (one denominator for all)
        row_number() over (
            order by coalesce(product_buyers.buyer_count, 0) desc, product_keys.product_key asc
        ) as popularity_rank
    from product_keys
    left join product_buyers on product_keys.product_key = product_buyers.product_key

),

personal_counts as (

    select
        customer_key,
        count(*) as personal_count
    from personal
    group by customer_key

),

bought_counts as (

    select
        customer_key,
        count(*) as bought_count
    from purchases
    group by customer_key

),

-- A customer with p < list-length personal candidates takes the (length - p) most popular products
-- they have neither bought nor been recommended. Those lie within the top (length - p) + bought + p
-- = length + bought of the popularity ranking, so only that many are joined, not the whole
-- catalogue per customer.
fallback_lengths as (

    select
        customer_keys.customer_key,
        {{ var('customer_recommendations_per_customer') }}
        + coalesce(bought_counts.bought_count, 0) as popularity_rank_limit
    from customer_keys
    left join personal_counts on customer_keys.customer_key = personal_counts.customer_key
    left join bought_counts on customer_keys.customer_key = bought_counts.customer_key
    where coalesce(personal_counts.personal_count, 0) < {{ var('customer_recommendations_per_customer') }}

),

popular as (

    select
        fallback_lengths.customer_key,
        popularity.product_key,
        2 as candidate_group,
        popularity.buyer_share as score,
        'popular' as reason
    from fallback_lengths
    inner join popularity on fallback_lengths.popularity_rank_limit >= popularity.popularity_rank
    anti join purchases
        on
            fallback_lengths.customer_key = purchases.customer_key
            and popularity.product_key = purchases.product_key
    anti join personal
        on
            fallback_lengths.customer_key = personal.customer_key
            and popularity.product_key = personal.product_key

),

candidates as (

    select * from personal
    union all
    select * from popular

),

ranked as (

    {% call portable_qualify() -%}
    select
        customer_key,
        product_key,
        reason,
        score,
        row_number() over (
            partition by customer_key
            order by candidate_group asc, score desc, product_key asc
        ) as recommendation_rank
    from candidates
    qualify recommendation_rank <= {{ var('customer_recommendations_per_customer') }}
    {%- endcall %}

),

final as (

    select
        customer_keys.master_customer_id,
        cast(ranked.recommendation_rank as integer) as recommendation_rank,
        product_keys.sku,
        product_keys.product_name,
        product_keys.category,
        ranked.reason,
        cast(ranked.score as double) as score
    from ranked
    inner join customer_keys on ranked.customer_key = customer_keys.customer_key
    inner join product_keys on ranked.product_key = product_keys.product_key

)

select * from final
