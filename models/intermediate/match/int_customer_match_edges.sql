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

records as (

    select
        customer_record_id,
        first_name,
        first_name_canonical,
        last_name
    from {{ ref('int_customer_records_normalized') }}

),

-- Fellegi-Sunter adds up independent evidence, so a shared address, landline and surname can
-- outweigh clearly different first names: that is a household, not a person. Splink pairs are
-- linked only when the first names are compatible (one side unknown, same canonical name, a
-- close spelling, one typo, a short form that starts or ends the full name such as tine /
-- martine, or the names swapped, typos included); the rest stay visible in the review queue.
soft_pairs_checked as (

    select
        soft_pairs.*,
        coalesce(
            record_l.first_name is null
            or record_r.first_name is null
            or {{ compatible_names('record_l.first_name', 'record_r.first_name') }}
            or record_l.first_name_canonical = record_r.first_name_canonical
            or (
                {{ compatible_names('record_l.first_name', 'record_r.last_name') }}
                and {{ compatible_names('record_l.last_name', 'record_r.first_name') }}
            ),
            false
        ) as has_compatible_first_names
    from soft_pairs
    inner join records as record_l on soft_pairs.customer_record_id_l = record_l.customer_record_id
    inner join records as record_r on soft_pairs.customer_record_id_r = record_r.customer_record_id

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
        match_probability >= {{ var('match_probability_accept') }}
        and has_compatible_first_names as is_accepted
    from soft_pairs_checked

)

select * from edges
