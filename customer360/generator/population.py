"""The synthetic population: households and the people in them, chunk by chunk.

Chunk ``c`` holds people ``c * CHUNK_SIZE`` .. ``(c + 1) * CHUNK_SIZE - 1`` and is drawn from its own
RNG seeded by (seed, c), so any chunk (and so any person) can be re-derived from (seed, people)
alone, without generating the chunks before it.
"""

from __future__ import annotations

import csv
import math
import random
import unicodedata
from bisect import bisect_right
from datetime import date
from functools import lru_cache

from customer360 import PROJECT_DIR
from customer360.generator import reference as ref

REFERENCE_DATE = date(2026, 11, 1)
WINDOW_START = date(2023, 11, 1)  # three years before the reference date
WINDOW_DAYS = (REFERENCE_DATE - WINDOW_START).days
SPAN = WINDOW_DAYS * 86400  # timestamps are seconds since WINDOW_START, always < SPAN
REF_ORDINAL = REFERENCE_DATE.toordinal()

CHUNK_SIZE = 20_000

# mobile numbers are a bijection of the person index, so no two people share one by accident
_MOBILE_SPACE = len(ref.BE_MOBILE_PREFIXES) * 1_000_000
_MOBILE_MULT = 7_654_321
assert math.gcd(_MOBILE_MULT, _MOBILE_SPACE) == 1


class Sampler:
    """Weighted choice by bisection on cumulative weights (faster than random.choices)."""

    __slots__ = ("items", "cum", "total", "last")

    def __init__(self, items, weights):
        self.items = list(items)
        acc = 0.0
        self.cum = []
        for w in weights:
            acc += w
            self.cum.append(acc)
        self.total = acc
        self.last = len(self.items) - 1

    def __call__(self, r: random.Random):
        i = bisect_right(self.cum, r.random() * self.total)
        return self.items[i if i <= self.last else self.last]


def zipf(n: int, s: float) -> list[float]:
    return [1.0 / (k + 1) ** s for k in range(n)]


