"""Phone numbers to E.164 with Google's libphonenumber port (`phonenumbers`), never hand regexes."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers


@lru_cache(maxsize=1_000_000)
def to_e164(raw: str | None, default_region: str | None = "BE") -> str | None:
    """'0475 12 34 56', '+32 475/12.34.56', '0032475123456' -> '+32475123456'; junk -> None.

    Numbers without a country prefix are read in ``default_region`` (the record's country).
    A number that parses but cannot exist (wrong length for its country) is rejected.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, (default_region or "BE").upper())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
