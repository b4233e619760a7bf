-- GDPR gives a month to answer a request: every request landed more than
-- privacy_request_deadline_days ago that is not done (or found nobody) is returned, so the build
-- warns and Dagster shows it as a failed asset check of privacy_request_log. A quarantined request
-- needs fixing at the source.
{{ config(severity='warn', meta={'dagster': {'ref': {'name': 'privacy_request_log'}}}) }}

with

landed as (

    select
        request_id,
        requested_at
    from {{ ref('base_privacy__requests') }}
    where request_id is not null and row_status in ('staged', 'quarantined')

),

answered as (

    select request_id from {{ ref('privacy_request_log') }}
    where status in ('done', 'no match')

)

select
    landed.request_id,
    landed.requested_at
from landed
where
    landed.request_id not in (select answered.request_id from answered)
    and landed.requested_at < {{ run_timestamp() }} - {{ interval_of(var('privacy_request_deadline_days'), 'day') }}
