-- Every (r_score, f_score) pair of 1-5 must have a segment, or mart_customer_rfm leaves it null.
with

score_pairs as (

    select
        r.r_score,
        f.f_score
    from range(1, 6) as r (r_score)
    cross join range(1, 6) as f (f_score)

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

)

select score_pairs.*
from score_pairs
anti join segment_map
    on
        score_pairs.r_score = segment_map.r_score
        and score_pairs.f_score = segment_map.f_score
