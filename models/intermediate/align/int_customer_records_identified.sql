-- Stable master customer IDs, kept from run to run. Every existing ID goes to the cluster that
-- holds its oldest record; a cluster that receives several IDs keeps the oldest and the others
-- are retired (a merge); a cluster that receives none gets a new ID (a new person, or the part
-- of a split that does not hold the oldest records). An unchanged person keeps their ID.
-- Only rows whose ID changed are written, so running a day twice changes nothing; the table is
-- never rebuilt by --full-refresh, as the IDs are the state every other system relies on.
{{ config(
    materialized='incremental',
    unique_key='customer_record_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    full_refresh=never_full_refresh(),
    on_schema_change='fail',
) }}

with

clusters as (

    select
        clusters.customer_record_id,
        clusters.cluster_record_id,
        coalesce(records.created_at, records.updated_at) as record_created_at
    from {{ ref('int_customer_clusters') }} as clusters
    inner join {{ ref('int_customer_records_normalized') }} as records
        on clusters.customer_record_id = records.customer_record_id

),

previous as (

    {% if is_incremental() -%}
        select
            customer_record_id,
            master_customer_id,
            master_customer_id_issued_at
        from {{ this }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as customer_record_id,
            cast(null as {{ dbt.type_string() }}) as master_customer_id,
            cast(null as timestamp) as master_customer_id_issued_at
        where false
    {%- endif %}

),

-- every existing ID goes to the cluster now holding its oldest record
claims as (

    {% call portable_qualify() -%}
    select
        previous.master_customer_id,
        previous.master_customer_id_issued_at,
        clusters.cluster_record_id,
        clusters.record_created_at as oldest_record_created_at
    from previous
    inner join clusters on previous.customer_record_id = clusters.customer_record_id
    qualify row_number() over (
        partition by previous.master_customer_id
        order by clusters.record_created_at asc nulls last, clusters.customer_record_id asc
    ) = 1
    {%- endcall %}

),

-- the oldest ID a cluster received survives
kept_ids as (

    {% call portable_qualify() -%}
    select
        cluster_record_id,
        master_customer_id,
        master_customer_id_issued_at
    from claims
    qualify row_number() over (
        partition by cluster_record_id
        order by
            master_customer_id_issued_at asc,
            oldest_record_created_at asc nulls last,
            master_customer_id asc
    ) = 1
    {%- endcall %}

),

anchors as (

    {% call portable_qualify() -%}
    select
        cluster_record_id,
        customer_record_id as anchor_record_id
    from clusters
    qualify row_number() over (
        partition by cluster_record_id
        order by record_created_at asc nulls last, customer_record_id asc
    ) = 1
    {%- endcall %}

),

assigned as (

    select
        clusters.customer_record_id,
        coalesce(
            kept_ids.master_customer_id,
            -- first build: md5 of the oldest record; later runs also hash the run's start, so
            -- a new ID never repeats one retired earlier
            'MC' || upper(left(md5(
                anchors.anchor_record_id
                {%- if is_incremental() %} || '|' || cast({{ run_timestamp() }} as {{ dbt.type_string() }}){% endif %}
            ), 16))
        ) as master_customer_id,
        coalesce(kept_ids.master_customer_id_issued_at, {{ run_timestamp() }}) as master_customer_id_issued_at,
        previous.master_customer_id as previous_master_customer_id,
        {{ run_timestamp() }} as assigned_at
    from clusters
    inner join anchors on clusters.cluster_record_id = anchors.cluster_record_id
    left join kept_ids on clusters.cluster_record_id = kept_ids.cluster_record_id
    left join previous on clusters.customer_record_id = previous.customer_record_id

)

select * from assigned
{%- if is_incremental() %}
    where previous_master_customer_id is distinct from master_customer_id
{%- endif %}
