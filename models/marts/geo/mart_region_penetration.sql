-- Market penetration by region and by municipality: active customers (an order in the last
-- penetration_active_months months up to the as-of date) against the population living there.
-- A customer is placed by the golden-record postcode: dim_customer.postcode -> geo_postcodes ->
-- municipality. Customers with a missing, unknown or foreign postcode get their own 'unknown'
-- row instead of being dropped. One table, a `level` column: region, municipality or unknown.
with

customers as (

    select * from {{ ref('dim_customer') }}

),

orders as (

    select * from {{ ref('fct_orders') }}

),

municipalities as (

    select * from {{ ref('geo_municipalities') }}

),

postcodes as (

    select * from {{ ref('geo_postcodes') }}

),

as_of as (

    select {{ as_of_value('penetration_as_of_date', 'date', '(select max(order_date) from orders)') }} as as_of_date

),

municipality_postcode_counts as (

    select
        municipality_code,
        count(*) as postcode_count
    from postcodes
    group by municipality_code

),

-- A few postcodes (1040, 1050, 1804) belong to two municipalities. Each goes to one, the
-- municipality for which it is the main postcode (the one with the fewest postcodes: 1040 is
-- Etterbeek, not the City of Brussels), then the larger population, then the lower code.
postcode_municipality as (

    {% call portable_qualify() -%}
    select
        postcodes.postcode,
        postcodes.municipality_code
    from postcodes
    inner join municipality_postcode_counts
        on postcodes.municipality_code = municipality_postcode_counts.municipality_code
    left join municipalities on postcodes.municipality_code = municipalities.municipality_code
    qualify row_number() over (
        partition by postcodes.postcode
        order by
            municipality_postcode_counts.postcode_count asc,
            municipalities.population desc nulls last,
            postcodes.municipality_code asc
    ) = 1
    {%- endcall %}

),

active_customers as (

    select
        orders.master_customer_id,
        sum(orders.order_revenue) as revenue
    from orders
    cross join as_of
    where
        orders.master_customer_id is not null
        and orders.order_date <= as_of.as_of_date
        and orders.order_date > as_of.as_of_date - {{ interval_of(var('penetration_active_months'), 'month') }}
    group by orders.master_customer_id

),

-- geo_postcodes only holds Belgian postcodes: a foreign customer must not land on a Belgian
-- municipality that happens to share the number
located as (

    select
        active_customers.master_customer_id,
        active_customers.revenue,
        postcode_municipality.municipality_code
    from active_customers
    left join customers on active_customers.master_customer_id = customers.master_customer_id
    left join postcode_municipality
        on
            customers.country_code = 'BE'
            and customers.postcode = postcode_municipality.postcode

),

municipality_activity as (

    select
        municipality_code,
        count(*) as active_customers,
        sum(revenue) as revenue
    from located
    where municipality_code is not null
    group by municipality_code

),

municipality_areas as (

    select
        -- `level` is a keyword, but it is the column the map tool filters on
        'municipality' as level,  -- noqa: RF04
        municipalities.municipality_code as area_code,
        -- the name in the municipality's language; Brussels is bilingual
        case municipalities.region_code
            when 'VLG' then municipalities.municipality_name_nl
            when 'WAL' then municipalities.municipality_name_fr
            else municipalities.municipality_name_fr || coalesce(
                ' / ' || nullif(municipalities.municipality_name_nl, municipalities.municipality_name_fr), ''
            )
        end as area_name,
        municipalities.region_code,
        municipalities.province_code,
        municipalities.province_name,
        municipalities.population,
        coalesce(municipality_activity.active_customers, 0) as active_customers,
        coalesce(municipality_activity.revenue, 0) as revenue,
        municipalities.latitude,
        municipalities.longitude
    from municipalities
    left join municipality_activity on municipalities.municipality_code = municipality_activity.municipality_code

),

region_areas as (

    select
        'region' as level,  -- noqa: RF04
        region_code as area_code,
        case region_code
            when 'VLG' then 'Vlaams Gewest / Flemish Region'
            when 'WAL' then 'Région wallonne / Walloon Region'
            when 'BRU' then 'Région de Bruxelles-Capitale / Brussels Hoofdstedelijk Gewest'
            else region_code
        end as area_name,
        region_code,
        cast(null as {{ dbt.type_string() }}) as province_code,
        cast(null as {{ dbt.type_string() }}) as province_name,
        sum(population) as population,
        sum(active_customers) as active_customers,
        sum(revenue) as revenue,
        -- population-weighted centroid: where the region's people live, not its geometric middle
        sum(latitude * population) filter (where latitude is not null and population > 0)
        / nullif(sum(population) filter (where latitude is not null and population > 0), 0) as latitude,
        sum(longitude * population) filter (where longitude is not null and population > 0)
        / nullif(sum(population) filter (where longitude is not null and population > 0), 0) as longitude
    from municipality_areas
    group by region_code

),

unknown_area as (

    select
        'unknown' as level,  -- noqa: RF04
        'unknown' as area_code,
        'Unknown or foreign postcode' as area_name,
        cast(null as {{ dbt.type_string() }}) as region_code,
        cast(null as {{ dbt.type_string() }}) as province_code,
        cast(null as {{ dbt.type_string() }}) as province_name,
        cast(null as bigint) as population,
        count(*) as active_customers,
        coalesce(sum(revenue), 0) as revenue,
        cast(null as double) as latitude,
        cast(null as double) as longitude
    from located
    where municipality_code is null

),

areas as (

    select * from region_areas
    union all
    select * from municipality_areas
    union all
    select * from unknown_area

),

measured as (

    select
        *,
        active_customers / nullif(population, 0) as penetration
    from areas

),

final as (

    select
        measured.level,
        measured.area_code,
        measured.area_name,
        measured.region_code,
        measured.province_code,
        measured.province_name,
        as_of.as_of_date,
        cast(measured.population as bigint) as population,
        cast(measured.active_customers as bigint) as active_customers,
        measured.penetration,
        cast(measured.revenue as decimal(18, 2)) as revenue,
        -- ranks and gaps compare areas of one level; the unknown row has no population to compare
        case
            when measured.penetration is not null
                then
                    cast(rank() over (
                        partition by measured.level, measured.penetration is null
                        order by measured.penetration desc
                    ) as integer)
        end as penetration_rank,
        max(measured.penetration) over (partition by measured.level) - measured.penetration as gap_to_best,
        measured.latitude,
        measured.longitude
    from measured
    cross join as_of

)

select * from final
