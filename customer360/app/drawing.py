"""SVG made on the server: the map of Belgium (canton shapes and municipality points, no tiles)
and the match-weight waterfall of a pair."""

from __future__ import annotations

import json
import math
from functools import cache
from html import escape
from pathlib import Path

SHAPES = Path(__file__).resolve().parent / "data" / "belgian_cantons.json"
#: ColorBrewer YlGnBu, 7 classes: light = low penetration, dark = high
PALETTE = ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"]
OUTSIDE = "#eeeeee"
WEST, NORTH, EAST, SOUTH = 2.50, 51.55, 6.45, 49.45
SCALE = 318.0  # pixels per degree of latitude
ASPECT = math.cos(math.radians(50.5))  # a degree of longitude is shorter there


def project(longitude: float, latitude: float) -> tuple[float, float]:
    return ((longitude - WEST) * ASPECT * SCALE, (NORTH - latitude) * SCALE)


WIDTH, HEIGHT = (round(v) for v in project(EAST, SOUTH))


@cache
def cantons() -> dict[str, dict]:
    """The cantons with their SVG path, read once."""
    shapes = json.loads(SHAPES.read_text(encoding="utf-8"))["cantons"]
    for canton in shapes.values():
        canton["path"] = " ".join(
            "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*point) for point in ring)) + "Z"
            for ring in canton["rings"]
        )
    return shapes


def shapes_source() -> str:
    return json.loads(SHAPES.read_text(encoding="utf-8"))["source"]


def breaks(values: list[float], classes: int = len(PALETTE)) -> list[float]:
    """Class breaks: areas without active customers get the first class of their own; the others
    are split into quantiles (lower bounds of each class after the first two)."""
    positive = sorted(v for v in values if v is not None and v > 0)
    if not positive:
        return []
    quantiles = [positive[(len(positive) * k) // (classes - 1)] for k in range(1, classes - 1)]
    return sorted(set(quantiles) - {positive[0]})


def colour(value: float | None, class_breaks: list[float]) -> str:
    """The fill for a penetration: grey outside, the lightest for none, then by class."""
    if value is None:
        return OUTSIDE
    if value <= 0:
        return PALETTE[0]
    return PALETTE[1 + sum(1 for lower in class_breaks if value >= lower)]


def percent(value: float | None, digits: int = 3) -> str:
    """A share as a percentage with ``digits`` significant digits: penetration of a small demo
    is a few hundredths of a percent, of a real customer base several percent."""
    if value is None:
        return ""
    return "0%" if value == 0 else f"{100 * value:.{digits}g}%"


def map_svg(canton_rows: list[dict], municipality_rows: list[dict], class_breaks: list[float]) -> str:
    """Cantons filled by penetration (outside the filter: grey) and municipalities as points
    sized by population and coloured by theirs."""
    parts = [
        f'<svg id="penetration-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-label="Penetration by judicial canton and municipality" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row in canton_rows:
        fill = colour(row["penetration"], class_breaks) if row["in_view"] else OUTSIDE
        title = f'{row["name"]}: {percent(row["penetration"])} ({row["active_customers"]:,} of {row["population"]:,})'
        parts.append(
            f'<path class="canton{"" if row["in_view"] else " outside"}" data-canton="{escape(row["canton_id"])}" '
            f'd="{row["path"]}" fill="{fill}"><title>{escape(title)}</title></path>'
        )
    for row in sorted(municipality_rows, key=lambda r: -(r["population"] or 0)):
        if row["latitude"] is None or row["longitude"] is None:
            continue
        x, y = project(row["longitude"], row["latitude"])
        radius = 1.2 + math.sqrt(max(row["population"] or 0, 0)) / 60
        title = f'{row["area_name"]}: {percent(row["penetration"])} ({row["active_customers"]:,} of {row["population"]:,})'
        parts.append(
            f'<circle class="municipality" data-code="{escape(row["area_code"])}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{radius:.1f}" fill="{colour(row["penetration"], class_breaks)}"><title>{escape(title)}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


def legend(class_breaks: list[float]) -> list[tuple[str, str]]:
    """(colour, label) per class."""
    labels = [(PALETTE[0], "none")]
    bounds = [None, *class_breaks, None]
    for index in range(len(class_breaks) + 1):
        low, high = bounds[index], bounds[index + 1]
        if low is None and high is None:
            label = "above 0%"
        elif low is None:
            label = f"under {percent(high)}"
        elif high is None:
            label = f"{percent(low)} and more"
        else:
            label = f"{percent(low)} - {percent(high)}"
        labels.append((PALETTE[index + 1], label))
    return labels


def waterfall_svg(weights: list[tuple[str, float]], total: float) -> str:
    """How the match weight builds up: the prior, then each comparison's weight (green for, red
    against), then the total. Weights are log2 Bayes factors."""
    prior = total - sum(w for _, w in weights)
    steps = [("prior (share of matches)", prior), *weights]
    running, spans = 0.0, []
    for label, weight in steps:
        spans.append((label, running, running + weight, weight))
        running += weight
    spans.append(("match weight", 0.0, total, total))
    low = min(0.0, *(min(a, b) for _, a, b, _ in spans))
    high = max(0.0, *(max(a, b) for _, a, b, _ in spans))
    width, label_width, row = 640, 190, 26
    plot = width - label_width - 60
    scale = plot / ((high - low) or 1.0)

    def x(value: float) -> float:
        return label_width + (value - low) * scale

    height = row * len(spans) + 24
    parts = [
        f'<svg class="waterfall" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'role="img" aria-label="Match weight per comparison">',
        f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{height - 20}" stroke="#888" stroke-dasharray="3,3"/>',
    ]
    for index, (label, start, end, weight) in enumerate(spans):
        y = index * row + 4
        is_total = index == len(spans) - 1
        fill = "#555" if is_total else ("#2e7d32" if weight >= 0 else "#c62828")
        left, right = sorted((x(start), x(end)))
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(
            f'<rect class="step" x="{left:.1f}" y="{y}" width="{max(right - left, 1.5):.1f}" height="{row - 8}" fill="{fill}">'
            f"<title>{escape(label)}: {weight:+.2f}</title></rect>"
        )
        parts.append(f'<text x="{right + 6:.1f}" y="{y + 15}">{weight:+.2f}</text>')
    parts.append(f'<text x="{x(0):.1f}" y="{height - 4}" text-anchor="middle" class="axis">0</text>')
    parts.append("</svg>")
    return "".join(parts)
