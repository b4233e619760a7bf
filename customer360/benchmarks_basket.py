"""Basket-rules benchmark: the SQL of mart_basket_rules against mlxtend, on the same orders.

`python -m customer360.benchmarks_basket --order-lines 1000000` generates synthetic orders with
planted product affinities (numpy, not the customer generator: only baskets matter here), writes
them as order lines (order_id, line_number, sku, category, quantity, unit_price) and computes the
pairwise association rules twice:

- ours: the macro basket_rules_ctes, rendered once by `dbt compile --inline` (so it is exactly
  the SQL mart_basket_rules runs), executed by DuckDB on the order lines;
- reference: mlxtend `fpgrowth` (max_len=2) + `association_rules`, on a one-hot order x item
  matrix built with numpy, at product and at category level.

Both sides read the same Parquet file, each in its own process, so its wall time and peak memory
(ru_maxrss from wait4) are its own. The rule sets must be equal and support, confidence and lift
agree within 1e-9. `--ours-only` skips the reference (for sizes it cannot handle, e.g. 10M lines).
Machines are shared and noisy: read the ratio, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from customer360 import PROJECT_DIR
from customer360.benchmarks import run_measured

# Thresholds of the benchmark: low enough to keep hundreds of rules, the same on both sides.
MIN_SUPPORT = 0.001
MIN_CONFIDENCE = 0.01
TOLERANCE = 1e-9

# A DIY store's range: the reference's cost grows with the catalogue (its one-hot matrix is orders x
# products), ours with the pairs actually bought. At 1,000,000 lines mlxtend takes ~50 s here with
# 5,000 products and ~9 s with 400: a toy catalogue would flatter the reference.
N_PRODUCTS = 5000
PRODUCTS_PER_CATEGORY = 20
N_BUNDLES = 40
BUNDLE_SIZE = 4
UNKNOWN_SKU_SHARE = 0.005  # lines of a sku missing from the catalogue: no category




@dataclass
class Comparison:
    ours_rules: int
    reference_rules: int
    common_rules: int
    only_ours: list
    only_reference: list
    max_support_diff: float
    max_confidence_diff: float
    max_lift_diff: float

    @property
    def equal(self) -> bool:
        return (
            not self.only_ours
            and not self.only_reference
            and max(self.max_support_diff, self.max_confidence_diff, self.max_lift_diff) <= TOLERANCE
        )


# --- data ------------------------------------------------------------------------------------------

def write_order_lines(path: Path, order_lines: int, seed: int) -> int:
    """Writes `order_lines` synthetic order lines to a Parquet file; returns the number of orders.

    Orders have 1-6 lines. Half are "projects": each of their lines comes from one planted bundle
    of 4 products with probability 0.75, else from the Zipf-like shelf popularity, like every line
    of the other orders. The same sku can appear on two lines of an order (counted once)."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 7, size=order_lines // 3 + 10)
    ends = np.cumsum(sizes)
    n_orders = int(np.searchsorted(ends, order_lines) + 1)
    sizes = sizes[:n_orders]
    sizes[-1] -= int(ends[n_orders - 1] - order_lines)
    order_index = np.repeat(np.arange(n_orders, dtype=np.int64), sizes)
    line_number = np.arange(order_lines) - np.repeat(np.cumsum(sizes) - sizes, sizes) + 1

    popularity = 1.0 / np.arange(1, N_PRODUCTS + 1) ** 0.8
    popularity /= popularity.sum()
    shelf = rng.permutation(N_PRODUCTS)  # popularity is not the sku order
    bundles = np.array([rng.choice(N_PRODUCTS, BUNDLE_SIZE, replace=False) for _ in range(N_BUNDLES)])
    project = rng.random(n_orders) < 0.5
    bundle_of_order = rng.integers(0, N_BUNDLES, n_orders)

    from_bundle = project[order_index] & (rng.random(order_lines) < 0.75)
    bundle_item = bundles[bundle_of_order[order_index], rng.integers(0, BUNDLE_SIZE, order_lines)]
    popular_item = shelf[rng.choice(N_PRODUCTS, size=order_lines, p=popularity)]
    product = np.where(from_bundle, bundle_item, popular_item)
    unknown = rng.random(order_lines) < UNKNOWN_SKU_SHARE

    lines = pa.table({
        "order_index": order_index,
        "line_number": line_number.astype(np.int32),
        "product": product.astype(np.int32),
        "is_unknown": unknown,
        "quantity": rng.integers(1, 4, order_lines).astype(np.int32),
    })
    connection = duckdb.connect()
    connection.register("lines", lines)
    connection.execute(
        f"""
        copy (
            select
                'O' || lpad(cast(order_index as varchar), 10, '0') as order_id,
                line_number,
                case when is_unknown then 'UNK-' else 'SKU-' end || lpad(cast(product as varchar), 4, '0') as sku,
                case when not is_unknown
                    then 'category ' || lpad(cast(product // {PRODUCTS_PER_CATEGORY} as varchar), 3, '0')
                end as category,
                quantity,
                cast(1 + product % 50 as decimal(12, 2)) as unit_price
            from lines
        ) to '{path}' (format parquet)
        """
    )
    connection.close()
    return n_orders


