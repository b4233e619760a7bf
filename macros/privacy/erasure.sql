{#-
    Erasure (GDPR article 17) in staging: the tombstone `privacy.privacy_erased_identifiers` holds
    salted hashes (privacy_hash) of every record key, e-mail and phone of each erased person. A
    landed row that carries one of them is erased as it is read, on every later build and on a
    --full-refresh: its values become null and its row_status 'erased', so the row is still
    counted (landed = staged + superseded + quarantined + erased) while holding nothing of the
    person. Orders and web events keep their row for revenue and lose only their link.
    The tombstone is read by name, not ref: it is written at the end of the pipeline
    (privacy_erased_identifiers), from the people that staging itself fed.
-#}

{#- How each landing table meets an erased person: the record key it carries (as
    customer_record_id), the e-mail and phone columns, and whether the row goes ('erase') or only
    its link columns ('unlink'). -#}
{% macro privacy_landing_rules(source_name, table_name) -%}
    {%- set rules = {
        'crm.customers': {'record': "'crm:' || trim(customer_number)", 'email': 'email', 'phone': 'phone', 'action': 'erase'},
        'webshop.accounts': {'record': "'webshop:' || trim(account_id)", 'email': 'email', 'phone': 'phone', 'action': 'erase'},
        'pos.loyalty_members': {'record': "'pos:' || trim(card_number)", 'phone': 'phone', 'action': 'erase'},
        'consent.events': {'record': "lower(trim(source)) || ':' || trim(source_record_key)", 'action': 'erase'},
        'sales.orders': {'record': "lower(trim(channel)) || ':' || trim(customer_key)", 'action': 'unlink', 'columns': ['customer_key']},
        'web.events': {'record': "'webshop:' || trim(account_id)", 'action': 'unlink', 'columns': ['account_id']},
    } -%}
    {{ return(rules.get(source_name ~ '.' ~ table_name)) }}
{%- endmacro %}


{#- The normalized forms the tombstone hashes: what int_customer_records_normalized keeps of an
    e-mail, and a phone's last nine digits (the national number, however it was typed). -#}
{% macro privacy_email_key(expression) -%}
    nullif(lower(replace(trim({{ expression }}), ' ', '')), '')
{%- endmacro %}

{% macro privacy_phone_key(expression) -%}
    case
        when length({{ regex_replace(expression, '[^0-9]', '') }}) >= 8
            then right({{ regex_replace(expression, '[^0-9]', '') }}, 9)
    end
{%- endmacro %}


{#- The tombstone relation, or none before the first erasure. -#}
{% macro privacy_tombstone() -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set relation = adapter.get_relation(database=target.database, schema='privacy',
                                            identifier='privacy_erased_identifiers') -%}
    {%- if relation is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set rows = run_query('select count(*) from ' ~ relation) -%}
    {{ return(relation if rows.columns[0].values()[0] > 0 else none) }}
{%- endmacro %}


{#- True when a landed row carries an erased identifier (false when nothing was ever erased). -#}
{% macro is_erased_row(rule, tombstone) -%}
    {%- if rule is none or tombstone is none -%}
        false
    {%- else -%}
        coalesce(
            privacy_hash({{ rule.record }}) in (
                select identifier_hash from {{ tombstone }} where identifier_type = 'source_record'
            )
            {%- if rule.email %}
            or privacy_hash({{ privacy_email_key(rule.email) }}) in (
                select identifier_hash from {{ tombstone }} where identifier_type = 'email'
            )
            {%- endif %}
            {%- if rule.phone %}
            or privacy_hash({{ privacy_phone_key(rule.phone) }}) in (
                select identifier_hash from {{ tombstone }} where identifier_type = 'phone'
            )
            {%- endif %},
            false
        )
    {%- endif -%}
{%- endmacro %}


{#- The salted hashes of the people's identifiers, one row per record and identifier
    (source_record, email, phone) with the `carried` columns: of the records of each person in
    `people` (a CTE with master_customer_id and the carried columns), or of every record (carrying
    master_customer_id) when `people` is none. `enabled` false yields no row, so nothing is
    hashed when no request waits. How the privacy models meet a request's identifier and fill the
    tombstone and the suppressions. -#}
{% macro hashed_customer_identifiers(people=none, carried=['master_customer_id'], enabled=true) -%}
    {%- set records -%}
        (
            select
            {%- for name in carried %}
                {{ 'people' if people else 'records' }}.{{ name }},
            {%- endfor %}
                records.customer_record_id,
                records.email,
                records.phone_e164
            from {{ ref('int_customer_records_aligned') }} as records
            {%- if people %}
                inner join {{ people }} as people on records.master_customer_id = people.master_customer_id
            {%- endif %}
            {%- if not enabled %}
                where false
            {%- endif %}
        ) as records
    {%- endset -%}
    {{ hashed_record_identifiers(records, carried) }}
{%- endmacro %}


{#- One row per identifier of each record in `from_cte` (customer_record_id, email, phone_e164):
    its type and salted hash, with the `carried` columns. -#}
{% macro hashed_record_identifiers(from_cte, carried) -%}
    {%- set identifiers = [
        ('source_record', 'customer_record_id', 'customer_record_id'),
        ('email', privacy_email_key('email'), 'email'),
        ('phone', privacy_phone_key('phone_e164'), 'phone_e164'),
    ] -%}
    {%- for identifier_type, expression, column in identifiers %}
    select
        {%- for name in carried %}
        {{ name }},
        {%- endfor %}
        '{{ identifier_type }}' as identifier_type,
        privacy_hash({{ expression }}) as identifier_hash
    from {{ from_cte }}
    where {{ column }} is not null
    {%- if not loop.last %}

    union all
    {% endif -%}
    {%- endfor %}
{%- endmacro %}
