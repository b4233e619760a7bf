-- Reviewers' decisions from the seed, keyed like the match edges (l < r). The latest decision on
-- a pair wins; decisions naming a record that does not exist are kept and flagged.
with

decisions as (

    select * from {{ ref('manual_match_decisions') }}

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
        note
    from decisions

),

latest as (

    select *
    from keyed
    qualify row_number() over (
        partition by customer_record_id_l, customer_record_id_r
        order by decided_at desc nulls last, decision asc
    ) = 1

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