@lru_cache(maxsize=None)
def fold(text: str) -> str:
    """Strip accents: 'Hélène' -> 'Helene', 'Çelik' -> 'Celik'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


# --- names ---------------------------------------------------------------------------------------


def _spellings(name: str) -> list[str]:
    """A Flemish name and its other spellings, one alternation each (Claes -> Claas, Claeys)."""
    out = [name]
    for a, b in ref.SURNAME_SPELLINGS_NL:
        if a in name[1:]:
            out.append(name[0] + name[1:].replace(a, b, 1))
    return out


def _glue(particle: str, stem: str) -> str:
    # "Van den " + "Berghe" keeps the capital; "Vanden" + "Berghe" -> "Vandenberghe"
    return particle + (stem if particle.endswith(" ") or not particle else stem.lower())


def _syllable_names(parts: tuple[list[str], ...], count: int, lang: str) -> list[str]:
    """``count`` short names drawn from onset x vowel x coda x ending, the same for every seed."""
    onsets, vowels, codas, endings = parts
    names = [o + v + c + e for o in onsets for v in vowels for c in codas for e in endings]
    random.Random(f"customer360/surname-syllables/{lang}").shuffle(names)
    return names[:count]


@lru_cache(maxsize=None)
def _surname_tail(lang: str) -> list[str]:
    """Thousands of rarer family names, in a fixed order of decreasing frequency."""
    if lang == "nl":
        particles, places = ref.SURNAME_TAIL_NL
        bases = [_glue(p, s) for s in places for p in particles]
        stems, suffixes = ref.SURNAME_TAIL_NL_PATRONYMIC
        bases += [s + x for s in stems for x in suffixes]
        bases += [_glue(p, t) for t in ref.SURNAME_TAIL_NL_TRADES for p in ("De ", "De")]
        names = [n for base in bases for n in _spellings(base)]
        names += _syllable_names(ref.SURNAME_SYLLABLES_NL, ref.SURNAME_SYLLABLE_NAMES_NL, lang)
    else:
        particles, stems, endings = ref.SURNAME_TAIL_FR
        names = [_glue(p, s + e) for s in stems for e in endings for p in particles]
        names += _syllable_names(ref.SURNAME_SYLLABLES_FR, ref.SURNAME_SYLLABLE_NAMES_FR, lang)
    core = set(ref.SURNAMES[lang])
    names = [n for n in dict.fromkeys(names) if n not in core]
    # which rare name is commoner than which: a fixed shuffle, the same for every seed
    random.Random(f"customer360/surname-tail/{lang}").shuffle(names)
    return names


@lru_cache(maxsize=None)
def first_name_sampler(lang: str, gender: str) -> Sampler:
    names = ref.FIRST_NAMES[lang][gender]
    return Sampler(names, zipf(len(names), 0.4 if lang == "xx" else 0.8))


#: Statbel, 1 January 2016: Peeters, the most common family name of the Flemish Region, is borne
#: by 0.44% of its people (28,468 of 6.5M), Dubois by 0.26% of the Walloon Region's (9,450 of
#: 3.6M); the top ten Flemish names together by 2.7%.
MOST_COMMON_SURNAME_SHARE = {"nl": 0.0044, "fr": 0.0026}


def _zipf_for_top_share(n: int, share: float) -> list[float]:
    """Rank-frequency weights k^-s over n names, s chosen so the first name has ``share``."""
    low, high = 0.0, 3.0
    for _ in range(40):
        s = (low + high) / 2
        if 1.0 / sum(zipf(n, s)) > share:
            high = s
        else:
            low = s
    return zipf(n, (low + high) / 2)


@lru_cache(maxsize=None)
def surname_sampler(lang: str) -> Sampler:
    core = ref.SURNAMES[lang]
    if lang in MOST_COMMON_SURNAME_SHARE:
        # the common names in their order, then the long tail, on one rank-frequency curve
        names = core + _surname_tail(lang)
        return Sampler(names, _zipf_for_top_share(len(names), MOST_COMMON_SURNAME_SHARE[lang]))
    return Sampler(core, zipf(len(core), 0.25 if lang == "xx" else 0.7))


# --- geography -----------------------------------------------------------------------------------


class Geo:
    def __init__(self) -> None:
        seeds = PROJECT_DIR / "seeds"
        with open(seeds / "geo_municipalities.csv", newline="", encoding="utf-8") as f:
            rows = sorted(csv.DictReader(f), key=lambda r: r["municipality_code"])
        with open(seeds / "geo_postcodes.csv", newline="", encoding="utf-8") as f:
            pcs = list(csv.DictReader(f))
        by_muni: dict[str, list[str]] = {}
        for row in pcs:
            by_muni.setdefault(row["municipality_code"], []).append(row["postcode"])
        self.munis = [
            (r["municipality_code"], r["municipality_name_nl"], r["municipality_name_fr"],
             r["province_code"], r["region_code"], sorted(by_muni[r["municipality_code"]]))
            for r in rows if r["municipality_code"] in by_muni
        ]
        self.sampler = Sampler(range(len(self.munis)),
                               [max(1, int(r["population"] or 0)) for r in rows
                                if r["municipality_code"] in by_muni])


@lru_cache(maxsize=1)
def geo() -> Geo:
    return Geo()


# --- people --------------------------------------------------------------------------------------


class Address:
    """A postal address. ``street_alt``/``city_alt`` hold the other language's name (Brussels)."""

    __slots__ = ("street", "street_alt", "number", "letter", "box", "postcode", "city", "city_alt",
                 "country", "region", "lang", "province")

    def __init__(self, street, street_alt, number, letter, box, postcode, city, city_alt, country,
                 region, lang, province):
        self.street = street
        self.street_alt = street_alt
        self.number = number
        self.letter = letter
        self.box = box
        self.postcode = postcode
        self.city = city
        self.city_alt = city_alt
        self.country = country
        self.region = region  # VLG / WAL / BRU, or the foreign country code
        self.lang = lang      # language the address is written in: nl / fr / de
        self.province = province


class Person:
    __slots__ = ("index", "pid", "household", "gender", "first", "last", "married", "lang",
                 "birth_ord", "addr", "prev_addr", "move_t", "mobile", "landline", "emails", "age",
                 "shared_emails")

    def __init__(self, index: int):
        self.index = index
        self.pid = f"P{index:08d}"
        self.married = None
        self.prev_addr = None
        self.move_t = None
        self.landline = None
        self.shared_emails = frozenset()  # addresses other people use too (family, partner)

    @property
    def country(self) -> str:
        return self.addr.country


_AGES = list(range(18, 91))
_AGE_SAMPLER = Sampler(_AGES, [1.0 if a <= 62 else max(0.15, 1.0 - (a - 62) * 0.03) for a in _AGES])
_HH_SIZE = Sampler([1, 2, 3, 4, 5], [30, 33, 16, 14, 7])
_FOREIGN = Sampler(list(ref.FOREIGN_SHARE), list(ref.FOREIGN_SHARE.values()))


