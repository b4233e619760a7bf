-- Counts rows straight from the landing files and checks that each one is either in its staging
-- model, in quarantined_rows, superseded by a newer version of its key, or erased on request. Returns the tables
-- where the sums disagree (in a subquery: Spark's where cannot read the select's own aliases).
select * from (
{%- for landed in landed_tables() %}
        {%- if not loop.first %}

            union all
        {% endif %}

        select
            '{{ landed.source }}.{{ landed.table }}' as landing_table,
            (select count(*) from {{ landing_source(landed.source, landed.table) }}) as landed_rows,
            (select count(*) from {{ ref(landed.staged_model) }}) as staged_rows,
            (
                select count(*) from {{ ref('quarantined_rows') }}
                where source = '{{ landed.source }}' and source_table = '{{ landed.table }}'
            ) as quarantined_rows,
            (
                select count(*) from {{ ref(landed.base_model) }}
                where row_status = 'superseded'
            ) as superseded_rows,
            (
                select count(*) from {{ ref(landed.base_model) }}
                where row_status = 'erased'
            ) as erased_rows
    {%- endfor %}
) as sums
where landed_rows != staged_rows + quarantined_rows + superseded_rows + erased_rows
