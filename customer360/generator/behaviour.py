"""Purchase behaviour with known parameters, so that predictions can be scored against the truth.

Every buying person follows a BG/NBD-style process (Fader, Hardie & Lee 2005) from the day their
first shop record exists:

- while active they buy at their own rate ``purchase_rate`` (orders a year), modulated by a season
  (DIY peaks in late spring: ``seasonality``);
- after each purchase they leave for good with their own ``dropout_probability``;
- each order's size follows their own ``spend_level`` (independent of the rate, as Gamma-Gamma
  assumes), and what they buy follows their *taste*: two or three favourite categories and a price
  level, which carry over from order to order and show in what they browse;
- they browse the webshop in the days before a purchase (the products they are about to buy among
  others of their taste) and now and then in between.

The ground truth ``<ground_truth>/behaviour/day_001.parquet`` holds each person's parameters, when
they left (if they did) and the true probability of buying in the 30 days after the export, so
the best possible AUC (an oracle that knows the parameters) is known: ``purchase_probability``
computes it for any day.
"""

from __future__ import annotations

import math
import random

from customer360.generator import reference as ref
from customer360.generator.population import WINDOW_START, Sampler, zipf

DAY = 86400
#: the season's amplitude: the rate is (1 + A * sin(...)) times the person's mean rate
SEASON_AMPLITUDE = 0.35
_SEASON_PEAK_DOY = 172  # late June: painting, garden and tiling season
_WINDOW_START_DOY = WINDOW_START.timetuple().tm_yday
_YEAR = 365.25

CATEGORIES = sorted({category for _, _, category, _ in ref.PRODUCTS})
_BY_CATEGORY = {c: [p for p in ref.PRODUCTS if p[2] == c] for c in CATEGORIES}
_CATEGORY_WEIGHT = Sampler(CATEGORIES, [len(_BY_CATEGORY[c]) for c in CATEGORIES])
_BUNDLE_CATEGORIES = [
    (skus, weight, {p[2] for p in ref.PRODUCTS if p[0] in skus}) for _, weight, skus in ref.BUNDLES
]


def seasonality(t: float) -> float:
    """The rate multiplier at ``t`` (seconds since WINDOW_START)."""
    day_of_year = _WINDOW_START_DOY + t / DAY
    return 1 + SEASON_AMPLITUDE * math.cos(2 * math.pi * (day_of_year - _SEASON_PEAK_DOY) / _YEAR)


def expected_purchases(rate: float, start: float, end: float) -> float:
    """The integral of the seasonal rate (orders a year) from ``start`` to ``end`` (seconds), for a
    person who stays active: the expected number of purchases in that window."""
    if end <= start:
        return 0.0
    omega = 2 * math.pi / _YEAR

    def phase(t: float) -> float:
        return omega * (_WINDOW_START_DOY + t / DAY - _SEASON_PEAK_DOY)

    days = (end - start) / DAY
    seasonal = SEASON_AMPLITUDE / omega * (math.sin(phase(end)) - math.sin(phase(start)))
    return rate / _YEAR * (days + seasonal)


def purchase_probability(rate: float, active_from: float, dropped_out_at: float | None,
                         as_of: float, horizon_days: float) -> float:
    """The true probability that a person buys in (as_of, as_of + horizon], knowing the parameters
    and whether they are still active at ``as_of``: what an oracle would predict."""
    if dropped_out_at is not None and dropped_out_at <= as_of:
        return 0.0
    mean = expected_purchases(rate, max(as_of, active_from), as_of + horizon_days * DAY)
    return 1 - math.exp(-mean)


class Behaviour:
    """One person's purchase process and taste."""

    __slots__ = ("purchase_rate", "dropout_probability", "spend_level", "price_level", "categories",
                 "category_sampler", "active_from", "dropped_out_at", "product_samplers")

    def __init__(self, r: random.Random, active_from: int) -> None:
        professional = r.random() < 0.05
        self.purchase_rate = r.gammavariate(0.9, 4.2) * (4 if professional else 1)
        self.dropout_probability = r.betavariate(1.0, 3.5)
        self.spend_level = r.gammavariate(6.0, 1 / 6.0) * (1.8 if professional else 1)
        self.price_level = r.choice((-1, 0, 0, 1))  # budget, mid (twice as common), premium
        favourites: list[str] = []
        while len(favourites) < (2 if r.random() < 0.6 else 3):
            category = _CATEGORY_WEIGHT(r)
            if category not in favourites:
                favourites.append(category)
        self.categories = favourites
        self.category_sampler = Sampler(favourites, [0.6, 0.3, 0.1][: len(favourites)])
        self.active_from = active_from
        self.dropped_out_at: int | None = None
        self.product_samplers = {c: _product_sampler(c, self.price_level) for c in favourites}

    def purchase_times(self, r: random.Random, end: int) -> list[int]:
        """Purchases from ``active_from`` to ``end`` by thinning a Poisson process at the peak
        rate; after each one the person leaves with ``dropout_probability``."""
        peak = self.purchase_rate * (1 + SEASON_AMPLITUDE) / (_YEAR * DAY)
        times: list[int] = []
        t = float(self.active_from)
        while peak > 0:
            t += r.expovariate(peak)
            if t >= end:
                break
            if r.random() * (1 + SEASON_AMPLITUDE) > seasonality(t):
                continue
            times.append(int(t))
            if r.random() < self.dropout_probability:
                self.dropped_out_at = int(t)
                break
        return times

    def taste_product(self, r: random.Random) -> str:
        return self.product_samplers[self.category_sampler(r)](r)

    def order_skus(self, r: random.Random) -> list[str]:
        """Most orders are a project (most of one bundle, more likely one of the person's
        categories) plus products of their taste; some reach outside it."""
        skus: list[str] = []
        if r.random() < 0.6:
            weights = [w * (4 if cats & set(self.categories) else 1) for _, w, cats in _BUNDLE_CATEGORIES]
            bundle = r.choices(_BUNDLE_CATEGORIES, weights)[0][0]
            skus = [s for s in bundle if r.random() < 0.7] or [bundle[int(r.random() * len(bundle))]]
            extra = r.choice((0, 0, 1, 1, 2))
        else:
            extra = 1 + int(r.random() * 4)
        for _ in range(extra):
            sku = self.taste_product(r) if r.random() < 0.8 else _ANY_PRODUCT(r)
            if sku not in skus:
                skus.append(sku)
        return skus[:6]

    def quantity(self, base: str) -> str:
        """An order line's quantity: the shop's usual one (``base``) scaled by the spend level."""
        return str(max(1, min(20, round(int(base) * self.spend_level))))


_ANY_PRODUCT = Sampler([p[0] for p in ref.PRODUCTS], zipf(len(ref.PRODUCTS), 0.6))


def _product_sampler(category: str, price_level: int) -> Sampler:
    """Within a category: the first products are the popular ones; a budget buyer leans to the
    cheap end, a premium buyer to the dear end."""
    products = _BY_CATEGORY[category]
    prices = sorted(p[3] for p in products)
    weights = []
    for rank, (_, _, _, cents) in enumerate(products):
        position = prices.index(cents) / max(1, len(prices) - 1)  # 0 cheapest .. 1 dearest
        lean = 1 + 1.5 * price_level * (position - 0.5)
        weights.append(max(0.1, lean) / (rank + 1) ** 0.5)
    return Sampler([p[0] for p in products], weights)