# --- ours: the mart's SQL --------------------------------------------------------------------------

def render_basket_sql(order_lines_relation: str, min_support: float, min_confidence: float,
                      min_orders_with_both: int = 1) -> str:
    """The query of mart_basket_rules over `order_lines_relation`, rendered by dbt from the same
    macro the model calls (basket_rules_ctes), so the benchmark cannot drift from the mart."""
    from dbt.cli.main import dbtRunner

    from customer360.cli import release_warehouse

    inline = (
        f"with order_lines as (select order_id, sku, category from {order_lines_relation}), "
        f"{{{{ basket_rules_ctes('order_lines', min_support={min_support!r}, "
        f"min_confidence={min_confidence!r}, min_orders_with_both={int(min_orders_with_both)}) }}}} "
        "select * from final"
    )
    work = Path(tempfile.mkdtemp(prefix="customer360-basket-compile-"))
    saved = os.environ.get("CUSTOMER360_DUCKDB_PATH")
    os.environ["CUSTOMER360_DUCKDB_PATH"] = str(work / "compile.duckdb")  # never the user's warehouse
    try:
        result = dbtRunner().invoke([
            "--log-level", "none", "compile", "--inline", inline,
            "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
        ])
        if not result.success:
            raise RuntimeError(f"dbt could not render basket_rules_ctes: {result.exception}")
        return result.result.results[0].node.compiled_code
    finally:
        release_warehouse()
        if saved is None:
            os.environ.pop("CUSTOMER360_DUCKDB_PATH", None)
        else:
            os.environ["CUSTOMER360_DUCKDB_PATH"] = saved
        shutil.rmtree(work, ignore_errors=True)


def rules_ours(parquet: Path, sql: str):
    """Loads the order lines into DuckDB (as the warehouse holds them) and runs the rule query.
    Returns (rules as an Arrow table, seconds of the query alone)."""
    import duckdb

    connection = duckdb.connect()
    connection.execute(f"create table order_lines as select * from read_parquet('{parquet}')")
    started = time.perf_counter()
    rules = connection.sql(sql).to_arrow_table()
    seconds = time.perf_counter() - started
    connection.close()
    return rules, seconds


# --- reference: mlxtend ----------------------------------------------------------------------------

