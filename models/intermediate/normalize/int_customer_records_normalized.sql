-- Normalized customer records: the comparable form every matching rule and Splink reads.
-- Bad values become null with a flag, never a dropped record. Incremental: a daily run
-- normalizes only the records whose current version landed in a file not normalized before, or
-- all of them when the reference data or vars the rules use have changed (reference_version).
{{ config(
    materialized='incremental',
    unique_key='customer_record_id',
    incremental_strategy=incremental_strategy('delete+insert'),
    on_schema_change='fail',
) }}

with

-- a fingerprint of everything the rules read besides the record: seeds and vars
reference_version as (

    select
        md5(
            '{{ var("default_country") }}|{{ var("max_age_years") }}|'
            || (select {{ ordered_string_agg('entry', "','", 'entry') }} from (
                select 'nickname:' || nickname || '>' || canonical_name as entry from {{ ref('nicknames') }}
                union all
                select 'street:' || abbreviation || '>' || standard_form || '>' || match_on
                from {{ ref('street_type_abbreviations') }}
                union all
                select 'country:' || country_name || '>' || country_code from {{ ref('country_names') }}
                union all
                select 'language:' || country_code || '>' || language || '>' || priority
                from {{ ref('country_languages') }}
                union all
                select 'placeholder:' || placeholder_name from {{ ref('placeholder_names') }}
                union all
                select 'postcode:' || country_code || '>' || pattern from {{ ref('postcode_patterns') }}
                union all
                select 'municipality:' || postcode || '>' || municipality_code from {{ ref('geo_postcodes') }}
                union all
                select 'city:' || municipality_code || '>' || municipality_name_nl || '>' || municipality_name_fr
                from {{ ref('geo_municipalities') }}
            ) as reference_entries)
        ) as reference_version

),

records as (

    select * from {{ ref('int_customer_records_unioned') }} as unioned  -- noqa: AL05
    {%- if is_incremental() %}
        where not exists (
            select 1 from {{ this }} as normalized_before
            where
                normalized_before.customer_record_id = unioned.customer_record_id
                and normalized_before._landed_file = unioned._landed_file
                and normalized_before.reference_version = (select reference_version.reference_version from reference_version)
        )
    {%- endif %}

),

nicknames as (

    select * from {{ ref('nicknames') }}

),

street_types as (

    select * from {{ ref('street_type_abbreviations') }}

),

country_names as (

    select * from {{ ref('country_names') }}

),

postcode_patterns as (

    select * from {{ ref('postcode_patterns') }}

),

-- the languages a country's addresses are written in: which street-type abbreviations apply
country_languages as (

    select * from {{ ref('country_languages') }}

),

-- "unknown", "onbekend", "xxx", "test": typed into a name field when the name was not known
placeholder_names as (

    select * from {{ ref('placeholder_names') }}

),

-- three postcodes are shared by two municipalities: the smaller code, so a record stays one row
postcode_municipalities as (

    select
        postcode,
        min(municipality_code) as municipality_code
    from {{ ref('geo_postcodes') }}
    group by postcode

),

-- Belgian municipalities by their folded Dutch and French names, for records with a city only
municipality_names as (

    select distinct
        {{ fold_text('municipality_name_nl', keep_digits=true) }} as city,
        municipality_code
    from {{ ref('geo_municipalities') }}

    union

    select distinct
        {{ fold_text('municipality_name_fr', keep_digits=true) }} as city,
        municipality_code
    from {{ ref('geo_municipalities') }}

),

-- Webshop full names come as "Peeters, Jan", "PEETERS Jan" (family name in capitals first)
-- or "Jan Van den Broeck" (given name first).
names_split as (

    select
        *,
        case
            when full_name_raw is null then first_name_raw
            when contains(full_name_raw, ',') then split_part(full_name_raw, ',', 2)
            when {{ regex_matches('full_name_raw', family_name_first_pattern()) }}
                then {{ regex_extract('full_name_raw', family_name_first_pattern(), 2) }}
            else {{ regex_extract('trim(full_name_raw)', first_word_pattern(), 1) }}
        end as first_name_given,
        case
            when full_name_raw is null then last_name_raw
            when contains(full_name_raw, ',') then split_part(full_name_raw, ',', 1)
            when {{ regex_matches('full_name_raw', family_name_first_pattern()) }}
                then {{ regex_extract('full_name_raw', family_name_first_pattern(), 1) }}
            else {{ regex_extract('trim(full_name_raw)', after_first_word_pattern(), 1) }}
        end as last_name_given
    from records

),

