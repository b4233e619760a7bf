-- Pairs of records that are certainly the same person, one row per rule that links them.
with

records as (

    select * from {{ ref('int_customer_records_normalized') }}

),

edges as (

    {{ hard_match_edges('records') }}

)

select * from edges