def rules_reference(parquet: Path, min_support: float, min_confidence: float):
    """mlxtend fpgrowth (pairs: max_len=2) + association_rules at product and category level.
    Returns (a pandas DataFrame level, antecedent, consequent, support, confidence, lift; seconds)."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq
    from mlxtend.frequent_patterns import association_rules, fpgrowth

    lines = pq.read_table(parquet, columns=["order_id", "sku", "category"]).to_pandas()
    started = time.perf_counter()
    order_codes, orders = pd.factorize(lines["order_id"])
    frames = []
    for level, column in [("product", "sku"), ("category", "category")]:
        known = lines[column].notna().to_numpy()
        item_codes, items = pd.factorize(lines.loc[known, column])
        # every order is a transaction, also one without a known category (an all-false row)
        onehot = np.zeros((len(orders), len(items)), dtype=bool)
        onehot[order_codes[known], item_codes] = True
        frequent = fpgrowth(pd.DataFrame(onehot, columns=list(items)), min_support=min_support,
                            use_colnames=True, max_len=2)
        rules = association_rules(frequent, num_itemsets=len(orders), metric="confidence",
                                  min_threshold=min_confidence)
        frames.append(pd.DataFrame({
            "level": level,
            "antecedent": [next(iter(a)) for a in rules["antecedents"]],
            "consequent": [next(iter(c)) for c in rules["consequents"]],
            "support": rules["support"].to_numpy(),
            "confidence": rules["confidence"].to_numpy(),
            "lift": rules["lift"].to_numpy(),
        }))
    seconds = time.perf_counter() - started
    return pd.concat(frames, ignore_index=True), seconds


# --- comparison ------------------------------------------------------------------------------------

def compare(ours, reference) -> Comparison:
    """`ours`: Arrow table of mart_basket_rules columns; `reference`: rules_reference's frame."""
    ours_rows = {
        (r["level"], r["antecedent"], r["consequent"]): r
        for r in ours.select(["level", "antecedent", "consequent", "support", "confidence", "lift"]).to_pylist()
    }
    reference_rows = {
        (r["level"], r["antecedent"], r["consequent"]): r for r in reference.to_dict("records")
    }
    common = ours_rows.keys() & reference_rows.keys()

    def max_diff(measure: str) -> float:
        return max((abs(ours_rows[k][measure] - reference_rows[k][measure]) for k in common), default=0.0)

    return Comparison(
        ours_rules=len(ours_rows),
        reference_rules=len(reference_rows),
        common_rules=len(common),
        only_ours=sorted(ours_rows.keys() - reference_rows.keys()),
        only_reference=sorted(reference_rows.keys() - ours_rows.keys()),
        max_support_diff=max_diff("support"),
        max_confidence_diff=max_diff("confidence"),
        max_lift_diff=max_diff("lift"),
    )


