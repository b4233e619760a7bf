-- Pairs of records that are certainly the same person, one row per rule that links them. A group
-- of records sharing a value links only when they can be one person (is_one_person, macro
-- hard_match_edges); the others stay listed, unlinked.
-- Incremental: the query always yields the whole table. A daily run recomputes only the groups
-- (rule, shared value) that a record normalized since the last run joins or leaves and keeps the
-- other rows; the merge then writes only the difference (a recomputed row that was there before
-- gets only the new watermark). Other rules, group limits or placeholders than the ones the table
-- was computed with (rules_version) recompute everything.
{{ config(
    materialized='incremental',
    incremental_strategy=incremental_strategy('merge'),
    unique_key=['match_rule', 'matched_value', 'customer_record_id_l', 'customer_record_id_r'],
    merge_clauses=whole_table_merge(['is_one_person', 'records_normalized_through', 'rules_version']),
    on_schema_change='fail',
) }}

{%- set rules = tojson([var('hard_match_rules'), var('hard_match_max_records'), var('max_birth_year_gap'),
    var('first_name_min_similarity')]) %}

with

records as (

    select * from {{ ref('int_customer_records_normalized') }}

),

placeholders as (

    select * from {{ ref('int_identifier_placeholders') }}

),

-- the rules and the placeholders they skip: another version recomputes every group
rules_version as (

    select
        md5(
            '{{ rules }}|'
            || coalesce((
                select {{ ordered_string_agg("identifier || '=' || value", "','", 'identifier, value') }}
                from placeholders
            ), '')
        ) as rules_version

),

{% if is_incremental() -%}
previous as (

    select * from {{ this }}
    where rules_version = (select rules_version.rules_version from rules_version)

),

-- every record, when the table is empty or was computed with other rules
changed_records as (

    select * from records
    where coalesce(normalized_at > (select max(previous.records_normalized_through) from previous), true)

),

changed_groups as (

    -- the groups the changed records are in now
    select
        match_rule,
        matched_value
    from ({{ hard_match_groups('changed_records', 'placeholders') }}) as groups_now

    union

    -- and the groups they were in before
    select
        match_rule,
        matched_value
    from previous
    where
        customer_record_id_l in (select changed_records.customer_record_id from changed_records)
        or customer_record_id_r in (select changed_records.customer_record_id from changed_records)

),

kept as (

    select
        customer_record_id_l,
        customer_record_id_r,
        match_rule,
        matched_value,
        is_one_person,
        records_normalized_through
    from previous
    anti join changed_groups
        on
            previous.match_rule = changed_groups.match_rule
            and previous.matched_value = changed_groups.matched_value

),

{% endif -%}
recomputed as (

    {{ hard_match_edges('records', 'placeholders', only_groups='changed_groups' if is_incremental() else none) }}

),

edges as (

    select
        customer_record_id_l,
        customer_record_id_r,
        match_rule,
        matched_value,
        is_one_person,
        (select max(records.normalized_at) from records) as records_normalized_through
    from recomputed
    {%- if is_incremental() %}

    union all

    select * from kept
    {%- endif %}

),

final as (

    select
        customer_record_id_l,
        customer_record_id_r,
        match_rule,
        matched_value,
        is_one_person,
        records_normalized_through,
        (select rules_version.rules_version from rules_version) as rules_version
    from edges

)

select * from final
