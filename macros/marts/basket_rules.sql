{#-
    Association rules between pairs of items bought in the same order, at product and category level.
    Renders logic CTEs ending in `final`; `order_lines` names a relation or CTE with order_id, sku and
    category (null for an unknown product). mart_basket_rules and customer360/benchmarks_basket.py
    both render this one macro, so the benchmark measures exactly the SQL the mart runs.
-#}
{% macro basket_rules_ctes(order_lines, min_support, min_confidence, min_orders_with_both) -%}
-- each order's distinct products and categories: two lines of one sku in an order count once.
-- The level is a one-byte code until the end: the heavy steps group and join on it, and a small
-- integer key is measurably cheaper there than the label.
order_items as (

    select distinct
        order_id,
        cast(0 as {{ type_tinyint() }}) as level_code,
        sku as item
    from {{ order_lines }}

    union all

    select distinct
        order_id,
        cast(1 as {{ type_tinyint() }}) as level_code,
        category as item
    from {{ order_lines }}
    where category is not null

),

-- one denominator for both levels: an order of unknown products still is an order
order_totals as (

    select count(distinct order_id) as total_orders
    from {{ order_lines }}

),

item_orders as (

    select
        level_code,
        item,
        count(*) as orders_with_item
    from order_items
    group by level_code, item

),

-- a pair is never in more orders than either of its items, so an item below the thresholds can
-- start no rule (the apriori property): dropping it first shrinks the self-join, not the result
frequent_order_items as (

    select order_items.*
    from order_items
    semi join item_orders
        on
            order_items.level_code = item_orders.level_code
            and order_items.item = item_orders.item
            and item_orders.orders_with_item >= {{ min_orders_with_both }}
            and item_orders.orders_with_item / (select order_totals.total_orders from order_totals)
            >= {{ min_support }}

),

-- the only expensive step: the self-join of the distinct (order, item) set on the order. Each
-- unordered pair is counted once (first item < second item) and turned both ways afterwards,
-- which halves the rows joined and counted.
pair_orders as (

    select
        first_items.level_code,
        first_items.item as first_item,
        second_items.item as second_item,
        count(*) as orders_with_both
    from frequent_order_items as first_items
    inner join frequent_order_items as second_items
        on
            first_items.order_id = second_items.order_id
            and first_items.level_code = second_items.level_code
            and first_items.item < second_items.item
    group by first_items.level_code, first_items.item, second_items.item
    having count(*) >= {{ min_orders_with_both }}

),

directed_pairs as (

    select
        level_code,
        first_item as antecedent,
        second_item as consequent,
        orders_with_both
    from pair_orders

    union all

    select
        level_code,
        second_item as antecedent,
        first_item as consequent,
        orders_with_both
    from pair_orders

),

measured as (

    select
        case directed_pairs.level_code when 0 then 'product' else 'category' end as level,
        directed_pairs.antecedent,
        directed_pairs.consequent,
        antecedent_orders.orders_with_item as orders_with_antecedent,
        consequent_orders.orders_with_item as orders_with_consequent,
        directed_pairs.orders_with_both,
        order_totals.total_orders,
        directed_pairs.orders_with_both / order_totals.total_orders as support,
        antecedent_orders.orders_with_item / order_totals.total_orders as antecedent_support,
        consequent_orders.orders_with_item / order_totals.total_orders as consequent_support,
        directed_pairs.orders_with_both / antecedent_orders.orders_with_item as confidence
    from directed_pairs
    cross join order_totals
    inner join item_orders as antecedent_orders
        on
            directed_pairs.level_code = antecedent_orders.level_code
            and directed_pairs.antecedent = antecedent_orders.item
    inner join item_orders as consequent_orders
        on
            directed_pairs.level_code = consequent_orders.level_code
            and directed_pairs.consequent = consequent_orders.item

),

final as (

    select
        level,
        antecedent,
        consequent,
        orders_with_antecedent,
        orders_with_consequent,
        orders_with_both,
        total_orders,
        support,
        confidence,
        confidence / consequent_support as lift,
        support - antecedent_support * consequent_support as leverage,
        -- a rule that always holds has infinite conviction: null rather than a division by zero
        case
            when confidence < 1 then (1 - consequent_support) / (1 - confidence)
        end as conviction
    from measured
    where
        support >= {{ min_support }}
        and confidence >= {{ min_confidence }}

)
{%- endmacro %}
