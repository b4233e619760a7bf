-- Clerical review queue: pairs Splink is unsure about (probability from the review threshold up
-- to the accept threshold) and no reviewer has decided yet, side by side with the per-comparison
-- match weights (mw_*) that say why. Decide in the app (/review) or in
-- seeds/manual_match_decisions.csv. Highest expected_value first: the records a decision is
-- expected to put right.
with

-- the accept threshold that goes with the model's household decision
model_fit as (

    select match_probability_accept from {{ ref('linkage_model_fit') }}

),

soft_pairs as (

    select * from {{ ref('int_customer_pairs_soft_matched') }}
    where
        match_probability >= {{ var('match_probability_review_lower') }}
        and match_probability < (select model_fit.match_probability_accept from model_fit)

),

decisions as (

    select * from {{ ref('int_manual_match_decisions') }}

),

records as (

    select * from {{ ref('int_customer_records_aligned') }}

),

person_sizes as (

    select
        master_customer_id,
        count(*) as record_count
    from records
    group by master_customer_id

),

final as (

    select
        soft_pairs.customer_record_id_l,
        soft_pairs.customer_record_id_r,
        soft_pairs.match_probability,
        soft_pairs.match_weight,
        record_l.master_customer_id = record_r.master_customer_id as already_same_person,
        -- the chance the build's answer for the pair is wrong, times the records a decision moves:
        -- a must-link brings the smaller person over, a cannot-link takes one record out
        case
            when record_l.master_customer_id = record_r.master_customer_id
                then 1 - soft_pairs.match_probability
            else soft_pairs.match_probability * least(size_l.record_count, size_r.record_count)
        end as expected_value,
        record_l.master_customer_id as master_customer_id_l,
        record_r.master_customer_id as master_customer_id_r,
        {%- for column in [
            'first_name', 'last_name', 'birth_date', 'email', 'phone_e164',
            'street', 'house_number', 'postcode', 'city'
        ] %}
            record_l.{{ column }} as {{ column }}_l,
            record_r.{{ column }} as {{ column }}_r,
        {%- endfor %}
        columns('^mw_')
    from soft_pairs
    inner join records as record_l on soft_pairs.customer_record_id_l = record_l.customer_record_id
    inner join records as record_r on soft_pairs.customer_record_id_r = record_r.customer_record_id
    inner join person_sizes as size_l on record_l.master_customer_id = size_l.master_customer_id
    inner join person_sizes as size_r on record_r.master_customer_id = size_r.master_customer_id
    left join decisions
        on
            soft_pairs.customer_record_id_l = decisions.customer_record_id_l
            and soft_pairs.customer_record_id_r = decisions.customer_record_id_r
    where decisions.decision is null

)

select * from final
