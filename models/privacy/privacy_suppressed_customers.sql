-- The master customers marketing must not contact: a record of theirs carries an identifier whose
-- latest suppress or unsuppress request is a suppress. The audience marts leave them out.
{%- set suppressions = ref('privacy_suppressions') %}
{%- set any_suppression = execute and run_query(
    'select count(*) from ' ~ suppressions ~ " where request_type = 'suppress'"
).columns[0].values()[0] > 0 %}

with

record_identifiers as (

    {{ hashed_customer_identifiers(enabled=any_suppression) }}

),

latest_request as (

    {% call portable_qualify() -%}
    select
        record_identifiers.master_customer_id,
        suppressions.request_type,
        suppressions.requested_at
    from record_identifiers
    inner join {{ suppressions }} as suppressions
        on
            record_identifiers.identifier_type = suppressions.identifier_type
            and record_identifiers.identifier_hash = suppressions.identifier_hash
    qualify row_number() over (
        partition by record_identifiers.master_customer_id
        order by suppressions.requested_at desc, suppressions.request_type desc
    ) = 1
    {%- endcall %}

),

final as (

    select
        master_customer_id,
        requested_at as suppressed_since
    from latest_request
    where request_type = 'suppress'

)

select * from final
