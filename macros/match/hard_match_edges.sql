{#-
    Renders the `hard_match_rules` var into edges: for each rule, records sharing every match_on
    value are linked to the group's smallest customer_record_id (a star, not all pairs, so a value
    shared by many records costs n edges, not n squared). An optional `where` limits the records
    a rule looks at. With `only_groups` (a relation or CTE of match_rule, matched_value), only
    the records of those groups are read: a daily run recomputes just the groups that changed.

    A shared identifier is evidence, not proof: `is_one_person` says whether the group's records
    can be one person (hard_match_group_is_one_person), and only such groups link. A family's
    e-mail, a typed-in default or a shop's phone groups records of different people, which Splink
    then scores like any other evidence; the group stays in the table, so a daily run knows to
    recompute it when a record leaves it. Values the Splink model knows as placeholders
    (`placeholders`: identifier, value) take part in no rule.
-#}
{% macro hard_match_edges(records_cte, placeholders, only_groups=none) -%}
    {%- for rule in var('hard_match_rules') %}
        {%- if not loop.first %}
            union all
        {% endif %}
        {% call portable_qualify() -%}
        select
            min(customer_record_id) over keys as customer_record_id_l,
            customer_record_id as customer_record_id_r,
            '{{ rule.name }}' as match_rule,
            {{ hard_match_value(rule) }} as matched_value,
            {{ hard_match_group_is_one_person('keys') }} as is_one_person
        from {{ records_cte }}
        where {{ hard_match_applies(rule, placeholders) }}
        {%- if only_groups %}
            and {{ hard_match_value(rule) }} in (
                select matched_value from {{ only_groups }} where match_rule = '{{ rule.name }}'
            )
        {%- endif %}
        window keys as (partition by {{ rule.match_on | join(', ') }})
        qualify customer_record_id_l != customer_record_id_r
        {%- endcall %}
    {%- endfor %}
{%- endmacro %}


{#- Whether the records of a group (the window `keys`) can be one person: at most
    var hard_match_max_records of them, birth years at most var max_birth_year_gap apart, and at
    most two canonical first names that are compatible (a typo: jan / jna). -#}
{% macro hard_match_group_is_one_person(window) -%}
    (
        count(*) over {{ window }} <= {{ var('hard_match_max_records') }}
        and coalesce(max(birth_year) over {{ window }} - min(birth_year) over {{ window }}, 0)
        <= {{ var('max_birth_year_gap') }}
        and (
            {{ count_distinct_over('first_name_canonical', window) }} <= 1
            or (
                {{ count_distinct_over('first_name_canonical', window) }} = 2
                and {{ compatible_names(
                    'min(first_name_canonical) over ' ~ window, 'max(first_name_canonical) over ' ~ window) }}
            )
        )
    )
{%- endmacro %}


{#- Each record's group under each rule it takes part in: customer_record_id, match_rule,
    matched_value. -#}
{% macro hard_match_groups(records_cte, placeholders) -%}
    {%- for rule in var('hard_match_rules') %}
        {%- if not loop.first %}
            union all
        {% endif %}
        select
            customer_record_id,
            '{{ rule.name }}' as match_rule,
            {{ hard_match_value(rule) }} as matched_value
        from {{ records_cte }}
        where {{ hard_match_applies(rule, placeholders) }}
    {%- endfor %}
{%- endmacro %}


{#- The values a rule matches on, as one readable text (also the group's name in the edges). -#}
{% macro hard_match_value(rule) -%}
    concat_ws(' | ', {{ rule.match_on | join(', ') }})
{%- endmacro %}


{#- Whether a record takes part in a rule: every match_on value present and no placeholder, and
    the rule's `where`. -#}
{% macro hard_match_applies(rule, placeholders) -%}
    {% for expression in rule.match_on -%}
        {{ expression }} is not null{% if not loop.last %} and {% endif %}
    {%- endfor %}
    {%- for expression in rule.match_on if expression in ['email', 'phone_e164', 'crm_customer_number', 'birth_date'] %}
        and cast({{ expression }} as {{ dbt.type_string() }}) not in (
            select placeholders.value from {{ placeholders }} as placeholders
            where placeholders.identifier = '{{ expression }}'
        )
    {%- endfor %}
    {%- if rule.where %} and ({{ rule.where }}){% endif %}
{%- endmacro %}
