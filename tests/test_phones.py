import pytest

from customer360.phones import parse_phone, to_e164


@pytest.mark.parametrize(
    "raw",
    [
        "+32 475 12 34 56",
        "0475 12 34 56",
        "0475/12.34.56",
        "0475.12.34.56",
        "0032475123456",
        "+32475123456",
        "0475123456",
        "+32 (0)475 12 34 56",
        " 0475-12-34-56 ",
    ],
)
def test_every_belgian_mobile_format_gives_the_same_e164(raw):
    assert to_e164(raw, "BE") == "+32475123456"


def test_landline_with_area_code():
    assert to_e164("02/512.34.56", "BE") == "+3225123456"


def test_national_number_is_read_in_the_records_country():
    assert to_e164("06 12345678", "NL") == "+31612345678"
    assert to_e164("+31 6 12345678", "BE") == "+31612345678"


@pytest.mark.parametrize("raw", [None, "", "   ", "12", "abc", "0475 12 34", "+32 475 12 34 56 78 90"])
def test_junk_and_impossible_numbers_are_none(raw):
    assert to_e164(raw, "BE") is None


def test_missing_region_falls_back_to_belgium():
    assert to_e164("0475 12 34 56", None) == "+32475123456"


@pytest.mark.parametrize(
    "raw, country, expected",
    [
        ("0475 12 34 56", "BE", ("+32475123456", True)),
        ("02/512.34.56", "BE", ("+3225123456", False)),
        ("06 12345678", "NL", ("+31612345678", True)),
        ("020 123 4567", "NL", ("+31201234567", False)),
        ("0412 345 678", "AU", ("+61412345678", True)),
        ("(02) 9876 5432", "AU", ("+61298765432", False)),
        ("07911 123456", "GB", ("+447911123456", True)),
        ("06 12 34 56 78", "FR", ("+33612345678", True)),
        ("0151 23456789", "DE", ("+4915123456789", True)),
    ],
)
def test_the_records_country_decides_how_a_number_is_read_and_whether_it_is_a_mobile(raw, country, expected):
    assert parse_phone(raw, country) == expected
