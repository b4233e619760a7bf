"""One chunk of people -> the landing rows of every source table, plus the ground truth.

Each record is rendered independently from the person behind it, with the variation real
exports show (nicknames, typos, stripped accents, phone and address formats, moves...).
"""

from __future__ import annotations

import gc
import math
import random
from datetime import date, timedelta

import pyarrow as pa

from customer360.contract import LANDING_TABLES
from customer360.generator import reference as ref
from customer360.generator.behaviour import DAY, Behaviour, purchase_probability
from customer360.generator.population import (
    CHUNK_SIZE, SPAN, WINDOW_START, REFERENCE_DATE, Person, Sampler, build_people, fold, zipf,
)

# --- keys: bijections of a global record index, so keys are unique without coordination ---------

CRM_STRIDE = 2 * CHUNK_SIZE + CHUNK_SIZE // 10  # room per chunk: 2 records a person + extras
WEB_STRIDE = CRM_STRIDE
POS_STRIDE = CRM_STRIDE
ORDER_STRIDE = 1_000_000
EVENT_STRIDE = 1_000_000
_CRM_SPACE, _CRM_MULT = 9_000_000, 7_654_321  # 7-digit numbers first
_CRM8_SPACE, _CRM8_MULT = 90_000_000, 12_345_679  # then 8-digit ones, as a CRM that outgrew 7 digits
_WEB_SPACE, _WEB_MULT = 90_000_000, 31_415_927
_POS_SPACE, _POS_MULT = 900_000_000_000, 271_828_182_847
_ORD_SPACE, _ORD_MULT = 10_000_000_000, 7_777_777_777 + 2
for _space, _mult in ((_CRM_SPACE, _CRM_MULT), (_CRM8_SPACE, _CRM8_MULT), (_WEB_SPACE, _WEB_MULT), (_POS_SPACE, _POS_MULT),
                      (_ORD_SPACE, _ORD_MULT)):
    assert math.gcd(_space, _mult) == 1
