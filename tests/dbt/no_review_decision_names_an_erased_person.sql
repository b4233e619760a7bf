-- A reviewer's decision (seeds/manual_match_decisions.csv) about a person erased on a privacy
-- request would load their record keys into the warehouse on every build: the build fails until
-- the decision's line is removed from the seed file (the rows returned here).
{%- set tombstone = privacy_tombstone() %}

select
    decisions.decided_at,
    decisions.decision
from {{ ref('manual_match_decisions') }} as decisions
{%- if tombstone is none %}
    where false
{%- else %}
    where
        privacy_hash(decisions.source_l || ':' || decisions.source_record_key_l) in (
            select erased.identifier_hash from {{ tombstone }} as erased
            where erased.identifier_type = 'source_record'
        )
        or privacy_hash(decisions.source_r || ':' || decisions.source_record_key_r) in (
            select erased.identifier_hash from {{ tombstone }} as erased
            where erased.identifier_type = 'source_record'
        )
{%- endif %}
