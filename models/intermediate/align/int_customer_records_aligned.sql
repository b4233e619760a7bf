-- Every customer record with its person (int_customer_clusters), its stable master customer ID
-- (int_customer_records_identified), its cluster's anchor and the strongest edge that put it
-- there. Daily runs rewrite only the clusters, old and new, of records whose input changed.
{{ config(
    materialized='incremental',
    unique_key='customer_record_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
) }}

with

records as (

    select * from {{ ref('int_customer_records_normalized') }}

),

clusters as (

    select * from {{ ref('int_customer_clusters') }}

),

identified as (

    select * from {{ ref('int_customer_records_identified') }}

),

edges as (

    select * from {{ ref('int_customer_match_edges') }}
    where is_accepted

),

{% if is_incremental() -%}
aligned_before as (

    select
        customer_record_id,
        cluster_record_id,
        master_customer_id,
        normalized_at,
        cluster_state_hash
    from {{ this }}

),

-- records whose row would differ: new, normalized again, clustered differently (their edges or
-- cluster changed) or given another ID. Comparing with the table itself, not a run's timestamp,
-- lets a rerun after a failed run pick up exactly what is still to do.
changed as (

    select
        records.customer_record_id,
        clusters.cluster_record_id,
        aligned_before.cluster_record_id as cluster_record_id_before
    from records
    inner join clusters on records.customer_record_id = clusters.customer_record_id
    inner join identified on records.customer_record_id = identified.customer_record_id
    left join aligned_before on records.customer_record_id = aligned_before.customer_record_id
    where
        aligned_before.customer_record_id is null
        or aligned_before.normalized_at is distinct from records.normalized_at
        or aligned_before.cluster_record_id is distinct from clusters.cluster_record_id
        or aligned_before.cluster_state_hash is distinct from clusters.cluster_state_hash
        or aligned_before.master_customer_id is distinct from identified.master_customer_id

),

-- a changed record moves its cluster-mates' anchor and edges: its clusters, old and new, are
-- rewritten whole
affected_clusters as (

    select cluster_record_id from changed

    union

    select clusters.cluster_record_id
    from aligned_before
    inner join changed on aligned_before.cluster_record_id = changed.cluster_record_id_before
    inner join clusters on aligned_before.customer_record_id = clusters.customer_record_id

),

{% endif -%}
clustered as (

    select
        records.*,
        clusters.cluster_record_id,
        clusters.cluster_state_hash
    from records
    inner join clusters on records.customer_record_id = clusters.customer_record_id
    {%- if is_incremental() %}
        where clusters.cluster_record_id in (select affected_clusters.cluster_record_id from affected_clusters)
    {%- endif %}

),

anchored as (

    select
        *,
        first_value(customer_record_id) over (
            partition by cluster_record_id
            order by coalesce(created_at, updated_at) asc, customer_record_id asc
        ) as anchor_record_id
    from clustered

),

-- the strongest accepted edge that ties each record to another record of its own cluster
edge_ends as (

    select
        customer_record_id_l as customer_record_id,
        customer_record_id_r as other_record_id,
        match_method,
        match_rule,
        match_probability,
        edge_priority
    from edges

    union all

    select
        customer_record_id_r as customer_record_id,
        customer_record_id_l as other_record_id,
        match_method,
        match_rule,
        match_probability,
        edge_priority
    from edges

),

strongest_edge as (

    {% call portable_qualify() -%}
    select
        edge_ends.customer_record_id,
        edge_ends.match_method,
        edge_ends.match_rule,
        edge_ends.match_probability
    from edge_ends
    inner join clustered as own on edge_ends.customer_record_id = own.customer_record_id
    inner join clustered as other
        on
            edge_ends.other_record_id = other.customer_record_id
            and own.cluster_record_id = other.cluster_record_id
    qualify row_number() over (
        partition by edge_ends.customer_record_id
        order by edge_ends.edge_priority asc, edge_ends.match_probability desc, edge_ends.match_rule asc
    ) = 1
    {%- endcall %}

),

final as (

    select
        identified.master_customer_id,
        anchored.customer_record_id,
        anchored.source,
        anchored.source_record_key,
        anchored.cluster_record_id,
        anchored.anchor_record_id,
        case
            when strongest_edge.match_method = 'hard' then strongest_edge.match_rule
            when strongest_edge.match_method is not null then strongest_edge.match_method
            else 'singleton'
        end as match_method,
        strongest_edge.match_probability,
        {%- for column in ['first_name', 'last_name', 'gender', 'birth_date', 'birth_year', 'email',
            'phone_e164', 'phone_is_mobile', 'street', 'house_number', 'postcode', 'city', 'country_code'] %}
            anchored.{{ column }},
        {%- endfor %}
        anchored.created_at,
        anchored.updated_at,
        anchored.normalized_at,
        anchored.cluster_state_hash,
        {{ run_timestamp() }} as aligned_at
    from anchored
    inner join identified on anchored.customer_record_id = identified.customer_record_id
    left join strongest_edge on anchored.customer_record_id = strongest_edge.customer_record_id

)

select * from final
