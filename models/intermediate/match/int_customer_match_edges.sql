-- Every piece of evidence that two records are one person, strongest first: reviewers'
-- must-links, hard rules, then Splink pairs. Clustering merges the accepted edges in that order;
-- reviewers' cannot-links are applied there as constraints.
-- Incremental: the query always yields the whole table, and the merge writes only the difference.
-- The first-name check of a Splink pair is the one costly step: a daily run reuses it for pairs
-- of records not normalized since (records_normalized_through) and checks only the others,
-- unless the similarity var or the model's placeholders changed (name_check_version).
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['customer_record_id_l', 'customer_record_id_r', 'match_method', 'match_rule'],
    merge_clauses=whole_table_merge([
        'match_probability', 'edge_priority', 'is_accepted', 'has_compatible_first_names',
        'shares_a_mobile', 'has_two_mobiles', 'records_normalized_through', 'name_check_version',
    ]),
    on_schema_change='fail',
) }}

with

hard_pairs as (

    select * from {{ ref('int_customer_pairs_hard_matched') }}
    where is_one_person

),

soft_pairs as (

    select * from {{ ref('int_customer_pairs_soft_matched') }}

),

records as (

    select
        customer_record_id,
        first_name,
        first_name_canonical,
        last_name,
        -- a mobile is personal; a shop's number typed in for customers is a placeholder
        case
            when phone_is_mobile and phone_e164 not in (
                select placeholders.value from {{ ref('int_identifier_placeholders') }} as placeholders
                where placeholders.identifier = 'phone_e164'
            ) then phone_e164
        end as mobile_e164,
        normalized_at
    from {{ ref('int_customer_records_normalized') }}

),

-- what the check reads besides the records: another version checks every pair again
name_check_version as (

    select
        md5(
            '{{ tojson(var("first_name_min_similarity")) }}|'
            || coalesce((
                select string_agg(value, ',' order by value) from {{ ref('int_identifier_placeholders') }}
                where identifier = 'phone_e164'
            ), '')
        ) as name_check_version

),

{% if is_incremental() -%}
checked_before as (

    select * from {{ this }}
    where
        match_method = 'splink'
        and name_check_version = (select name_check_version.name_check_version from name_check_version)

),

changed_records as (

    select customer_record_id from records
    where coalesce(
        normalized_at > (select max(checked_before.records_normalized_through) from checked_before), true
    )

),

-- Splink pairs of two records unchanged since their names were checked
soft_pairs_checked_before as (

    select
        soft_pairs.*,
        checked_before.has_compatible_first_names,
        checked_before.shares_a_mobile,
        checked_before.has_two_mobiles,
        checked_before.records_normalized_through
    from soft_pairs
    inner join checked_before
        on
            soft_pairs.customer_record_id_l = checked_before.customer_record_id_l
            and soft_pairs.customer_record_id_r = checked_before.customer_record_id_r
    where
        soft_pairs.customer_record_id_l not in (select changed_records.customer_record_id from changed_records)
        and soft_pairs.customer_record_id_r not in (select changed_records.customer_record_id from changed_records)

),

{% endif -%}
soft_pairs_to_check as (

    select soft_pairs.*
    from soft_pairs
    {%- if is_incremental() %}
        anti join soft_pairs_checked_before
            on
                soft_pairs.customer_record_id_l = soft_pairs_checked_before.customer_record_id_l
                and soft_pairs.customer_record_id_r = soft_pairs_checked_before.customer_record_id_r
    {%- endif %}

),

-- Fellegi-Sunter adds up independent evidence, so a shared address, landline and surname can
-- outweigh clearly different first names: that is a household, not a person. Where the data
-- holds households (linkage_model_fit), Splink pairs are linked only when the first names are
-- compatible (one side unknown, same canonical name, a close spelling, one typo, a short form
-- that starts or ends the full name such as tine / martine, or the names swapped, typos
-- included) or when they share a mobile number, which household members never do (a nickname the
-- seed lacks: willy / guillaume); and never when each carries a mobile of its own, as a father and
-- son of one name at one address do. The rest stay visible in the review queue.
soft_pairs_checked_now as (

    select
        soft_pairs_to_check.*,
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
        ) as has_compatible_first_names,
        coalesce(record_l.mobile_e164 = record_r.mobile_e164, false) as shares_a_mobile,
        coalesce(record_l.mobile_e164 <> record_r.mobile_e164, false) as has_two_mobiles,
        (select max(records.normalized_at) from records) as records_normalized_through
    from soft_pairs_to_check
    inner join records as record_l on soft_pairs_to_check.customer_record_id_l = record_l.customer_record_id
    inner join records as record_r on soft_pairs_to_check.customer_record_id_r = record_r.customer_record_id

),

soft_pairs_checked as (

    select * from soft_pairs_checked_now
    {%- if is_incremental() %}

    union all by name

    select * from soft_pairs_checked_before
    {%- endif %}

),

-- the Splink model found households in its training data: household members are kept apart
-- (and pairs link from a higher probability)
model_fit as (

    select
        household_guards,
        match_probability_accept
    from {{ ref('linkage_model_fit') }}

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
        true as is_accepted,
        cast(null as boolean) as has_compatible_first_names,
        cast(null as boolean) as shares_a_mobile,
        cast(null as boolean) as has_two_mobiles,
        cast(null as timestamp) as records_normalized_through
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
        true as is_accepted,
        cast(null as boolean) as has_compatible_first_names,
        cast(null as boolean) as shares_a_mobile,
        cast(null as boolean) as has_two_mobiles,
        cast(null as timestamp) as records_normalized_through
    from hard_pairs

    union all

    select
        customer_record_id_l,
        customer_record_id_r,
        'splink' as match_method,
        'splink' as match_rule,
        match_probability,
        2 as edge_priority,
        match_probability >= (select model_fit.match_probability_accept from model_fit)
        and (
            not (select model_fit.household_guards from model_fit)
            or ((has_compatible_first_names or shares_a_mobile) and not has_two_mobiles)
        ) as is_accepted,
        has_compatible_first_names,
        shares_a_mobile,
        has_two_mobiles,
        records_normalized_through
    from soft_pairs_checked

),

final as (

    select
        *,
        (select name_check_version.name_check_version from name_check_version) as name_check_version
    from edges

)

select * from final