# --- processes -------------------------------------------------------------------------------------
def _side(ns: argparse.Namespace) -> int:
    """One side, in its own process: reads the order lines, writes the rules and its timings."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    seconds = []
    for _ in range(ns.repeat):  # each repeat computes from scratch; the last result is written
        if ns.side == "ours":
            rules, run_seconds = rules_ours(Path(ns.input), Path(ns.sql).read_text())
        else:
            frame, run_seconds = rules_reference(Path(ns.input), ns.min_support, ns.min_confidence)
            rules = pa.Table.from_pandas(frame, preserve_index=False)
        seconds.append(run_seconds)
    pq.write_table(rules, ns.output)
    Path(ns.output + ".json").write_text(json.dumps({"compute_seconds": seconds}))
    return 0


def basket(order_lines: int, seed: int, reference: bool = True, workdir: Path | None = None,
           repeat: int = 3) -> int:
    """Prints the benchmark figures; returns a process exit code (1 when the rule sets differ).

    Each side computes the rules `repeat` times in its process; the ratio compares the medians, so
    one slow run of a shared machine does not decide it."""
    import statistics

    import pyarrow.parquet as pq

    root = Path(workdir or tempfile.mkdtemp(prefix="customer360-basket-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    parquet, sql_file = root / "order_lines.parquet", root / "basket_rules.sql"
    me = [sys.executable, "-m", "customer360.benchmarks_basket"]
    try:
        started = time.perf_counter()
        n_orders = write_order_lines(parquet, order_lines, seed)
        print(f"generated {order_lines:,} order lines in {n_orders:,} orders in "
              f"{time.perf_counter() - started:.1f}s", flush=True)
        sql_file.write_text(render_basket_sql("order_lines", MIN_SUPPORT, MIN_CONFIDENCE))

        ours = run_measured(env=dict(os.environ), command=[*me, "--side", "ours", "--input", str(parquet), "--sql", str(sql_file),
                             "--output", str(root / "ours.parquet"), "--repeat", str(repeat)])
        ours_runs = json.loads((root / "ours.parquet.json").read_text())["compute_seconds"]
        ours_compute = statistics.median(ours_runs)
        ours_rules = pq.read_table(root / "ours.parquet")
        if reference:
            ref = run_measured(env=dict(os.environ), command=[*me, "--side", "reference", "--input", str(parquet),
                                "--min-support", repr(MIN_SUPPORT), "--min-confidence", repr(MIN_CONFIDENCE),
                                "--output", str(root / "reference.parquet"), "--repeat", str(repeat)])
            ref_runs = json.loads((root / "reference.parquet.json").read_text())["compute_seconds"]
            ref_compute = statistics.median(ref_runs)
            comparison = compare(ours_rules, pq.read_table(root / "reference.parquet").to_pandas())
    finally:
        if workdir is None:
            shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"basket rules benchmark: {order_lines:,} order lines, {n_orders:,} orders (seed {seed}), "
          f"min support {MIN_SUPPORT}, min confidence {MIN_CONFIDENCE}, product and category level")
    if not reference:
        print(f"{'ours (DuckDB, mart_basket_rules SQL)':<40}{'':>12}")
        print(f"{'rules':<40}{ours_rules.num_rows:>12,}")
        print(f"{f'wall seconds (process, {repeat} runs)':<40}{ours.seconds:>12.2f}")
        print(f"{'query seconds, first run':<40}{ours_runs[0]:>12.2f}")
        print(f"{'query seconds, median':<40}{ours_compute:>12.2f}")
        print(f"{'peak memory MB':<40}{ours.peak_rss_mb:>12.0f}")
        print("targets at 10,000,000 lines: < 60 s, < 4096 MB")
        return 0
    print(f"{'':<40}{'ours':>12}{'mlxtend':>12}")
    print(f"{'rules':<40}{comparison.ours_rules:>12,}{comparison.reference_rules:>12,}")
    print(f"{f'wall seconds (process, {repeat} runs)':<40}{ours.seconds:>12.2f}{ref.seconds:>12.2f}")
    print(f"{'compute seconds, first run':<40}{ours_runs[0]:>12.2f}{ref_runs[0]:>12.2f}")
    print(f"{'compute seconds, median':<40}{ours_compute:>12.2f}{ref_compute:>12.2f}")
    print(f"{'peak memory MB':<40}{ours.peak_rss_mb:>12.0f}{ref.peak_rss_mb:>12.0f}")
    print(f"time ratio mlxtend / ours: {ref_compute / ours_compute:.1f}x median compute "
          f"(target >= 50x at 1,000,000 lines); first run {ref_runs[0] / ours_runs[0]:.1f}x; "
          f"process wall {ref.seconds / ours.seconds:.1f}x")
    print(f"common rules {comparison.common_rules:,}; only ours {len(comparison.only_ours)}, "
          f"only mlxtend {len(comparison.only_reference)}")
    print(f"max |difference| over common rules: support {comparison.max_support_diff:.2e}, "
          f"confidence {comparison.max_confidence_diff:.2e}, lift {comparison.max_lift_diff:.2e} "
          f"(must be <= {TOLERANCE:g})")
    for key in (comparison.only_ours + comparison.only_reference)[:10]:
        print(f"  differing rule: {key}")
    print("rule sets equal and within tolerance" if comparison.equal else "MISMATCH")
    return 0 if comparison.equal else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m customer360.benchmarks_basket", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--order-lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ours-only", action="store_true", help="skip the mlxtend reference")
    parser.add_argument("--workdir", default=None, help="keep the generated files here")
    parser.add_argument("--repeat", type=int, default=3, help="computations per side (median compared)")
    # internal: one side of the comparison, run in its own process
    parser.add_argument("--side", choices=["ours", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--input", help=argparse.SUPPRESS)
    parser.add_argument("--output", help=argparse.SUPPRESS)
    parser.add_argument("--sql", help=argparse.SUPPRESS)
    parser.add_argument("--min-support", type=float, default=MIN_SUPPORT, help=argparse.SUPPRESS)
    parser.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE, help=argparse.SUPPRESS)
    ns = parser.parse_args(argv)
    if ns.side:
        return _side(ns)
    return basket(ns.order_lines, ns.seed, reference=not ns.ours_only,
                  workdir=Path(ns.workdir) if ns.workdir else None, repeat=ns.repeat)


if __name__ == "__main__":
    sys.exit(main())
