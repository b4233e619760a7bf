"""Splink 5 settings for customer360's probabilistic record linkage, built from the data.

Training (customer360.linkage.model) profiles the records first and keeps the matching columns
that carry information (customer360.linkage.profile); this module then builds, from those
columns alone, the comparisons, the candidate prediction blocking rules (customer360.linkage.
blocking keeps those within the comparison budget), the EM training rules and the rules for the
prior. A CRM export without e-mail or phone therefore gets a model without them, and a loyalty-card
export one that blocks on names, birth year and postcode.

Records are passed through :func:`prepare_sql` first (derived columns such as the numeric part of
the house number or the postcode prefix; placeholder values shared by many people nulled).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.parse_sql import get_columns_used_from_sql

UNIQUE_ID = "customer_record_id"

#: columns of int_customer_records_normalized that linkage reads
INPUT_COLUMNS = [
    "customer_record_id", "source", "crm_customer_number", "first_name", "first_name_canonical",
    "last_name", "birth_date", "birth_year", "email", "phone_e164", "phone_is_mobile", "street",
    "house_number", "postcode", "city", "municipality_code",
]

#: the matching columns a model can use: each is profiled, and kept only when it carries
#: information (customer360.linkage.profile)
MATCH_COLUMNS = [
    "crm_customer_number", "first_name", "last_name", "birth_date", "birth_year", "email",
    "phone_e164", "street", "house_number", "postcode", "city", "municipality_code",
]

#: prepared columns derived from a matching column: a rule or level on them needs that column
DERIVED_FROM = {
    "first_name_canonical": "first_name", "first_initial": "first_name",
    "first_name_initial": "first_name", "last_name_compact": "last_name",
    "last_name_prefix": "last_name", "email_local": "email", "email_digits": "email",
    "phone_is_mobile": "phone_e164",
    "house_number_base": "house_number", "postcode_prefix": "postcode",
}

#: identifiers a placeholder can stand in for (noemail@..., a shop's phone, 1970-01-01)
SHARED_VALUE_COLUMNS = ["email", "phone_e164", "crm_customer_number", "birth_date"]

#: columns with term-frequency adjustments (when the model uses them)
TF_COLUMNS = ["first_name", "first_name_canonical", "last_name", "email", "city"]


def _sql_list(values: list[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def prepare_sql(table: str, placeholders: dict[str, list[str]] | None = None) -> str:
    """SQL (DuckDB) selecting the model input from ``table`` (a normalized-records relation).

    ``placeholders`` ({column: values}, from the model) are values of an identifier that many
    different people carry: they say nothing about who a record is, so they become null before
    blocking and scoring. Output is sorted by customer_record_id so that the result does not
    depend on input row order.
    """
    placeholders = placeholders or {}

    def unless_placeholder(column: str, expression: str) -> str:
        values = placeholders.get(column)
        if not values:
            return expression
        return f"case when cast({expression} as varchar) in ({_sql_list(values)}) then null else {expression} end"

    birth_date = unless_placeholder("birth_date", "cast(birth_date as date)")
    # a placeholder date's year is no birth year either; a loyalty card's own birth year stays
    birth_year = (
        f"case when birth_date is not null and ({birth_date}) is null then null "
        "else cast(coalesce(birth_year, year(cast(birth_date as date))) as integer) end"
    )
    return f"""
    with cleaned as (
        select
            cast(customer_record_id as varchar) as customer_record_id,
            cast(source as varchar) as source,
            {unless_placeholder("crm_customer_number", "nullif(trim(cast(crm_customer_number as varchar)), '')")}
                as crm_customer_number,
            nullif(first_name, '') as first_name,
            nullif(coalesce(first_name_canonical, first_name), '') as first_name_canonical,
            nullif(last_name, '') as last_name,
            {birth_date} as birth_date,
            {birth_year} as birth_year,
            {unless_placeholder("email", "nullif(email, '')")} as email,
            {unless_placeholder("phone_e164", "nullif(phone_e164, '')")} as phone_e164,
            phone_is_mobile,
            nullif(street, '') as street,
            nullif(house_number, '') as house_number,
            nullif(postcode, '') as postcode,
            nullif(city, '') as city,
            cast(municipality_code as varchar) as municipality_code
        from {table}
    )
    select
        customer_record_id,
        source,
        crm_customer_number,
        first_name,
        first_name_canonical,
        substr(first_name_canonical, 1, 1) as first_initial,
        substr(first_name, 1, 1) as first_name_initial,
        last_name,
        nullif(replace(last_name, ' ', ''), '') as last_name_compact,
        nullif(substr(replace(last_name, ' ', ''), 1, 3), '') as last_name_prefix,
        birth_date,
        birth_year,
        email,
        nullif(split_part(email, '@', 1), '') as email_local,
        -- once per record, not once per pair: the digits an e-mail typo keeps
        regexp_replace(email, '[^0-9]', '', 'g') as email_digits,
        phone_e164,
        -- mobile numbers are personal, landlines are shared by a household (decided in
        -- normalization, by libphonenumber)
        case when phone_e164 is not null then cast(phone_is_mobile as boolean) end as phone_is_mobile,
        street,
        house_number,
        nullif(regexp_extract(house_number, '^[0-9]+'), '') as house_number_base,
        postcode,
        nullif(substr(postcode, 1, 2), '') as postcode_prefix,
        city,
        municipality_code
    from cleaned
    order by customer_record_id
    """


# --- comparisons ---------------------------------------------------------------------------------

_SWAPPED = ('"first_name_l" = "last_name_r" and "last_name_l" = "first_name_r" '
            'and "first_name_l" <> "last_name_l"')
# one name typed in the other field, the other name changed: "howie james" / "james coleman"
_CROSSED = ('("first_name_l" = "last_name_r" or "last_name_l" = "first_name_r") '
            'and "first_name_l" <> "last_name_l" and "first_name_r" <> "last_name_r"')


def _first_name(columns: set[str]):
    levels = [cll.NullLevel("first_name"),
              cll.ExactMatchLevel("first_name", term_frequency_adjustments=True)]
    if "last_name" in columns:
        levels += [
            cll.CustomLevel(_SWAPPED, label_for_charts="first and last name swapped"),
            cll.CustomLevel(
                'jaro_winkler_similarity("first_name_l", "last_name_r") >= 0.9 and '
                'jaro_winkler_similarity("last_name_l", "first_name_r") >= 0.9',
                label_for_charts="first and last name swapped, with a typo",
            ),
            cll.CustomLevel(_CROSSED, label_for_charts="one name in the other's other field"),
        ]
    levels += [
        cll.ExactMatchLevel("first_name_canonical", term_frequency_adjustments=True)
        .configure(label_for_charts="same canonical first name (nickname)"),
        cll.JaroWinklerLevel("first_name_canonical", 0.92),
        cll.DamerauLevenshteinLevel("first_name", 1),
        cll.JaroWinklerLevel("first_name_canonical", 0.8),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_description="first name, nickname-aware, swapped first/last names",
        comparison_levels=levels,
    )


def _last_name(columns: set[str]):
    levels = [cll.NullLevel("last_name")]
    if "first_name" in columns:
        # the swap is counted once, in first_name
        levels.append(cll.CustomLevel(_SWAPPED, label_for_charts="swapped (counted in first_name)")
                      .configure(is_null_level=True))
        levels.append(cll.CustomLevel(_CROSSED, label_for_charts="crossed (counted in first_name)")
                      .configure(is_null_level=True))
    levels += [
        cll.ExactMatchLevel("last_name", term_frequency_adjustments=True),
        cll.ExactMatchLevel("last_name_compact").configure(label_for_charts="same last name without spaces"),
        cll.DamerauLevenshteinLevel("last_name_compact", 1),
        cll.JaroWinklerLevel("last_name", 0.9),
        cll.CustomLevel(
            "length(\"last_name_l\") >= 3 and length(\"last_name_r\") >= 3 and ("
            "contains(' ' || \"last_name_l\" || ' ', ' ' || \"last_name_r\" || ' ') or "
            "contains(' ' || \"last_name_r\" || ' ', ' ' || \"last_name_l\" || ' '))",
            label_for_charts="one last name part of the other (double name)",
        ),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="last_name",
        comparison_description="last name (particles, typos, double names)",
        comparison_levels=levels,
    )


def _birth(columns: set[str]):
    levels = [cll.NullLevel("birth_year")]
    if "birth_date" in columns:
        levels += [
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="same birth date"),
            # one digit mistyped or two swapped: 1979-03-12 / 1979-03-21
            cll.CustomLevel(
                'damerau_levenshtein(cast("birth_date_l" as varchar), cast("birth_date_r" as varchar)) <= 1',
                label_for_charts="birth date one typo apart",
            ),
            cll.CustomLevel(
                '"birth_year_l" = "birth_year_r" and ("birth_date_l" is null or "birth_date_r" is null)',
                label_for_charts="same birth year, one side year only",
            ),
        ]
    else:
        levels.append(cll.ExactMatchLevel("birth_year").configure(label_for_charts="same birth year"))
    levels += [
        cll.CustomLevel('abs("birth_year_l" - "birth_year_r") <= 1', label_for_charts="birth year within 1"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="birth",
        comparison_description="birth date or birth year",
        comparison_levels=levels,
    )


def _email(columns: set[str]):
    return cl.CustomComparison(
        output_column_name="email",
        comparison_description="e-mail address",
        comparison_levels=[
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email", term_frequency_adjustments=True),
            # the same mailbox name at another provider, when it holds more than the name: two
            # namesakes both write jan.peeters@, and their names are compared already
            cll.CustomLevel(
                '"email_local_l" = "email_local_r" and "email_digits_l" <> \'\'',
                label_for_charts="same local part with digits (another provider)",
            ),
            # a typo keeps the digits: jan.peeters1979@ and jan.peeters197993@ are two mailboxes
            # of two people with a common name, not one mistyped address
            cll.And(
                cll.ExactMatchLevel("email_digits"),
                cll.DamerauLevenshteinLevel("email", 2),
            ).configure(label_for_charts="close spelling, same digits"),
            cll.ElseLevel(),
        ],
    )


def _phone(columns: set[str]):
    levels = [
        cll.NullLevel("phone_e164"),
        cll.CustomLevel('"phone_e164_l" = "phone_e164_r" and "phone_is_mobile_l"',
                        label_for_charts="same mobile number"),
    ]
    same_address = []
    if "postcode" in columns:
        same_address.append('"postcode_l" = "postcode_r"')
    if "street" in columns and "house_number" in columns:
        same_address.append('("street_l" = "street_r" and "house_number_base_l" = "house_number_base_r")')
    if same_address:
        # a landline is the household's: at the same address it says nothing the address
        # comparison has not already said, so it is neutral there (else households match)
        levels.append(cll.CustomLevel(
            f'"phone_e164_l" = "phone_e164_r" and ({" or ".join(same_address)})',
            label_for_charts="same landline at the same address or postcode (counted in address)",
        ).configure(is_null_level=True))
    levels += [
        cll.ExactMatchLevel("phone_e164").configure(label_for_charts="same other (landline) number"),
        # each person has their own mobile: two different ones are evidence of two people
        cll.CustomLevel('"phone_is_mobile_l" and "phone_is_mobile_r"',
                        label_for_charts="two different mobile numbers"),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="phone (mobile is personal, landline is shared by a household)",
        comparison_levels=levels,
    )


def _address(columns: set[str]):
    # postcode, street + house number and city are one hierarchy: they are strongly correlated
    # (same street and number implies same postcode and city), so separate comparisons would
    # count one shared address several times, which is exactly what household members share.
    has = {c: c in columns for c in ("street", "house_number", "postcode", "city", "municipality_code")}
    present = [c for c in ("postcode", "street", "city") if has[c]]
    levels = [cll.And(*[cll.NullLevel(c) for c in present]).configure(label_for_charts="no address on one side")]
    place = [cll.ExactMatchLevel(c) for c in ("postcode", "city") if has[c]]

    def in_place(*parts):
        return cll.And(*parts, cll.Or(*place)) if place else cll.And(*parts)

    if has["street"] and has["house_number"]:
        levels += [
            in_place(cll.ExactMatchLevel("street"), cll.ExactMatchLevel("house_number"))
            .configure(label_for_charts="same street and house number (incl. box)"),
            in_place(cll.ExactMatchLevel("street"), cll.ExactMatchLevel("house_number_base"))
            .configure(label_for_charts="same street and house number"),
            # a typo in the street name ("kerkstraat" / "kerkstaart", "light setreet")
            cll.And(cll.JaroWinklerLevel("street", 0.9), cll.ExactMatchLevel("house_number_base"))
            .configure(label_for_charts="similar street name and same house number"),
        ]
    if has["postcode"]:
        if has["street"]:
            levels.append(cll.And(cll.ExactMatchLevel("postcode"),
                                  cll.Or(cll.NullLevel("street"), cll.NullLevel("house_number")))
                          .configure(label_for_charts="same postcode, street unknown on one side"))
            levels.append(cll.ExactMatchLevel("postcode").configure(label_for_charts="same postcode, other street"))
        else:
            levels.append(cll.ExactMatchLevel("postcode").configure(label_for_charts="same postcode"))
    if has["municipality_code"]:
        levels.append(cll.ExactMatchLevel("municipality_code").configure(label_for_charts="same municipality"))
    # a town is strong evidence where the postcode is missing or mistyped (6072 / 6027)
    if has["city"]:
        levels.append(cll.ExactMatchLevel("city", term_frequency_adjustments=True)
                      .configure(label_for_charts="same city"))
    if has["postcode"]:
        levels.append(cll.ExactMatchLevel("postcode_prefix").configure(label_for_charts="same postcode area"))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(
        output_column_name="address",
        comparison_description="street + house number, postcode, city (most specific level wins)",
        comparison_levels=levels,
    )


@dataclass(frozen=True)
class ComparisonSpec:
    """A comparison and the matching columns it reads: it is built when any of them carries
    information."""
    name: str
    columns: tuple[str, ...]
    build: Any


COMPARISONS = [
    ComparisonSpec("first_name", ("first_name",), _first_name),
    ComparisonSpec("last_name", ("last_name",), _last_name),
    ComparisonSpec("birth", ("birth_year",), _birth),
    ComparisonSpec("email", ("email",), _email),
    ComparisonSpec("phone", ("phone_e164",), _phone),
    ComparisonSpec("address", ("street", "postcode", "city"), _address),
]


def comparisons(columns: set[str], leave_out: set[str] = frozenset()) -> list:
    """The comparisons the informative ``columns`` support, each built from those columns
    (but the ones named in ``leave_out``)."""
    out = []
    for spec in COMPARISONS:
        if spec.name in leave_out:
            continue
        if any(c in columns for c in spec.columns):
            out.append(spec.build(columns))
    return out


def comparison_input_columns(comparison) -> set[str]:
    """The prepared columns a comparison reads (as Splink sees them when it decides which
    comparisons an EM training rule leaves estimable)."""
    built = comparison.get_comparison("duckdb")
    return {c.input_name for c in built._input_columns_used_by_case_statement}


# --- blocking rules ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """A blocking rule: record pairs whose ``columns`` are equal (and not null), optionally only
    where ``where`` holds for the left record. ``right_columns`` pairs a column of the left record
    with another of the right one (first and last name swapped)."""
    columns: tuple[str, ...]
    right_columns: tuple[str, ...] | None = None
    where: str | None = None
    why: str = ""

    @property
    def blocking_rule(self) -> str:
        if self.right_columns is None and self.where is None:
            return block_on(*self.columns).get_blocking_rule("duckdb").blocking_rule_sql
        right = self.right_columns or self.columns
        sql = " and ".join(f"l.{a} = r.{b}" for a, b in zip(self.columns, right))
        return f"{sql} and l.{self.where}" if self.where else sql

    def base_columns(self) -> set[str]:
        return {DERIVED_FROM.get(c, c) for c in (*self.columns, *(self.right_columns or ()))}

    def usable(self, columns: set[str]) -> bool:
        return self.base_columns() <= columns

    def reads(self) -> set[str]:
        return set(get_columns_used_from_sql(self.blocking_rule, "duckdb"))


def _rule(*columns: str, why: str = "") -> Rule:
    return Rule(tuple(columns), why=why)


_SWAPPED_RULE = Rule(
    ("first_name", "last_name", "postcode_prefix"), right_columns=("last_name", "first_name", "postcode_prefix"),
    why="first and last name swapped, same postcode area",
)

#: prediction blocking rules in order of preference: specific rules first (each keeps its pair
#: count roughly linear in the data size), then broader ones for thin data, which the comparison
#: budget admits only while their pair count stays small (customer360.linkage.blocking)
PREDICTION_RULES = [
    _rule("email"),
    _rule("phone_e164"),
    _rule("crm_customer_number"),
    _rule("first_name_canonical", "last_name", "postcode_prefix"),
    _rule("first_name_canonical", "birth_date"),
    _rule("first_name_canonical", "birth_year", "postcode_prefix"),
    _rule("last_name", "first_initial", "birth_year"),
    _rule("last_name_compact", "birth_year", "postcode_prefix",
          why="a nickname with another initial (kat / catherine) or a particle written apart"),
    _rule("last_name_compact", "postcode", "first_name_initial",
          why="a nickname the seed lacks (same surname and initial) at one postcode"),
    _rule("first_name_canonical", "postcode", "last_name_prefix",
          why="a typo late in the surname at one postcode"),
    _rule("first_name_canonical", "last_name_compact", "municipality_code",
          why="one side knows the postcode, the other only the city"),
    _rule("street", "house_number_base", "first_initial", "postcode_prefix",
          why="a married name at one address; street names repeat across the country (600k "
              "people: 3.2M more pairs without the postcode area for 0.1% of the true pairs)"),
    _rule("postcode", "first_name_canonical", "last_name_compact"),
    _SWAPPED_RULE,
    # broader rules, for data with few identifying columns
    _rule("last_name", "birth_date"),
    _rule("birth_date", "postcode"),
    _rule("last_name_prefix", "birth_date"),
    _rule("first_initial", "birth_date"),
    _rule("birth_date", "house_number_base"),
    _rule("first_name_canonical", "last_name"),
    _rule("street", "house_number_base", "postcode"),
    _rule("street", "house_number_base"),
    _rule("birth_year", "postcode"),
    _rule("last_name", "postcode"),
    _rule("first_name_canonical", "postcode"),
    _rule("street", "postcode"),
    _rule("postcode", "house_number_base"),
    _rule("last_name", "city"),
    _rule("first_name_canonical", "city"),
    _rule("birth_date"),
    _rule("last_name"),
    _rule("first_name_canonical"),
]

#: rules with (nearly) no false positives, for the prior (probability that two records match)
DETERMINISTIC_RULES = [
    _rule("email", "first_initial"),
    _rule("first_name_canonical", "last_name", "birth_date"),
    _rule("phone_e164", "first_name_canonical", "last_name"),
    _rule("first_name_canonical", "last_name", "birth_year", "postcode"),
    _rule("first_name_canonical", "last_name", "street", "house_number_base"),
]

#: EM training rules in order of preference: training takes them until every comparison has
#: been estimated (a rule cannot estimate the comparisons of the columns it blocks on)
TRAINING_RULES = [
    _rule("first_name_canonical", "last_name", "postcode_prefix"),
    _rule("email"),
    # mobile numbers are personal (landlines are shared by a household)
    Rule(("phone_e164",), where="phone_is_mobile"),
    _rule("birth_date"),
    _rule("birth_year", "postcode"),
    _rule("first_name_canonical", "last_name"),
    _rule("street", "house_number_base", "postcode"),
    _rule("last_name", "birth_year"),
]


def build_settings(columns: set[str] | None = None, blocking_rules: list[str] | None = None,
                   leave_out: set[str] = frozenset()) -> SettingsCreator:
    """Splink settings for the informative ``columns`` (default: all) and the chosen prediction
    ``blocking_rules`` (default: every usable candidate), without the comparisons in
    ``leave_out``."""
    columns = set(MATCH_COLUMNS) if columns is None else set(columns)
    if blocking_rules is None:
        blocking_rules = [rule.blocking_rule for rule in PREDICTION_RULES if rule.usable(columns)]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=UNIQUE_ID,
        comparisons=comparisons(columns, leave_out),
        blocking_rules_to_generate_predictions=list(blocking_rules),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
        em_convergence=0.0001,
        max_iterations=25,
        linker_uid="customer360",
    )


def settings_dict() -> dict[str, Any]:
    """The untrained settings for every column as a plain dict (DuckDB dialect)."""
    return build_settings().get_settings("duckdb").as_dict()
