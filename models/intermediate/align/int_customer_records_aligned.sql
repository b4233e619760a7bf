-- Every customer record with its person and its stable master customer ID
-- (int_customer_records_identified), plus the strongest edge that put it there.
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

clustered as (

    select
        records.*,
        clusters.cluster_record_id
    from records
    inner join clusters on records.customer_record_id = clusters.customer_record_id

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

    select
        edge_ends.customer_record_id,
        edge_ends.match_method,
        edge_ends.match_rule,
        edge_ends.match_probability
    from edge_ends
    inner join clusters as own on edge_ends.customer_record_id = own.customer_record_id
    inner join clusters as other
        on
            edge_ends.other_record_id = other.customer_record_id
            and own.cluster_record_id = other.cluster_record_id
    qualify row_number() over (
        partition by edge_ends.customer_record_id
        order by edge_ends.edge_priority asc, edge_ends.match_probability desc, edge_ends.match_rule asc
    ) = 1

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
            'phone_e164', 'street', 'house_number', 'postcode', 'city', 'country_code'] %}
            anchored.{{ column }},
        {%- endfor %}
        anchored.created_at,
        anchored.updated_at
    from anchored
    inner join identified on anchored.customer_record_id = identified.customer_record_id
    left join strongest_edge on anchored.customer_record_id = strongest_edge.customer_record_id

)

select * from final
