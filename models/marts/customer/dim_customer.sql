-- One row per master customer: the golden record, each attribute chosen by the survivorship rule
-- declared for it in dbt_project.yml (vars.survivorship_rules), with the record it came from.
-- Daily runs recompute the people with a record aligned since the last run and drop retired IDs.
{{ config(
    materialized='incremental',
    unique_key='master_customer_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
    post_hook=row_delete_hook("
        delete from {{ this }} as golden
        where not exists (
            select 1 from {{ ref('int_customer_records_aligned') }} as aligned
            where aligned.master_customer_id = golden.master_customer_id
        )"),
) }}

with

records as (

    select * from {{ ref('int_customer_records_aligned') }}
    {%- if is_incremental() %}
        where master_customer_id in (
            select realigned.master_customer_id
            from {{ ref('int_customer_records_aligned') }} as realigned
            where realigned.aligned_at > (select max(golden_before.computed_at) from {{ this }} as golden_before)
        )
    {%- endif %}

),

people as (

    select
        master_customer_id,
        any_value(anchor_record_id) as anchor_record_id,
        count(*) as record_count,
        count(*) filter (where source = 'crm') as crm_record_count,
        count(*) filter (where source = 'webshop') as webshop_record_count,
        count(*) filter (where source = 'pos') as pos_record_count,
        min(coalesce(created_at, updated_at)) as first_seen_at,
        max(updated_at) as last_updated_at,
        max(aligned_at) as computed_at
    from records
    group by master_customer_id

),

{{ survivor_ctes('records') }},

final as (

    select
        people.master_customer_id,
        {%- for rule in var('survivorship_rules') %}
            {%- for column in rule.columns %}
                {{ rule.attribute }}_survivor.{{ column }},
            {%- endfor %}
            {{ rule.attribute }}_survivor.{{ rule.attribute }}_source,
            {{ rule.attribute }}_survivor.{{ rule.attribute }}_record_id,
        {%- endfor %}
        people.record_count,
        people.crm_record_count,
        people.webshop_record_count,
        people.pos_record_count,
        people.anchor_record_id,
        people.first_seen_at,
        people.last_updated_at,
        people.computed_at
    from
        people
    {%- for rule in var('survivorship_rules') %}
    left join {{ rule.attribute }}_survivor
        on people.master_customer_id = {{ rule.attribute }}_survivor.master_customer_id
    {%- endfor %}

)

select * from final
