-- Reviewers' decisions, keyed like the match edges (l < r): the seed's (committed with the
-- project) and the app's (/review, a CSV beside the warehouse). The latest decision on a pair
-- wins; decisions naming a record that does not exist are kept and flagged.
with

seed_decisions as (

    select * from {{ ref('manual_match_decisions') }}

),

app_decisions as (

    {{ review_decisions() }}

),

decisions as (

    select
        *,
        'seed' as decided_in
    from seed_decisions
    union all
    select
        *,
        'app' as decided_in
    from app_decisions

),

records as (

    select customer_record_id from {{ ref('int_customer_records_normalized') }}

),

keyed as (

    select
        least(source_l || ':' || source_record_key_l, source_r || ':' || source_record_key_r)
            as customer_record_id_l,
        greatest(source_l || ':' || source_record_key_l, source_r || ':' || source_record_key_r)
            as customer_record_id_r,
        lower(trim(decision)) as decision,
        decided_by,
        decided_at,
        note,
        decided_in
    from decisions

),

latest as (

    {% call portable_qualify() -%}
    select *
    from keyed
    qualify row_number() over (
        partition by customer_record_id_l, customer_record_id_r
        order by decided_at desc nulls last, decision asc
    ) = 1
    {%- endcall %}

),

final as (

    select
        latest.*,
        record_l.customer_record_id is not null and record_r.customer_record_id is not null
            as both_records_exist
    from latest
    left join records as record_l on latest.customer_record_id_l = record_l.customer_record_id
    left join records as record_r on latest.customer_record_id_r = record_r.customer_record_id

)

select * from final
