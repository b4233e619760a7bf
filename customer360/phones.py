"""Phone numbers to E.164 with Google's libphonenumber port (`phonenumbers`), never hand regexes."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

_MOBILE = phonenumbers.PhoneNumberType.MOBILE


@lru_cache(maxsize=1_000_000)
def parse_phone(raw: str | None, default_region: str | None = "BE") -> tuple[str | None, bool | None]:
    """(E.164, is_mobile): '0475 12 34 56', '+32 475/12.34.56', '0032475123456' ->
    ('+32475123456', True); junk -> (None, None).

    Numbers without a country prefix are read in ``default_region`` (the record's country). A
    number that parses but cannot exist (wrong length for its country) is rejected. is_mobile is
    libphonenumber's verdict for the number's own country: True for a mobile (personal), False for
    a landline, a number that can be either (US, CA) or a service number (shared, or unknown).
    """
    if raw is None:
        return None, None
    text = raw.strip()
    if not text:
        return None, None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (default_region or "BE").upper())
    except phonenumbers.NumberParseException:
        return None, None
    if not phonenumbers.is_valid_number(number):
        return None, None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.number_type(number) == _MOBILE


def to_e164(raw: str | None, default_region: str | None = "BE") -> str | None:
    """The E.164 form of :func:`parse_phone`."""
    return parse_phone(raw, default_region)[0]
