"""Splink 5 settings for customer360's probabilistic record linkage.

Records are first passed through :func:`prepare_sql` (derived columns such as the numeric part of
the house number or the postcode prefix), then compared with the comparisons built here.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

UNIQUE_ID = "customer_record_id"

#: columns of int_customer_records_normalized that linkage reads
INPUT_COLUMNS = [
    "customer_record_id", "source", "crm_customer_number", "first_name", "first_name_canonical",
    "last_name", "birth_date", "birth_year", "email", "phone_e164", "phone_is_mobile", "street",
    "house_number", "postcode", "city", "municipality_code",
]

#: columns with term-frequency adjustments
TF_COLUMNS = ["first_name", "first_name_canonical", "last_name", "email"]


def prepare_sql(table: str) -> str:
    """SQL (DuckDB) selecting the model input from ``table`` (a normalized-records relation).

    Output is sorted by customer_record_id so that the result does not depend on input row order.
    """
    return f"""
    select
        cast(customer_record_id as varchar) as customer_record_id,
        cast(source as varchar) as source,
        nullif(trim(cast(crm_customer_number as varchar)), '') as crm_customer_number,
        nullif(first_name, '') as first_name,
        nullif(coalesce(first_name_canonical, first_name), '') as first_name_canonical,
        substr(nullif(coalesce(first_name_canonical, first_name), ''), 1, 1) as first_initial,
        substr(nullif(first_name, ''), 1, 1) as first_name_initial,
        nullif(last_name, '') as last_name,
        nullif(replace(last_name, ' ', ''), '') as last_name_compact,
        nullif(substr(replace(last_name, ' ', ''), 1, 3), '') as last_name_prefix,
        cast(birth_date as date) as birth_date,
        cast(coalesce(birth_year, year(cast(birth_date as date))) as integer) as birth_year,
        nullif(email, '') as email,
        nullif(split_part(email, '@', 1), '') as email_local,
        nullif(phone_e164, '') as phone_e164,
        -- mobile numbers are personal, landlines are shared by a household (decided in
        -- normalization: dbt var mobile_phone_pattern)
        case when nullif(phone_e164, '') is not null then cast(phone_is_mobile as boolean) end
            as phone_is_mobile,
        nullif(street, '') as street,
        nullif(house_number, '') as house_number,
        nullif(regexp_extract(house_number, '^[0-9]+'), '') as house_number_base,
        nullif(postcode, '') as postcode,
        nullif(substr(postcode, 1, 2), '') as postcode_prefix,
        nullif(city, '') as city,
        cast(municipality_code as varchar) as municipality_code
    from {table}
    order by customer_record_id
    """


def _swapped(prefix: str = "") -> str:
    return ('"first_name_l" = "last_name_r" and "last_name_l" = "first_name_r" '
            'and "first_name_l" <> "last_name_l"')


def comparisons() -> list:
    swapped = _swapped()
    first_name = cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="first name, nickname-aware, swapped first/last names",
        comparison_levels=[
            cll.NullLevel("first_name"),
            cll.ExactMatchLevel("first_name", term_frequency_adjustments=True),
            cll.CustomLevel(swapped, label_for_charts="first and last name swapped"),
            cll.CustomLevel(
                'jaro_winkler_similarity("first_name_l", "last_name_r") >= 0.9 and '
                'jaro_winkler_similarity("last_name_l", "first_name_r") >= 0.9',
                label_for_charts="first and last name swapped, with a typo",
            ),
            cll.ExactMatchLevel("first_name_canonical", term_frequency_adjustments=True)
            .configure(label_for_charts="same canonical first name (nickname)"),
            cll.JaroWinklerLevel("first_name_canonical", 0.92),
            cll.DamerauLevenshteinLevel("first_name", 1),
            cll.JaroWinklerLevel("first_name_canonical", 0.8),
            cll.ElseLevel(),
        ],
    )
    last_name = cl.CustomComparison(
        output_column_name="last_name",
        comparison_description="last name (particles, typos, double names)",
        comparison_levels=[
            cll.NullLevel("last_name"),
            # the swap is counted once, in first_name
            cll.CustomLevel(swapped, label_for_charts="swapped (counted in first_name)")
            .configure(is_null_level=True),
            cll.ExactMatchLevel("last_name", term_frequency_adjustments=True),
            cll.ExactMatchLevel("last_name_compact")
            .configure(label_for_charts="same last name without spaces"),
            cll.DamerauLevenshteinLevel("last_name_compact", 1),
            cll.JaroWinklerLevel("last_name", 0.9),
            cll.CustomLevel(
                "length(\"last_name_l\") >= 3 and length(\"last_name_r\") >= 3 and ("
                "contains(' ' || \"last_name_l\" || ' ', ' ' || \"last_name_r\" || ' ') or "
                "contains(' ' || \"last_name_r\" || ' ', ' ' || \"last_name_l\" || ' '))",
                label_for_charts="one last name part of the other (double name)",
            ),
            cll.ElseLevel(),
        ],
    )
    birth = cl.CustomComparison(
        output_column_name="birth",
        comparison_description="birth date (CRM) or birth year (POS)",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="same birth date"),
            cll.CustomLevel(
                '"birth_year_l" = "birth_year_r" and ("birth_date_l" is null or "birth_date_r" is null)',
                label_for_charts="same birth year, one side year only",
            ),
            cll.CustomLevel('abs("birth_year_l" - "birth_year_r") <= 1',
                            label_for_charts="birth year within 1"),
            cll.ElseLevel(),
        ],
    )
    email = cl.CustomComparison(
        output_column_name="email",
        comparison_description="e-mail address",
        comparison_levels=[
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email", term_frequency_adjustments=True),
            cll.ExactMatchLevel("email_local").configure(label_for_charts="same local part"),
            # a typo keeps the digits: jan.peeters1979@ and jan.peeters197993@ are two mailboxes
            # of two people with a common name, not one mistyped address
            cll.And(
                cll.DamerauLevenshteinLevel("email", 2),
                cll.CustomLevel("regexp_replace(\"email_l\", '[^0-9]', '', 'g') = "
                                "regexp_replace(\"email_r\", '[^0-9]', '', 'g')"),
            ).configure(label_for_charts="close spelling, same digits"),
            cll.ElseLevel(),
        ],
    )
    phone = cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone (mobile is personal, landline is shared by a household)",
        comparison_levels=[
            cll.NullLevel("phone_e164"),
            cll.CustomLevel('"phone_e164_l" = "phone_e164_r" and "phone_is_mobile_l"',
                            label_for_charts="same mobile number"),
            # a landline is the household's: at the same address it says nothing the address
            # comparison has not already said, so it is neutral there (else households match)
            cll.CustomLevel(
                '"phone_e164_l" = "phone_e164_r" and ("postcode_l" = "postcode_r" or '
                '("street_l" = "street_r" and "house_number_base_l" = "house_number_base_r"))',
                label_for_charts="same landline at the same address or postcode (counted in address)",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("phone_e164").configure(label_for_charts="same other (landline) number"),
            # each person has their own mobile: two different ones are evidence of two people
            cll.CustomLevel('"phone_is_mobile_l" and "phone_is_mobile_r"',
                            label_for_charts="two different mobile numbers"),
            cll.ElseLevel(),
        ],
    )
    # postcode, street + house number and city are one hierarchy: they are strongly correlated
    # (same street and number implies same postcode and city), so three separate comparisons
    # would count one shared address three times, which is exactly what household members share.
    address = cl.CustomComparison(
        output_column_name="address",
        comparison_description="street + house number, postcode, city (most specific level wins)",
        comparison_levels=[
            cll.And(cll.NullLevel("postcode"), cll.NullLevel("street"), cll.NullLevel("city"))
            .configure(label_for_charts="no address on one side"),
            cll.And(cll.ExactMatchLevel("street"), cll.ExactMatchLevel("house_number"),
                    cll.Or(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("city")))
            .configure(label_for_charts="same street and house number (incl. box)"),
            cll.And(cll.ExactMatchLevel("street"), cll.ExactMatchLevel("house_number_base"),
                    cll.Or(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("city")))
            .configure(label_for_charts="same street and house number"),
            cll.And(cll.ExactMatchLevel("postcode"),
                    cll.Or(cll.NullLevel("street"), cll.NullLevel("house_number")))
            .configure(label_for_charts="same postcode, street unknown on one side"),
            cll.ExactMatchLevel("postcode").configure(label_for_charts="same postcode, other street"),
            cll.ExactMatchLevel("municipality_code").configure(label_for_charts="same municipality"),
            cll.Or(cll.ExactMatchLevel("city"), cll.ExactMatchLevel("postcode_prefix"))
            .configure(label_for_charts="same city or postcode area"),
            cll.ElseLevel(),
        ],
    )
    return [first_name, last_name, birth, email, phone, address]


def blocking_rules() -> list:
    """Prediction blocking rules: each keeps its false-pair count roughly linear in the data size."""
    return [
        block_on("email"),
        block_on("phone_e164"),
        block_on("crm_customer_number"),
        block_on("first_name_canonical", "last_name", "postcode_prefix"),
        block_on("first_name_canonical", "birth_date"),
        block_on("first_name_canonical", "birth_year", "postcode_prefix"),
        block_on("last_name", "first_initial", "birth_year"),
        # a nickname with another initial (kat / catherine) or a particle written apart
        block_on("last_name_compact", "birth_year", "postcode_prefix"),
        # one name changed at one postcode: a nickname the seed lacks (same surname and initial),
        # a typo late in the surname (same given name and surname start)
        block_on("last_name_compact", "postcode", "first_name_initial"),
        block_on("first_name_canonical", "postcode", "last_name_prefix"),
        # one side knows the postcode, the other only the city: the same municipality
        block_on("first_name_canonical", "last_name_compact", "municipality_code"),
        block_on("street", "house_number_base", "first_initial"),
        block_on("postcode", "first_name_canonical", "last_name_compact"),
        "l.first_name = r.last_name and l.last_name = r.first_name "
        "and l.postcode_prefix = r.postcode_prefix",
    ]


def deterministic_rules() -> list:
    """Rules with (nearly) no false positives, for the prior."""
    return [
        block_on("email", "first_initial"),
        block_on("first_name_canonical", "last_name", "birth_date"),
        block_on("phone_e164", "first_name_canonical", "last_name"),
    ]


def training_blocking_rules() -> list:
    """EM training blocks: together every comparison is estimated at least once."""
    return [
        block_on("first_name_canonical", "last_name", "postcode_prefix"),
        block_on("email"),
        # mobile numbers are personal (landlines are shared by a household): names, birth, address
        "l.phone_e164 = r.phone_e164 and l.phone_is_mobile",
    ]


def build_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
        em_convergence=0.0001,
        max_iterations=25,
        linker_uid="customer360",
    )


def settings_dict() -> dict[str, Any]:
    """The untrained settings as a plain dict (DuckDB dialect)."""
    return build_settings().get_settings("duckdb").as_dict()