-- Street and house number: CRM may put both in `street`; webshop always does, in either order.
addresses_split as (

    select
        *,
        coalesce(street_raw, address_line_raw) as address_text,
        case
            when house_number_raw is not null then street_raw
            when {{ regex_matches('coalesce(street_raw, address_line_raw)', number_last_pattern()) }}
                then {{ regex_extract('coalesce(street_raw, address_line_raw)', number_last_pattern(), 1) }}
            when {{ regex_matches('coalesce(street_raw, address_line_raw)', number_first_pattern()) }}
                then {{ regex_extract('coalesce(street_raw, address_line_raw)', number_first_pattern(), 2) }}
            else coalesce(street_raw, address_line_raw)
        end as street_given,
        case
            when house_number_raw is not null then house_number_raw
            when {{ regex_matches('coalesce(street_raw, address_line_raw)', number_last_pattern()) }}
                then {{ regex_extract('coalesce(street_raw, address_line_raw)', number_last_pattern(), 2) }}
            when {{ regex_matches('coalesce(street_raw, address_line_raw)', number_first_pattern()) }}
                then {{ regex_extract('coalesce(street_raw, address_line_raw)', number_first_pattern(), 1) }}
        end as house_number_given
    from names_split

),

folded as (

    select
        *,
        {{ fold_text('first_name_given') }} as first_name_folded,
        {{ fold_text('last_name_given') }} as last_name_folded,
        {{ fold_text('street_given', keep_digits=true) }} as street_folded,
        {{ fold_text('city_raw', keep_digits=true) }} as city,
        {{ fold_text('country_raw') }} as country_folded,
        lower(replace(trim(email_raw), ' ', '')) as email_cleaned,
        -- "B-1000", "1000 ", "nl-1234 ab", "DK-2100" -> "1000", "1234AB", "2100": the country's
        -- letters before a hyphen go, the postcode's own letters (NL, GB, CA) stay
        {{ regex_replace(
            'upper(' ~ regex_replace('postcode_raw', whitespace_character_pattern(), '') ~ ')',
            postcode_country_prefix_pattern(), '\\1', global=false
        ) }} as postcode_cleaned,
        try_cast(birth_year_raw as integer) as birth_year_parsed
    from addresses_split

),

with_country as (

    select
        folded.*,
        case
            when folded.country_folded is null then '{{ var("default_country") }}'
            else country_names.country_code
        end as country_code,
        case
            when folded.country_folded is null then 'defaulted'
            when country_names.country_code is null then 'unknown'
        end as country_issue,
        -- the country rules the record's formats: a missing or unknown one reads as the default
        coalesce(country_names.country_code, '{{ var("default_country") }}') as format_country,
        case when first_name_placeholders.placeholder_name is null then folded.first_name_folded end as first_name,
        case when last_name_placeholders.placeholder_name is null then folded.last_name_folded end as last_name,
        first_name_placeholders.placeholder_name is not null
        or last_name_placeholders.placeholder_name is not null as name_is_placeholder,
        -- kept as written: nickname and street seeds are Latin only, so a reviewer should know
        coalesce({{ has_unfolded_letters('folded.first_name_folded') }}, false)
        or coalesce({{ has_unfolded_letters('folded.last_name_folded') }}, false) as name_is_unfolded
    from folded
    left join country_names on folded.country_folded = country_names.country_name
    left join placeholder_names as first_name_placeholders
        on folded.first_name_folded = first_name_placeholders.placeholder_name
    left join placeholder_names as last_name_placeholders
        on folded.last_name_folded = last_name_placeholders.placeholder_name

),

