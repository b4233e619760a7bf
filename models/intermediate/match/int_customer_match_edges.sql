-- Every piece of evidence that two records are one person, strongest first: reviewers'
-- must-links, hard rules, then Splink pairs. Clustering merges the accepted edges in that order;
-- reviewers' cannot-links are applied there as constraints.
with

hard_pairs as (

    select * from {{ ref('int_customer_pairs_hard_matched') }}

),

soft_pairs as (

    select * from {{ ref('int_customer_pairs_soft_matched') }}

),

manual_decisions as (

    select * from {{ ref('int_manual_match_decisions') }}
    where both_records_exist

),

edges as (

    select
        customer_record_id_l,
        customer_record_id_r,
        'manual' as match_method,
        'must_link' as match_rule,
        1.0 as match_probability,
        0 as edge_priority,
        true as is_accepted
    from manual_decisions
    where decision = 'must_link'

    union all

    select
        customer_record_id_l,
        customer_record_id_r,
        'hard' as match_method,
        match_rule,
        1.0 as match_probability,
        1 as edge_priority,
        true as is_accepted
    from hard_pairs

    union all

    select
        customer_record_id_l,
        customer_record_id_r,
        'splink' as match_method,
        'splink' as match_rule,
        match_probability,
        2 as edge_priority,
        match_probability >= {{ var('match_probability_accept') }} as is_accepted
    from soft_pairs

)

select * from edges
