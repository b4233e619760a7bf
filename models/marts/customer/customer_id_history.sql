-- Every change of master customer IDs, so a system that stored an ID can follow it: 'created'
-- (a new person), 'merged' (the old ID's person joined an older one; the old ID is retired),
-- 'split' (records left the old ID's person and form a new one) and 'moved' (records went from one
-- existing person to another). Appended once per change: the run that assigned an ID is picked up
-- by the first run of this model after it, so a run that fails in between loses nothing.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    full_refresh=never_full_refresh(),
    on_schema_change='fail',
) }}

with

all_assignments as (

    select * from {{ ref('int_customer_records_identified') }}

),

decisions as (

    select * from {{ ref('int_manual_match_decisions') }}
    where both_records_exist

),

new_assignments as (

    select * from all_assignments
    {%- if is_incremental() %}
        where assigned_at > (select coalesce(max(run_at), cast('1900-01-01' as timestamp)) from {{ this }})
    {%- endif %}

),

ids_in_use as (

    select distinct master_customer_id from all_assignments

),

changes as (

    select
        previous_master_customer_id as old_master_customer_id,
        master_customer_id as new_master_customer_id,
        assigned_at as run_at,
        bool_or(master_customer_id_issued_at = assigned_at) as new_id_issued,
        count(*) as records_moved,
        min(customer_record_id) as example_record_id
    from new_assignments
    group by previous_master_customer_id, master_customer_id, assigned_at

),

-- a new ID given to a split-off part is recorded as the split, not also as a created person
changes_with_predecessor as (

    select
        *,
        bool_or(old_master_customer_id is not null) over (partition by new_master_customer_id)
            as new_id_has_predecessor
    from changes

),

-- was the change a reviewer's decision? a decision between a moved record and a record that
-- holds the old or the new ID
decided as (

    select
        moved.previous_master_customer_id as old_master_customer_id,
        moved.master_customer_id as new_master_customer_id,
        min(decisions.decision) as decision
    from new_assignments as moved
    inner join decisions
        on moved.customer_record_id in (decisions.customer_record_id_l, decisions.customer_record_id_r)
    inner join all_assignments as other
        on
            other.customer_record_id in (decisions.customer_record_id_l, decisions.customer_record_id_r)
            and moved.customer_record_id <> other.customer_record_id
            and other.master_customer_id in (moved.previous_master_customer_id, moved.master_customer_id)
    group by moved.previous_master_customer_id, moved.master_customer_id

),

events as (

    select
        changes.old_master_customer_id,
        changes.new_master_customer_id,
        case
            when changes.old_master_customer_id is null then 'created'
            when changes.new_id_issued then 'split'
            when ids_in_use.master_customer_id is null then 'merged'
            else 'moved'
        end as event,  -- noqa: RF04
        changes.old_master_customer_id is not null and ids_in_use.master_customer_id is null
            as old_id_retired,
        changes.run_at,
        changes.records_moved,
        changes.example_record_id,
        case
            when decided.decision = 'cannot_link' then 'reviewer cannot_link decision'
            when decided.decision = 'must_link' then 'reviewer must_link decision'
            when changes.old_master_customer_id is null then 'new records of a new person'
            when changes.new_id_issued then 'records no longer linked to the rest of the person'
            else 'new or updated records link the two people'
        end as reason
    from changes_with_predecessor as changes
    left join ids_in_use on changes.old_master_customer_id = ids_in_use.master_customer_id
    left join decided
        on
            changes.old_master_customer_id = decided.old_master_customer_id
            and changes.new_master_customer_id = decided.new_master_customer_id
    -- new records joining an existing person change no ID
    where
        changes.old_master_customer_id is not null
        or (changes.new_id_issued and not changes.new_id_has_predecessor)

),

final as (

    select
        md5(
            coalesce(old_master_customer_id, '') || '|' || new_master_customer_id || '|'
            || cast(run_at as {{ dbt.type_string() }})
        ) as id_change_id,
        *
    from events

)

select * from final