with_birth_date as (

    select
        *,
        -- day first, as Europe writes it; month first where the country writes it so (US)
        coalesce(
            {{ try_cast_date('birth_date_raw') }},
            case when format_country = 'US' then {{ try_parse_date('birth_date_raw', '%m/%d/%Y') }} end,
            {{ try_parse_date('birth_date_raw', '%d/%m/%Y') }},
            {{ try_parse_date('birth_date_raw', '%d.%m.%Y') }},
            {{ try_parse_date('birth_date_raw', '%d-%m-%Y') }},
            {{ try_parse_date('birth_date_raw', '%Y/%m/%d') }},
            {{ try_parse_date('birth_date_raw', '%Y%m%d') }}
        ) as birth_date_parsed
    from with_country

),

-- Each street word is looked up once, with the abbreviations of the languages the record's
-- country writes addresses in: whole words ("av" -> "avenue"), the last word (English "st" ->
-- "street": "st kilda rd" keeps its saint) and, for compounds, the longest abbreviated ending
-- ("kerkstr" -> "kerkstraat" in Dutch, "hauptstr" -> "hauptstrasse" in German; "marktpln" ->
-- "marktplein", not "marktplaan").
street_words as (

    select
        customer_record_id,
        format_country,
        {{ list_length(split_text('street_folded', "' '")) }} as word_count,
        {{ unnest_with_position(split_text('street_folded', "' '"), 'word', 'word_position') }}
    from with_birth_date
    where street_folded is not null

),

street_rules as (

    select
        street_types.*,
        country_languages.country_code,
        country_languages.priority as language_priority
    from street_types
    inner join country_languages on street_types.language = country_languages.language

),

street_words_standardized as (

    {% call portable_qualify() -%}
    select
        street_words.customer_record_id,
        street_words.word_position,
        coalesce(
            word_rule.standard_form,
            left(street_words.word, length(street_words.word) - length(suffix_rule.abbreviation))
            || suffix_rule.standard_form,
            street_words.word
        ) as word
    from street_words
    left join street_rules as word_rule
        on
            street_words.format_country = word_rule.country_code
            and street_words.word = word_rule.abbreviation
            and (
                word_rule.match_on = 'word'
                or (word_rule.match_on = 'last_word' and street_words.word_position = street_words.word_count)
            )
    left join street_rules as suffix_rule
        on
            street_words.format_country = suffix_rule.country_code
            and suffix_rule.match_on = 'suffix'
            and length(street_words.word) > length(suffix_rule.abbreviation)
            and {{ text_ends_with('street_words.word', 'suffix_rule.abbreviation') }}
    -- the longest ending wins; between languages (Belgian 'str': straat before strasse) the
    -- country's first language
    qualify row_number() over (
        partition by street_words.customer_record_id, street_words.word_position
        order by
            length(suffix_rule.abbreviation) desc nulls last,
            suffix_rule.language_priority asc nulls last,
            word_rule.language_priority asc nulls last,
            word_rule.standard_form asc
    ) = 1
    {%- endcall %}

),

streets as (

    select
        customer_record_id,
        {{ ordered_string_agg('word', "' '", 'word_position') }} as street
    from street_words_standardized
    group by customer_record_id

),

