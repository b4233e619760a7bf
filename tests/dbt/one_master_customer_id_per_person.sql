-- A person (cluster of records) holds exactly one master customer ID, and an ID one person.
with

aligned as (

    select * from {{ ref('int_customer_records_aligned') }}

),

ids_per_cluster as (

    select 'cluster ' || cluster_record_id || ' has several IDs' as problem
    from aligned
    group by cluster_record_id
    having count(distinct master_customer_id) > 1

),

clusters_per_id as (

    select 'ID ' || master_customer_id || ' spans several clusters' as problem
    from aligned
    group by master_customer_id
    having count(distinct cluster_record_id) > 1

)

select * from ids_per_cluster
union all
select * from clusters_per_id