def _pattern(pattern: str, r: random.Random) -> str:
    out = []
    for ch in pattern:
        if ch == "#":
            out.append(chr(48 + r.randrange(10)))
        elif ch == "@":
            out.append(chr(65 + r.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


def _house_number(r: random.Random) -> tuple[int, str, str | None]:
    x = r.random()
    number = 1 + int(x * x * 180)
    letter = r.choice("ABC") if r.random() < 0.05 else ""
    box = str(r.randint(1, 12)) if r.random() < 0.10 else None
    return number, letter, box


def _be_address(r: random.Random, muni_index: int | None = None, city_lang: str | None = None) -> Address:
    g = geo()
    if muni_index is None:
        muni_index = g.sampler(r)
    code, name_nl, name_fr, province, region, postcodes = g.munis[muni_index]
    postcode = postcodes[r.randrange(len(postcodes))] if len(postcodes) > 1 else postcodes[0]
    number, letter, box = _house_number(r)
    if region == "BRU":
        lang = city_lang or ("fr" if r.random() < 0.8 else "nl")
        fr_name, nl_name = ref.STREETS_BRU[int(r.random() ** 1.3 * len(ref.STREETS_BRU))]
        street, street_alt = (fr_name, nl_name) if lang == "fr" else (nl_name, fr_name)
        city, city_alt = (name_fr, name_nl) if lang == "fr" else (name_nl, name_fr)
        province = "04000"
    elif region == "VLG":
        lang = "nl"
        street, street_alt = ref.STREETS_NL[int(r.random() ** 1.3 * len(ref.STREETS_NL))], None
        city, city_alt = name_nl, None
    else:
        lang = "fr"
        street, street_alt = ref.STREETS_FR[int(r.random() ** 1.3 * len(ref.STREETS_FR))], None
        city, city_alt = name_fr, None
    return Address(street, street_alt, number, letter, box, postcode, city, city_alt, "BE", region,
                   lang, province)


def _foreign_address(r: random.Random, country: str) -> Address:
    city, pattern = r.choice(ref.FOREIGN_PLACES[country])
    number, letter, box = _house_number(r)
    street = r.choice(ref.FOREIGN_STREETS[country])
    return Address(street, None, number, letter, box, _pattern(pattern, r), city, None, country,
                   country, ref.FOREIGN_LANG[country], None)


def _birth_ordinal(r: random.Random, age: int) -> int:
    return REF_ORDINAL - int(age * 365.25) - r.randrange(365)


def _mobile(index: int, seed: int) -> tuple[str, str]:
    v = (index * _MOBILE_MULT + seed * 1_000_003) % _MOBILE_SPACE
    return "32", ref.BE_MOBILE_PREFIXES[v // 1_000_000] + f"{v % 1_000_000:06d}"


def _foreign_mobile(r: random.Random, country: str) -> tuple[str, str]:
    cc, prefixes, n = ref.FOREIGN_PHONE[country]
    return cc, r.choice(prefixes) + "".join(chr(48 + r.randrange(10)) for _ in range(n))


def _landline(r: random.Random, province: str) -> tuple[str, str]:
    area = r.choice(ref.BE_AREA_CODES[province])
    rest = 8 - len(area)
    return "32", area + str(r.randint(2, 8)) + "".join(chr(48 + r.randrange(10)) for _ in range(rest - 1))


def _email_token(name: str) -> str:
    return fold(name).lower().replace(" ", "").replace("'", "").replace("-", "")


def make_email(r: random.Random, first: str, last: str, birth_year: int, region: str,
               common: bool) -> str:
    f, l_ = _email_token(first), _email_token(last)
    x = r.random()
    if x < 0.35:
        local = f"{f}.{l_}"
    elif x < 0.50:
        local = f"{f}{l_}"
    elif x < 0.60:
        local = f"{f[:1]}.{l_}"
    elif x < 0.68:
        local = f"{f[:1]}{l_}"
    elif x < 0.75:
        local = f"{f}_{l_}"
    elif x < 0.82:
        local = f"{l_}.{f}"
    elif x < 0.92:
        local = f"{f}{birth_year % 100:02d}"
    else:
        local = f"{f}.{l_}{birth_year}"
    # common names: a number, as the mailbox without one was taken long ago
    if common or r.random() < 0.25:
        local += str(r.randint(1, 9999) if common else r.randint(1, 99))
    domain = _domain_sampler(region)(r)
    return f"{local}@{domain}"


def make_family_email(r: random.Random, lang: str, last: str, region: str) -> str:
    """A household's shared address: 'familie.peeters@', 'famillelambert12@'."""
    word, l_ = ("familie" if lang == "nl" else "famille"), _email_token(last)
    x = r.random()
    local = f"{word}.{l_}" if x < 0.5 else (f"{word}{l_}" if x < 0.8 else f"{l_}.{word}")
    if r.random() < 0.4:
        local += str(r.randint(1, 99))
    return f"{local}@{_domain_sampler(region)(r)}"


@lru_cache(maxsize=None)
def _domain_sampler(region: str) -> Sampler:
    pairs = ref.EMAIL_DOMAINS[region]
    return Sampler([d for d, _ in pairs], [w for _, w in pairs])


def _name_langs(region: str, r: random.Random) -> str:
    x = r.random()
    if region == "VLG":
        return "nl" if x < 0.93 else ("fr" if x < 0.96 else "xx")
    if region == "WAL":
        return "fr" if x < 0.94 else ("nl" if x < 0.97 else "xx")
    if region == "BRU":
        return "fr" if x < 0.60 else ("nl" if x < 0.78 else "xx")
    return ref.FOREIGN_LANG[region]


def _first(r: random.Random, lang: str, gender: str) -> str:
    flang = lang if lang in ref.FIRST_NAMES else "nl"
    return first_name_sampler(flang, "F" if gender == "F" else ("M" if gender == "M" else r.choice("MF")))(r)


def _surname(r: random.Random, lang: str, country: str, home: str = "BE") -> str:
    """A family name: a neighbouring country's household in Belgium carries one of that country's
    most common names; a population living in another country (`home`) draws from the whole
    pool of its language, as a Belgian one does, or its names would all be namesakes."""
    if country != "BE" and not (home == country and lang in ("nl", "fr")):
        return surname_sampler(country)(r)
    return surname_sampler(lang)(r)


def _gender(r: random.Random) -> str:
    x = r.random()
    return "F" if x < 0.5 else ("M" if x < 0.995 else "X")


#: the countries a whole population can live in (`generate --country`)
COUNTRIES = ["BE", *ref.FOREIGN_PLACES]


def build_people(seed: int, chunk: int, people: int, country: str = "BE") -> list[Person]:
    """All people of one chunk, household by household (a household never spans two chunks).
    ``country`` "BE" (the default): Belgian households with some from the neighbouring
    countries; another of COUNTRIES: every household lives there."""
    home = country
    start = chunk * CHUNK_SIZE
    end = min(people, start + CHUNK_SIZE)
    r = random.Random(f"customer360/{seed}/{chunk}/people")
    out: list[Person] = []
    i = start
    hh_no = 0
    g = geo()
    while i < end:
        size = min(_HH_SIZE(r), end - i)
        hh_id = f"H{chunk:04d}{hh_no:06d}"
        hh_no += 1
        if home != "BE":
            country = home
            addr = _foreign_address(r, country)
        elif r.random() < 0.03:
            country = _FOREIGN(r)
            addr = _foreign_address(r, country)
        else:
            country = "BE"
            addr = _be_address(r)
        region = addr.region
        lang = _name_langs(region, r)
        members: list[Person] = []

        def new_person(gender: str, age: int, last: str, first_lang: str) -> Person:
            nonlocal i
            p = Person(i)
            i += 1
            p.household = hh_id
            p.gender = gender
            p.first = _first(r, first_lang, gender)
            p.last = last
            p.lang = first_lang
            p.age = age
            p.birth_ord = _birth_ordinal(r, age)
            members.append(p)
            return p

        roommates = size >= 2 and r.random() < 0.10
        if size == 1 or roommates:
            for _ in range(size):
                l2 = lang if not roommates else _name_langs(region, r)
                age = _AGE_SAMPLER(r) if not roommates else r.randint(19, 34)
                new_person(_gender(r), age, _surname(r, l2, country, home), l2)
        else:
            n_children = size - 2
            single_parent = size == 2 and r.random() < 0.15
            if single_parent:
                n_children = 1
            age1 = r.randint(42, 72) if n_children else max(20, _AGE_SAMPLER(r))
            g1 = "M" if r.random() < 0.97 else "F"
            p1 = new_person(g1 if not single_parent else _gender(r), age1,
                            _surname(r, lang, country, home), lang)
            p2 = None
            if not single_parent:
                age2 = max(18, min(90, age1 + round(r.gauss(-2, 3))))
                g2 = "F" if g1 == "F" or r.random() < 0.96 else "M"
                lang2 = lang if r.random() < 0.9 else _name_langs(region, r)
                p2 = new_person(g2, age2, _surname(r, lang2, country, home), lang2)
                if p1.gender == "M" and p2.gender == "F" and r.random() < 0.6:
                    x = r.random()
                    if x < 0.4:
                        p2.married = p1.last
                    elif x < 0.75:
                        p2.married = f"{p1.last}-{p2.last}"
            father = p1 if p1.gender == "M" else None
            mother = p2 if p2 is not None and p2.gender == "F" else (p1 if p1.gender == "F" else None)
            youngest_parent = min(age1, p2.age if p2 else age1)
            twin_of = None
            for k in range(n_children):
                x = r.random()
                if father and mother and x < 0.05:
                    last = mother.last
                elif father and mother and x < 0.10:
                    last = f"{father.last}-{mother.last}"
                else:
                    last = p1.last
                if k == 1 and twin_of is not None:
                    child = new_person(_gender(r), twin_of.age, twin_of.last, twin_of.lang)
                    child.birth_ord = twin_of.birth_ord
                    while child.first == twin_of.first:
                        child.first = _first(r, child.lang, child.gender)
                    continue
                age = r.randint(18, max(18, min(32, youngest_parent - 20)))
                child = new_person(_gender(r), age, last, lang)
                if k == 0 and n_children >= 2 and r.random() < 0.10:
                    twin_of = child

        # shared landline, moves, phones and e-mail addresses
        landline = None
        if country == "BE" and r.random() < (0.25 + 0.25 * (size > 1)):
            landline = _landline(r, addr.province)
        moved = r.random() < 0.15
        if moved:
            if country == "BE" and r.random() < 0.6:
                prev = _be_address(r, city_lang=addr.lang if addr.region == "BRU" else None)
            elif country == "BE":
                prev = _be_address(r)
                # same municipality, other street
                prev.postcode, prev.city, prev.city_alt = addr.postcode, addr.city, addr.city_alt
                prev.region, prev.lang, prev.province = addr.region, addr.lang, addr.province
                if addr.region == "VLG":
                    prev.street = ref.STREETS_NL[r.randrange(len(ref.STREETS_NL))]
                    prev.street_alt = None
                elif addr.region == "WAL":
                    prev.street = ref.STREETS_FR[r.randrange(len(ref.STREETS_FR))]
                    prev.street_alt = None
            else:
                prev = _be_address(r) if home == "BE" and r.random() < 0.5 else _foreign_address(r, country)
            move_t = r.randrange(30 * 86400, SPAN - 30 * 86400)
        # shared e-mail addresses, as real CRMs hold them: a family address the adults use, or a
        # couple where one partner gives the other's address as their own
        family_email = None
        shares_partner_email = False
        if size > 1:
            x = r.random()
            if x < 0.12:
                family_email = make_family_email(r, lang, members[0].last,
                                                 region if region in ref.EMAIL_DOMAINS else "VLG")
            elif x < 0.45 and not roommates:
                shares_partner_email = True
        for p in members:
            p.addr = addr
            if moved:
                p.prev_addr = prev
                p.move_t = move_t
            p.landline = landline
            p.mobile = _mobile(p.index, seed) if country == "BE" else _foreign_mobile(r, country)
            n_mail = 1 if (x := r.random()) < 0.5 else (2 if x < 0.85 else 3)
            by = date.fromordinal(p.birth_ord).year
            emails = []
            name_lang = p.lang if p.lang in ref.FIRST_NAMES else "nl"
            common = (first_name_sampler(name_lang, p.gender if p.gender in "MF" else "F").items[:8].count(p.first) > 0
                      and p.last in ref.SURNAMES.get(p.lang, ref.SURNAMES["nl"])[:25])
            for k in range(n_mail):
                first = p.first
                nicks = ref.NICKNAMES.get(first)
                if nicks and r.random() < 0.3:
                    first = r.choice(nicks)
                last = p.married if (p.married and r.random() < 0.3) else p.last
                e = make_email(r, first, last, by, region if region in ref.EMAIL_DOMAINS else "VLG",
                               common)
                if e not in emails:
                    emails.append(e)
            if family_email and p.age >= 25:
                emails.insert(1, family_email)
                p.shared_emails = frozenset([family_email])
            p.emails = emails
        if shares_partner_email and len(members) >= 2:
            # the second adult's main address is the first adult's
            owner, partner = members[0], members[1]
            partner.emails.insert(0, owner.emails[0])
            owner.shared_emails = partner.shared_emails = frozenset([owner.emails[0]])
        out.extend(members)
    return out