prepared as (

    select
        *,
        -- libphonenumber reads numbers without a country prefix in the record's country, and
        -- tells a mobile (personal) from a landline (a household's) in the number's own country
        normalize_phone(phone_raw, format_country) as phone
    from with_birth_date

),

normalized as (

    select
        prepared.customer_record_id,
        prepared.source,
        prepared.source_record_key,
        prepared.crm_customer_number,

        prepared.first_name,
        coalesce(nicknames.canonical_name, prepared.first_name) as first_name_canonical,
        prepared.last_name,
        prepared.name_is_placeholder,
        prepared.name_is_unfolded,
        case
            when lower(trim(prepared.gender_raw)) in ('m', 'male', 'man', 'h', 'homme', 'mr', 'dhr')
                then 'm'
            when lower(trim(prepared.gender_raw)) in ('f', 'female', 'v', 'vrouw', 'femme', 'w', 'mrs', 'mevr')
                then 'f'
            when lower(trim(prepared.gender_raw)) = 'x' then 'x'
        end as gender,

        case
            when
                prepared.birth_date_parsed between
                current_date - {{ interval_of(var('max_age_years'), 'year') }} and current_date
                then prepared.birth_date_parsed
        end as birth_date,
        -- a bigint, as DuckDB's year() is (Spark's is an int)
        case
            when
                prepared.birth_date_parsed between
                current_date - {{ interval_of(var('max_age_years'), 'year') }} and current_date
                then cast(year(prepared.birth_date_parsed) as bigint)
            when
                prepared.birth_year_parsed between
                year(current_date) - {{ var('max_age_years') }} and year(current_date)
                then prepared.birth_year_parsed
        end as birth_year,
        case
            when prepared.birth_date_raw is not null and prepared.birth_date_parsed is null
                then 'unparseable'
            when
                prepared.birth_date_raw is not null
                and prepared.birth_date_parsed not between
                current_date - {{ interval_of(var('max_age_years'), 'year') }} and current_date
                then 'implausible'
            when prepared.birth_year_raw is not null and prepared.birth_year_parsed is null
                then 'unparseable'
            when
                prepared.birth_year_raw is not null
                and prepared.birth_year_parsed not between
                year(current_date) - {{ var('max_age_years') }} and year(current_date)
                then 'implausible'
        end as birth_date_issue,

        case
            when {{ regex_full_match('prepared.email_cleaned', valid_email_pattern()) }}
                then prepared.email_cleaned
        end as email,
        coalesce(
            prepared.email_cleaned is not null
            and not {{ regex_full_match('prepared.email_cleaned', valid_email_pattern()) }},
            false
        ) as email_is_invalid,

        {{ struct_field('prepared.phone', 'e164') }} as phone_e164,
        coalesce(prepared.phone_raw is not null and {{ struct_field('prepared.phone', 'e164') }} is null, false)
            as phone_is_invalid,
        {{ struct_field('prepared.phone', 'is_mobile') }} as phone_is_mobile,

        streets.street,
        {{ normalize_house_number('prepared.house_number_given') }} as house_number,
        -- validated against the country's pattern; a country without one keeps the cleaned form
        case
            when postcode_patterns.pattern is null then prepared.postcode_cleaned
            when {{ regex_full_match('prepared.postcode_cleaned', pattern_column='postcode_patterns.pattern') }}
                then prepared.postcode_cleaned
        end as postcode,
        coalesce(
            prepared.postcode_cleaned is not null
            and postcode_patterns.pattern is not null
            and not {{ regex_full_match('prepared.postcode_cleaned', pattern_column='postcode_patterns.pattern') }},
            false
        ) as postcode_is_invalid,
        prepared.city,
        -- the Belgian municipality (NIS code): from a valid postcode, else from the city's name
        case
            when prepared.format_country = 'BE'
                then coalesce(postcode_municipalities.municipality_code, municipality_names.municipality_code)
        end as municipality_code,
        prepared.country_code,
        prepared.country_issue,

        prepared.created_at,
        prepared.updated_at,
        prepared._landed_file,
        (select reference_version.reference_version from reference_version) as reference_version,
        {{ run_timestamp() }} as normalized_at
    from prepared
    left join nicknames on prepared.first_name = nicknames.nickname
    left join streets on prepared.customer_record_id = streets.customer_record_id
    left join postcode_patterns on prepared.format_country = postcode_patterns.country_code
    left join postcode_municipalities
        on
            {{ regex_full_match('prepared.postcode_cleaned', pattern_column='postcode_patterns.pattern') }}
            and prepared.postcode_cleaned = cast(postcode_municipalities.postcode as {{ dbt.type_string() }})
    left join municipality_names on prepared.city = municipality_names.city

)

select * from normalized
