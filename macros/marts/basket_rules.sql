{#-
    Association rules between pairs of items bought in the same order, at product and category level.
    Renders logic CTEs ending in `final`; `order_lines` names a relation or CTE with order_id, sku and
    category (null for an unknown product). mart_basket_rules and customer360/benchmarks_basket.py
    both render this one macro, so the benchmark measures exactly the SQL the mart runs.
-#}
{% macro basket_rules_ctes(order_lines, min_support, min_confidence, min_orders_with_both) -%}
-- every distinct product and category, numbered: the self-join and the counting then run on small
-- integers instead of strings; level_id keeps products and categories apart in the join
items as (

    select
        level,
        level_id,
        item,
        cast(row_number() over (order by level_id, item) as integer) as item_id
    from (
        select distinct
            'product' as level,
            1 as level_id,
            sku as item
        from {{ order_lines }}
        union all
        select distinct
            'category' as level,
            2 as level_id,
            category as item
        from {{ order_lines }}
        where category is not null
    ) as distinct_items

),

-- each order's distinct products and categories: two lines of one sku in an order count once
order_items as (

    select distinct
        lines.order_id,
        items.level_id,
        items.item_id
    from {{ order_lines }} as lines
    inner join items on items.level_id = 1 and lines.sku = items.item

    union all

    select distinct
        lines.order_id,
        items.level_id,
        items.item_id
    from {{ order_lines }} as lines
    inner join items on items.level_id = 2 and lines.category = items.item

),

-- one denominator for both levels: an order of unknown products still is an order
order_totals as (

    select count(distinct order_id) as total_orders
    from {{ order_lines }}

),

item_orders as (

    select
        items.item_id,
        items.level,
        items.item,
        count(*) as orders_with_item
    from order_items
    inner join items on order_items.item_id = items.item_id
    group by items.item_id, items.level, items.item

),

-- the only expensive step: the self-join of the distinct (order, item) set on the order. Each
-- unordered pair is counted once (first item < second item) and turned both ways afterwards,
-- which halves the rows joined and counted.
pair_orders as (

    select
        first_items.item_id as first_item_id,
        second_items.item_id as second_item_id,
        count(*) as orders_with_both
    from order_items as first_items
    inner join order_items as second_items
        on
            first_items.order_id = second_items.order_id
            and first_items.level_id = second_items.level_id
            and first_items.item_id < second_items.item_id
    group by first_items.item_id, second_items.item_id
    having count(*) >= {{ min_orders_with_both }}

),

directed_pairs as (

    select
        first_item_id as antecedent_id,
        second_item_id as consequent_id,
        orders_with_both
    from pair_orders

    union all

    select
        second_item_id as antecedent_id,
        first_item_id as consequent_id,
        orders_with_both
    from pair_orders

),

measured as (

    select
        antecedent_orders.level,
        antecedent_orders.item as antecedent,
        consequent_orders.item as consequent,
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
    inner join item_orders as antecedent_orders on directed_pairs.antecedent_id = antecedent_orders.item_id
    inner join item_orders as consequent_orders on directed_pairs.consequent_id = consequent_orders.item_id

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