# chunks whose keys fit every key space; the last DELTA_CHUNKS are kept for the daily deltas' new
# people (delta.TOP_CHUNK counts down from the last one)
KEY_CHUNKS = min((_CRM_SPACE + _CRM8_SPACE) // CRM_STRIDE, _WEB_SPACE // WEB_STRIDE, _ORD_SPACE // ORDER_STRIDE)
DELTA_CHUNKS = 1_000
MAX_PEOPLE = (KEY_CHUNKS - DELTA_CHUNKS) * CHUNK_SIZE


def crm_key(g: int, seed: int) -> str:
    if g < _CRM_SPACE:
        return str(1_000_000 + (g * _CRM_MULT + seed * 104_729) % _CRM_SPACE)
    return str(10_000_000 + ((g - _CRM_SPACE) * _CRM8_MULT + seed * 104_729) % _CRM8_SPACE)


def web_key(g: int, seed: int) -> str:
    return f"WA{(g * _WEB_MULT + seed * 1_299_709) % _WEB_SPACE:08d}"


def pos_key(g: int, seed: int) -> str:
    return f"2{(g * _POS_MULT + seed * 15_485_863) % _POS_SPACE:012d}"


def order_key(g: int, seed: int) -> str:
    return f"O{(g * _ORD_MULT + seed * 32_452_843) % _ORD_SPACE:010d}"


# --- timestamps ----------------------------------------------------------------------------------

_DAY = [(WINDOW_START + timedelta(days=d)).isoformat() for d in range(SPAN // 86400)]
_TOD = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
ORDER_START = (date(2024, 11, 1) - WINDOW_START).days * 86400  # orders: the last two years


def ts(t: int) -> str:
    return _DAY[t // 86400] + " " + _TOD[t % 86400]


BAD_TIMESTAMPS = ["yesterday", "2024-13-45", "2025-02-30 10:00:00", "31/13/2025 25:61", "N/A",
                  "0000-00-00 00:00:00"]


def record_times(r: random.Random) -> tuple[int, int]:
    created = int(r.random() * (SPAN - 86400))
    if r.random() < 0.3:
        return created, created
    return created, created + int((SPAN - 1 - created) * r.random() ** 2)


# --- names ---------------------------------------------------------------------------------------

_REPLACE = "aeiounrstlkmdc"


def typo(s: str, r: random.Random) -> str:
    if len(s) < 3:
        return s
    i = r.randrange(1, len(s) - 1)
    x = r.random()
    if x < 0.25:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if x < 0.5:
        return s[:i] + s[i + 1:]
    if x < 0.75:
        return s[:i] + s[i] + s[i:]
    c = _REPLACE[r.randrange(len(_REPLACE))]
    return s[:i] + (c.upper() if s[i].isupper() else c) + s[i + 1:]


def _particle_variant(last: str, r: random.Random) -> str:
    x = r.random()
    if x < 0.4:
        return last.replace(" ", "")          # Van den Broeck -> VandenBroeck
    if x < 0.7:
        head, _, tail = last.rpartition(" ")   # Van den Broeck -> van den Broeck
        return head.lower() + " " + tail
    return last.replace(" ", "").capitalize()  # -> Vandenbroeck


def person_names(p: Person, r: random.Random) -> tuple[str, str]:
    first = p.first
    nicks = ref.NICKNAMES.get(first)
    if nicks is not None and r.random() < 0.15:
        first = nicks[int(r.random() * len(nicks))]
    last = p.last
    if p.married is not None and r.random() < 0.45:
        last = p.married
    if not first.isascii() and r.random() < 0.5:
        first = fold(first)
    if not last.isascii() and r.random() < 0.5:
        last = fold(last)
    if " " in last and r.random() < 0.12:
        last = _particle_variant(last, r)
    if r.random() < 0.08:
        if r.random() < 0.5:
            first = typo(first, r)
        else:
            last = typo(last, r)
    x = r.random()
    if x < 0.04:
        first, last = first.upper(), last.upper()
    elif x < 0.06:
        first, last = first.lower(), last.lower()
    elif x < 0.09:
        last = last.upper()
    if r.random() < 0.03:
        y = r.random()
        if y < 0.4:
            first = first + " "
        elif y < 0.7:
            last = " " + last
        else:
            last = last.replace(" ", "  ") if " " in last else last + "  "
    return first, last


# --- phones ----------------------------------------------------------------------------------------

_BE_FORMATS = Sampler(range(8), [20, 24, 10, 8, 6, 10, 16, 6])


def _groups(nsn: str) -> list[str]:
    if len(nsn) == 9:
        return [nsn[:3], nsn[3:5], nsn[5:7], nsn[7:]]
    if nsn[0] in "2349":
        return [nsn[0], nsn[1:4], nsn[4:6], nsn[6:]]
    return [nsn[:2], nsn[2:4], nsn[4:6], nsn[6:]]


def format_phone(phone: tuple[str, str], r: random.Random) -> str:
    cc, nsn = phone
    if cc == "32":
        k = _BE_FORMATS(r)
        if k == 4:
            return "0032" + nsn
        if k == 5:
            return "+32" + nsn
        if k == 6:
            return "0" + nsn
        g = _groups(nsn)
        if k == 0:
            return "+32 " + " ".join(g)
        if k == 1:
            return "0" + " ".join(g)
        if k == 2:
            return "0" + g[0] + "/" + ".".join(g[1:])
        if k == 3:
            return "0" + ".".join(g)
        return "+32 (0)" + " ".join(g)
    x = r.random()
    if x < 0.4:
        return f"+{cc} {nsn}"
    if x < 0.6:
        return f"00{cc}{nsn}"
    if x < 0.85:
        return f"+{cc}{nsn}"
    return f"+{cc} " + " ".join(nsn[i:i + 2] for i in range(0, len(nsn), 2))


def invalid_phone(phone: tuple[str, str], r: random.Random) -> str:
    x = r.random()
    good = format_phone(phone, r)
    if x < 0.35:
        return good[:-2]              # digits lost
    if x < 0.55:
        return good + "7"             # one digit too many
    if x < 0.7:
        return "0" + phone[1][:5]
    return ["n/a", "0000000000", "12345", "geen", "-", "+32 0 000 00 00"][r.randrange(6)]


def record_phone(p: Person, r: random.Random) -> str | None:
    x = r.random()
    if x < 0.10:
        return None
    phone = p.mobile
    if p.landline is not None and r.random() < 0.3:
        phone = p.landline
    if x > 0.985:
        return invalid_phone(phone, r)
    return format_phone(phone, r)


# --- e-mail ----------------------------------------------------------------------------------------

_EMAIL_PICK = Sampler([0, 1, 2, 3], [70, 18, 8, 4])


def email_typo(email: str, r: random.Random) -> str:
    local, _, domain = email.partition("@")
    typos = ref.EMAIL_DOMAIN_TYPOS.get(domain)
    if typos and r.random() < 0.6:
        return f"{local}@{typos[r.randrange(len(typos))]}"
    if len(local) > 3:
        i = r.randrange(1, len(local) - 1)
        local = local[:i] + local[i + 1:]
    return f"{local}@{domain}"


def record_email(p: Person, r: random.Random, avoid: str | None = None) -> str | None:
    if r.random() < 0.10:
        return None
    emails = p.emails
    k = _EMAIL_PICK(r)
    email = emails[k if k < len(emails) else 0]
    if avoid is not None and email == avoid:
        others = [e for e in emails if e != avoid]
        email = others[r.randrange(len(others))] if others else avoid.replace("@", "2@", 1)
    x = r.random()
    if x < 0.03:
        email = email_typo(email, r)
    elif x < 0.06:
        email = email[0].upper() + email[1:]
    elif x < 0.07:
        email = email.upper()
    elif x < 0.09:
        email = " " + email if r.random() < 0.5 else email + " "
    return email


# --- addresses ---------------------------------------------------------------------------------------

_BOX = {"nl": [" bus {}", " b{}", "/{}", " bus{}"], "fr": [" bte {}", " boîte {}", " b{}", "/{}"],
        "de": ["/{}"]}


def abbreviate(street: str, r: random.Random) -> str:
    for full, abbs in ref.ABBREV_FR_PREFIX:
        if street.startswith(full):
            return abbs[r.randrange(len(abbs))] + street[len(full):]
    for suffix, abbs in ref.ABBREV_NL_SUFFIX:
        if street.endswith(suffix) and len(street) > len(suffix):
            return street[: -len(suffix)] + abbs[r.randrange(len(abbs))]
    return street


def pick_address(p: Person, created: int, updated: int, r: random.Random):
    """The address a record shows: a record not updated since a move carries the old one."""
    if p.prev_addr is None:
        return p.addr
    if updated < p.move_t or (created < p.move_t and r.random() < 0.35):
        return p.prev_addr
    return p.addr


def street_city(addr, r: random.Random) -> tuple[str, str, str]:
    """(street, city, language of the street) — Brussels records sometimes use the other language."""
    if addr.street_alt is not None and r.random() < 0.12:
        return addr.street_alt, addr.city_alt or addr.city, ("nl" if addr.lang == "fr" else "fr")
    return addr.street, addr.city, addr.lang


def box_text(addr, lang: str, r: random.Random) -> str:
    if addr.box is None:
        return ""
    forms = _BOX.get(lang, _BOX["nl"])
    return forms[int(r.random() * len(forms))].format(addr.box)


def postcode_text(addr, r: random.Random, fancy: bool) -> str | None:
    pc = addr.postcode
    x = r.random()
    if x < 0.03:
        return None
    c = addr.country
    if c == "LU":
        return "L-" + pc if x < 0.45 else pc
    if c == "NL" and x < 0.3:
        return pc.replace(" ", "")
    if not fancy:
        return pc
    if c == "BE":
        if x < 0.09:
            return "B-" + pc
        if x < 0.14:
            return pc + " "
        if x < 0.16:
            return " " + pc
    elif c == "DE" and x < 0.15:
        return "D-" + pc
    elif c == "FR" and x < 0.15:
        return "F-" + pc
    return pc


def city_text(city: str, r: random.Random) -> str | None:
    x = r.random()
    if x < 0.08:
        return None
    if x < 0.13:
        return city.upper()
    if x < 0.15:
        return fold(city)
    return city


_COUNTRY = {c: Sampler([v for v, _ in vals], [w for _, w in vals]) for c, vals in ref.COUNTRY_VALUES.items()}


# --- records -----------------------------------------------------------------------------------------

def _gender_text(g: str, r: random.Random) -> str | None:
    x = r.random()
    if x < 0.10:
        return None
    if x < 0.65:
        return g
    if x < 0.80:
        return g.lower()
    if g == "X":
        return "X"
    return "male" if g == "M" else "female"


def _birth_date_text(p: Person, r: random.Random) -> str | None:
    x = r.random()
    if x < 0.10:
        return None
    d = date.fromordinal(p.birth_ord)
    if x < 0.11:
        y = r.random()
        if y < 0.25:
            return "unknown"
        if y < 0.5:
            return f"31/02/{d.year}"
        if y < 0.75:
            return f"1890-{d.month:02d}-{d.day:02d}"
        return f"{REFERENCE_DATE.year + 1 + r.randrange(5)}-{d.month:02d}-{d.day:02d}"
    if x < 0.15:
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    if x < 0.19:
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    return d.isoformat()


def typed_in(r: random.Random, share: float, values: list):
    """With probability ``share``, the value staff typed in for a missing one (shared by many)."""
    return values[int(r.random() * len(values))] if r.random() < share else None


def crm_row(p: Person, key: str | None, r: random.Random) -> list:
    created, updated = record_times(r)
    first, last = person_names(p, r)
    if r.random() < 0.03:
        first, last = last, first
    first = typed_in(r, 0.002, ref.PLACEHOLDER_FIRST_NAMES) or first
    addr = pick_address(p, created, updated, r)
    street, city, lang = street_city(addr, r)
    if r.random() < 0.12:
        street = abbreviate(street, r)
    number = f"{addr.number}{addr.letter}"
    box = box_text(addr, lang, r)
    if r.random() < 0.12:
        street_f, house = f"{street} {number}{box}", None
    else:
        street_f, house = street, number + box
    if r.random() < 0.04:
        street_f = None
    birth = typed_in(r, 0.008, ref.DEFAULT_BIRTH_DATES) or _birth_date_text(p, r)
    email = typed_in(r, 0.015, ref.PLACEHOLDER_EMAILS) or record_email(p, r)
    return [key, first, last, _gender_text(p.gender, r), birth,
            email, record_phone(p, r), street_f, house,
            postcode_text(addr, r, False), city_text(city, r), _COUNTRY[addr.country](r),
            ts(created), ts(updated), p.pid, False, created]


def _full_name(first: str, last: str, r: random.Random) -> str:
    x = r.random()
    if x < 0.78:
        name = f"{first} {last}"
    elif x < 0.86:
        name = f"{last.upper()} {first}"
    elif x < 0.92:
        name = f"{last}, {first}"
    elif x < 0.96:
        name = f"{first} {last}".upper()
    else:
        name = f"{first} {last}".lower()
    return name


def web_row(p: Person, key: str | None, r: random.Random, avoid_email: str | None = None) -> list:
    created, updated = record_times(r)
    first, last = person_names(p, r)
    addr = pick_address(p, created, updated, r)
    street, city, lang = street_city(addr, r)
    if r.random() < 0.2:
        street = abbreviate(street, r)
    number = f"{addr.number}{addr.letter}"
    box = box_text(addr, lang, r)
    if lang == "fr" and r.random() < 0.2:
        line = f"{number}{',' if r.random() < 0.3 else ''} {street[0].lower()}{street[1:]}{box}"
    else:
        line = f"{street} {number}{box}"
    if r.random() < 0.03:
        line = None
    email = record_email(p, r, avoid_email)
    if email is None and r.random() < 0.9:  # the webshop needs an e-mail to log in
        email = p.emails[0] if avoid_email != p.emails[0] else p.emails[0].replace("@", ".shop@", 1)
    return [key, _full_name(first, last, r), email, record_phone(p, r), line,
            postcode_text(addr, r, True), city_text(city, r), _COUNTRY[addr.country](r),
            ts(created), ts(updated), p.pid, False, created]


def pos_row(p: Person, key: str | None, crm: str | None, r: random.Random) -> list:
    created, updated = record_times(r)
    first, last = person_names(p, r)
    if r.random() < 0.03:
        first, last = last, first
    first = typed_in(r, 0.005, ref.PLACEHOLDER_FIRST_NAMES) or first
    addr = pick_address(p, created, updated, r)
    year = str(date.fromordinal(p.birth_ord).year) if r.random() < 0.85 else None
    shop_phone = typed_in(r, 0.02, ref.SHOP_PHONES)
    phone = format_phone(shop_phone, r) if shop_phone else record_phone(p, r)
    return [key, first, last, year, phone, postcode_text(addr, r, False), crm,
            ts(created), ts(updated), p.pid, False, created]


_CRM_COLS = LANDING_TABLES[("crm", "customers")]
_WEB_COLS = LANDING_TABLES[("webshop", "accounts")]
_POS_COLS = LANDING_TABLES[("pos", "loyalty_members")]

# --- orders ----------------------------------------------------------------------------------------

_PRICE = {sku: cents for sku, _, _, cents in ref.PRODUCTS}
_SKUS = [sku for sku, *_ in ref.PRODUCTS]
# a fixed "shelf popularity" order, the same for every seed
_BY_POPULARITY = list(_SKUS)
random.Random("customer360/catalog-popularity").shuffle(_BY_POPULARITY)
_POPULAR = Sampler(_BY_POPULARITY, zipf(len(_SKUS), 0.6))
_BUNDLE = Sampler([skus for _, _, skus in ref.BUNDLES], [w for _, w, _ in ref.BUNDLES])
_QTY = Sampler(["1", "2", "3", "4", "5"], [55, 20, 11, 8, 6])
_EXTRA = Sampler([0, 1, 2], [50, 35, 15])
_LINE_NO = [str(i) for i in range(1, 7)]


def order_skus(r: random.Random) -> list[str]:
    skus: list[str] = []
    if r.random() < 0.6:  # a "project": most of one bundle
        bundle = _BUNDLE(r)
        for s in bundle:
            if r.random() < 0.7:
                skus.append(s)
        if not skus:
            skus.append(bundle[int(r.random() * len(bundle))])
        extra = _EXTRA(r)
    else:
        extra = 1 + int(r.random() * 4)
    for _ in range(extra):
        s = _POPULAR(r)
        if s not in skus:
            skus.append(s)
    return skus[:6]


def _price(cents: int, r: random.Random) -> str:
    if r.random() < 0.2:
        cents = round(cents * (1 - (0.05, 0.1, 0.15, 0.2)[int(r.random() * 4)]))
    return f"{cents // 100}.{cents % 100:02d}"


# --- web events ------------------------------------------------------------------------------------

def _anon_id(r: random.Random) -> str:
    return f"{r.getrandbits(64):016x}"


def session_events(r: random.Random, t: int, anon: str, account: str | None, mode: int,
                   out: list) -> None:
    """mode 0: logs in during the session, 1: logged in throughout, 2: never logs in."""
    kinds: list[tuple[str, str | None]] = [("page_view", None)] * (1 + int(r.random() * 3))
    viewed = []
    for _ in range(int(r.random() * 4)):
        s = _POPULAR(r)
        viewed.append(s)
        kinds.append(("product_view", s))
        if r.random() < 0.3:
            kinds.append(("page_view", None))
    if viewed and r.random() < 0.35:
        kinds.append(("add_to_cart", viewed[int(r.random() * len(viewed))]))
        if r.random() < 0.5:
            kinds.append(("checkout", None))
    n = len(kinds)
    login_at = 0 if mode == 1 else (n if mode == 2 or account is None else 1 + int(r.random() * max(1, n - 1)))
    for j, (kind, sku) in enumerate(kinds):
        t += 5 + int(r.random() * 240)
        if t >= SPAN:
            t = SPAN - 1
        out.append([t, account if j >= login_at else None, anon, kind, sku])


def browse(r: random.Random, t: int, anon: str, account: str, viewed: list[str], cart: str | None,
           checkout: bool, out: list) -> None:
    """A logged-in session (logging in on the first or a later page) that views ``viewed``, puts
    ``cart`` in the basket and maybe checks out."""
    kinds: list[tuple[str, str | None]] = [("page_view", None)]
    for sku in viewed:
        kinds.append(("product_view", sku))
    if cart:
        if cart not in viewed:
            kinds.append(("product_view", cart))
        kinds.append(("add_to_cart", cart))
        if checkout:
            kinds.append(("checkout", None))
    login_at = 0 if r.random() < 0.5 else 1
    for j, (kind, sku) in enumerate(kinds):
        t += 5 + int(r.random() * 240)
        if t >= SPAN:
            t = SPAN - 1
        out.append([t, account if j >= login_at else None, anon, kind, sku])


def browsing_times(r: random.Random, b: Behaviour, signed_up: int) -> list[int]:
    """Sessions between purchases: about one for every two purchases while active, a few a
    year after leaving (people keep looking without buying)."""
    times = []
    left = b.dropped_out_at if b.dropped_out_at is not None else SPAN
    for start, end, rate in ((signed_up, left, 0.4 * b.purchase_rate), (max(signed_up, left), SPAN, 0.2)):
        if end <= start or rate <= 0:
            continue
        t = float(start)
        while len(times) < 40:
            t += r.expovariate(rate / (365.25 * DAY))
            if t >= end - 7200:
                break
            times.append(int(t))
    return times


# --- consent ---------------------------------------------------------------------------------------

_N_CONSENT = Sampler([0, 1, 2, 3], [50, 30, 14, 6])
CHANNELS = ("email", "sms", "post")


def consent_events(source: str, key: str, created: int, r: random.Random, out: list) -> None:
    for channel in CHANNELS:
        n = _N_CONSENT(r)
        if not n:
            continue
        span = SPAN - created
        times = sorted([created + int(r.random() * span) for _ in range(n)])
        status = "opt_in" if r.random() < 0.75 else "opt_out"
        for t in times:
            out.append([source, key, channel, status, t])
            if r.random() < 0.8:
                status = "opt_out" if status == "opt_in" else "opt_in"


BEHAVIOUR_SCHEMA = pa.schema([
    ("person_id", pa.string()), ("purchase_rate_per_year", pa.float64()),
    ("dropout_probability", pa.float64()), ("spend_level", pa.float64()), ("price_level", pa.int8()),
    ("favourite_categories", pa.string()), ("active_from", pa.string()), ("dropped_out_at", pa.string()),
    ("true_purchase_probability_30d", pa.float64()),
])

# --- the chunk -------------------------------------------------------------------------------------

def _table(rows: list, cols: list[str]) -> pa.Table:
    if rows:
        columns = list(zip(*rows))
    else:
        columns = [() for _ in cols]
    return pa.table({c: pa.array(list(columns[i]), type=pa.string()) for i, c in enumerate(cols)})


def _n_broken(n_rows: int, kinds: int) -> int:
    return max(kinds, round(0.003 * n_rows)) if n_rows else 0


def build_chunk(seed: int, people: int, chunk: int, country: str = "BE") -> dict[str, pa.Table]:
    """The tables of chunk ``chunk``: its landing rows and, under "_ground_truth", who is who."""
    # millions of small lists and no reference cycles: the cyclic GC only costs time here
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_chunk(seed, people, chunk, country)
    finally:
        if enabled:
            gc.enable()


def _build_chunk(seed: int, people: int, chunk: int, country: str) -> dict[str, pa.Table]:
    persons = build_people(seed, chunk, people, country)
    r = random.Random(f"customer360/{seed}/{chunk}/records")
    crm_rows: list[list] = []
    web_rows: list[list] = []
    pos_rows: list[list] = []
    n_crm = n_web = n_pos = 0
    crm_base, web_base, pos_base = chunk * CRM_STRIDE, chunk * WEB_STRIDE, chunk * POS_STRIDE
    by_person: list[tuple[Person, list[tuple[str, list]]]] = []

    for p in persons:
        records: list[tuple[str, list]] = []
        crm_keys: list[str] = []
        age = p.age
        if r.random() < 0.65:
            for _ in range(2 if r.random() < 0.04 else 1):
                key = crm_key(crm_base + n_crm, seed)
                n_crm += 1
                row = crm_row(p, key, r)
                crm_rows.append(row)
                crm_keys.append(key)
                records.append(("crm", row))
        if r.random() < 0.47 + (0.15 if age < 45 else (-0.12 if age > 70 else 0.0)):
            first_email = None
            for k in range(2 if r.random() < 0.08 else 1):
                key = web_key(web_base + n_web, seed)
                n_web += 1
                row = web_row(p, key, r, first_email)
                first_email = row[2]
                web_rows.append(row)
                records.append(("webshop", row))
        if r.random() < 0.45:
            for _ in range(2 if r.random() < 0.06 else 1):
                key = pos_key(pos_base + n_pos, seed)
                n_pos += 1
                link = crm_keys[0] if crm_keys and r.random() < 0.30 else None
                row = pos_row(p, key, link, r)
                pos_rows.append(row)
                records.append(("pos", row))
        if records:
            by_person.append((p, records))

    # --- activity: orders, web events, consent ---------------------------------------------------
    a = random.Random(f"customer360/{seed}/{chunk}/activity")
    orders: list[list] = []
    lines: list[list] = []
    n_order = 0
    order_base = chunk * ORDER_STRIDE

    def add_order(channel: str, customer: str, t: int, behaviour: Behaviour | None = None) -> list[str]:
        nonlocal n_order
        oid = order_key(order_base + n_order, seed)
        n_order += 1
        orders.append([oid, channel, customer, ts(t)])
        skus = behaviour.order_skus(a) if behaviour else order_skus(a)
        for ln, sku in enumerate(skus):
            quantity = behaviour.quantity(_QTY(a)) if behaviour else _QTY(a)
            lines.append([oid, _LINE_NO[ln], sku, quantity, _price(_PRICE[sku], a)])
        return skus

    events: list[list] = []
    consents: list[list] = []
    behaviours: list[list] = []
    n_accounts = 0
    for p, records in by_person:
        shops = [(source, row) for source, row in records if source != "crm"]
        accounts = [row for source, row in shops if source == "webshop"]
        n_accounts += len(accounts)
        if shops:
            b = Behaviour(a, max(ORDER_START, min(row[-1] for _, row in shops)))
            # a device belongs to one account (a shared computer would link two people)
            devices = {acc[0]: [_anon_id(a) for _ in range(1 if a.random() < 0.7 else 2)] for acc in accounts}
            for t in b.purchase_times(a, SPAN - 60):
                open_records = [(s, row) for s, row in shops if row[-1] <= t]  # t > active_from: never empty
                source, row = open_records[int(a.random() * len(open_records))]
                channel = "webshop" if source == "webshop" else "pos"
                skus = add_order(channel, row[0], t, b)
                # browsing runs ahead of buying: the products about to be bought, among others
                signed_up = [acc for acc in accounts if acc[-1] <= t]
                if signed_up and a.random() < 0.5:
                    viewed = [s for s in skus if a.random() < 0.6] + [b.taste_product(a) for _ in range(a.randrange(2))]
                    cart = skus[int(a.random() * len(skus))] if a.random() < 0.5 else None
                    start = max(signed_up[0][-1], t - int(a.random() * 5 * DAY) - 600)
                    own = devices[signed_up[0][0]]
                    browse(a, start, own[int(a.random() * len(own))], signed_up[0][0], viewed, cart,
                           channel == "webshop" and a.random() < 0.6, events)
            for account in accounts:
                for t in browsing_times(a, b, account[-1]):
                    viewed = [b.taste_product(a) if a.random() < 0.8 else _POPULAR(a)
                              for _ in range(int(a.random() * 4))]
                    cart = viewed[0] if viewed and a.random() < 0.15 else None
                    own = devices[account[0]]
                    browse(a, t, own[int(a.random() * len(own))], account[0], viewed, cart, False, events)
            behaviours.append([
                p.pid, b.purchase_rate, b.dropout_probability, b.spend_level, b.price_level,
                ",".join(b.categories), ts(b.active_from),
                ts(b.dropped_out_at) if b.dropped_out_at is not None else None,
                purchase_probability(b.purchase_rate, b.active_from, b.dropped_out_at, SPAN, 30),
            ])
        for source, row in records:
            consent_events(source, row[0], row[-1], a, consents)
        # a later opt-out on one record after an older opt-in on another
        if len(records) >= 2 and a.random() < 0.3:
            (s1, r1), (s2, r2) = a.sample(records, 2)
            channel = CHANNELS[a.randrange(3)]
            t1 = a.randrange(r1[-1], SPAN - 86400)
            t2 = a.randrange(max(t1, r2[-1]) + 1, SPAN)
            consents.append([s1, r1[0], channel, "opt_in", t1])
            consents.append([s2, r2[0], channel, "opt_out", t2])

    # guests and unknown loyalty cards: ~1% of orders match no customer record
    for _ in range(round(len(orders) * 0.0101)):
        if a.random() < 0.6:
            add_order("webshop", f"WA{90_000_000 + a.randrange(10_000_000)}", a.randrange(ORDER_START, SPAN))
        else:
            add_order("pos", f"29{a.randrange(10 ** 11):011d}", a.randrange(ORDER_START, SPAN))
    # anonymous-only visitors
    for _ in range(int(n_accounts * 0.3)):
        anon = _anon_id(a)
        for _ in range(1 + (a.random() < 0.3)):
            session_events(a, a.randrange(SPAN - 7200), anon, None, 2, events)

    events.sort(key=lambda e: e[0])
    event_base = chunk * EVENT_STRIDE
    web_events = [[f"EV{event_base + i:011d}", ts(e[0]), e[1], e[2], e[3], e[4]]
                  for i, e in enumerate(events)]
    consent_rows = [[s, k, c, st, ts(t)] for s, k, c, st, t in consents]
    if n_order >= ORDER_STRIDE or len(events) >= EVENT_STRIDE:
        raise RuntimeError("chunk too large for its key range")

    # --- deliberately broken rows --------------------------------------------------------------------
    c = random.Random(f"customer360/{seed}/{chunk}/corrupt")

    def other_person() -> Person:
        return persons[c.randrange(len(persons))]

    def break_customers(rows: list, kinds: list[str], render, ts_col: int) -> None:
        nonlocal n_crm
        originals = len(rows)
        if not originals:
            return
        for i in range(_n_broken(originals, len(kinds))):
            kind = kinds[i % len(kinds)]
            if kind == "missing_pk":
                row = render(other_person(), None)
            elif kind == "duplicate_pk":
                # an older copy of an existing key with someone else's data: the landing contract
                # keeps the newest copy, the original record, which the ground truth describes
                original = rows[c.randrange(originals)]
                row = render(other_person(), original[0])
                row[ts_col - 1] = row[ts_col] = ts(max(0, original[-1] - 86400))
            elif kind == "bad_timestamp":
                row = rows[c.randrange(originals)]
                row[ts_col] = BAD_TIMESTAMPS[c.randrange(len(BAD_TIMESTAMPS))]
                row[-2] = True
                continue
            else:  # no identifying field at all: key and timestamps only
                p = other_person()
                key = crm_key(crm_base + n_crm, seed)
                n_crm += 1
                created, updated = record_times(c)
                row = [key] + [None] * 11 + [ts(created), ts(updated), p.pid, False, created]
            row[-2] = True
            rows.append(row)

    break_customers(crm_rows, ["missing_pk", "duplicate_pk", "bad_timestamp", "no_identity"],
                    lambda p, k: crm_row(p, k, c), 13)
    break_customers(web_rows, ["missing_pk", "duplicate_pk", "bad_timestamp"],
                    lambda p, k: web_row(p, k, c), 9)
    break_customers(pos_rows, ["missing_pk", "duplicate_pk", "bad_timestamp"],
                    lambda p, k: pos_row(p, k, None, c), 8)
    if max(n_crm, n_web, n_pos) >= CRM_STRIDE:
        raise RuntimeError("chunk too large for its key range")

    n = len(orders)
    for i in range(_n_broken(n, 3)):
        kind = i % 3
        src = orders[c.randrange(n)]
        if kind == 0:
            orders.append([None, src[1], src[2], src[3]])
        elif kind == 1:
            donor = orders[c.randrange(n)]
            orders.append([src[0], donor[1], donor[2], ts(c.randrange(ORDER_START, SPAN))])
        else:
            src[3] = BAD_TIMESTAMPS[c.randrange(len(BAD_TIMESTAMPS))]
    n = len(lines)
    for i in range(_n_broken(n, 2)):
        row = lines[c.randrange(n)]
        if i % 2 == 0:
            row[3] = ("two", "een", "1,5", "")[c.randrange(4)]
        else:
            row[4] = ("abc", "12,99€", "N/A")[c.randrange(3)]
    n = len(web_events)
    for i in range(_n_broken(n, 4)):
        kind = i % 4
        src = web_events[c.randrange(n)]
        if kind == 0:
            web_events.append([None] + src[1:])
        elif kind == 1:
            donor = web_events[c.randrange(n)]
            web_events.append([src[0]] + donor[1:])
        elif kind == 2:
            src[1] = BAD_TIMESTAMPS[c.randrange(len(BAD_TIMESTAMPS))]
        else:
            src[4] = "hover"
    n = len(consent_rows)
    for i in range(_n_broken(n, 2)):
        row = consent_rows[c.randrange(n)]
        if i % 2 == 0:
            row[3] = "maybe"
        else:
            row[4] = BAD_TIMESTAMPS[c.randrange(len(BAD_TIMESTAMPS))]

    # exports are not ordered by person
    for rows in (crm_rows, web_rows, pos_rows, orders):
        c.shuffle(rows)

    truth = ([("crm", row[0], row[-3], row[-2]) for row in crm_rows]
             + [("webshop", row[0], row[-3], row[-2]) for row in web_rows]
             + [("pos", row[0], row[-3], row[-2]) for row in pos_rows])
    tables = {
        "crm/customers": _table([row[:-3] for row in crm_rows], _CRM_COLS),
        "webshop/accounts": _table([row[:-3] for row in web_rows], _WEB_COLS),
        "pos/loyalty_members": _table([row[:-3] for row in pos_rows], _POS_COLS),
        "sales/orders": _table(orders, LANDING_TABLES[("sales", "orders")]),
        "sales/order_lines": _table(lines, LANDING_TABLES[("sales", "order_lines")]),
        "web/events": _table(web_events, LANDING_TABLES[("web", "events")]),
        "consent/events": _table(consent_rows, LANDING_TABLES[("consent", "events")]),
    }
    # who shares an address by design: a household its own, everybody the placeholders
    shared = sorted({(e.lower(), p.pid, p.household) for p in persons for e in p.shared_emails})
    tables["_shared_emails"] = pa.table({
        "email": pa.array([e for e, _, _ in shared] + ref.PLACEHOLDER_EMAILS, pa.string()),
        "person_id": pa.array([p for _, p, _ in shared] + [None] * len(ref.PLACEHOLDER_EMAILS), pa.string()),
        "household": pa.array([h for _, _, h in shared] + ["placeholder"] * len(ref.PLACEHOLDER_EMAILS), pa.string()),
    })
    tables["_behaviour"] = pa.table(
        {name: pa.array([row[i] for row in behaviours], type=kind)
         for i, (name, kind) in enumerate(zip(BEHAVIOUR_SCHEMA.names, BEHAVIOUR_SCHEMA.types))},
        schema=BEHAVIOUR_SCHEMA)
    tables["_ground_truth"] = pa.table({
        "source": pa.array([t[0] for t in truth], type=pa.string()),
        "source_record_key": pa.array([t[1] for t in truth], type=pa.string()),
        "person_id": pa.array([t[2] for t in truth], type=pa.string()),
        "is_corrupted": pa.array([t[3] for t in truth], type=pa.bool_()),
    })
    return tables


def catalog_table() -> pa.Table:
    rows = [[sku, name, category, f"{cents // 100}.{cents % 100:02d}"]
            for sku, name, category, cents in ref.PRODUCTS]
    return _table(rows, LANDING_TABLES[("catalog", "products")])
