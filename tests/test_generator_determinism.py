"""The demo-data generator is a pure function of its arguments: the same files, byte for byte,
whatever Python's hash seed (PYTHONHASHSEED), and whether or not a day was generated before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from customer360 import PROJECT_DIR
from customer360.generator import CHUNK_SIZE, generate
from customer360.generator.delta import generate_day

# (name, people, workers, seed, delta days): a single chunk generated in-process, and two chunks
# (the second one small) so the spawn worker pool really splits the work
RUNS = [("small", 300, 1, 11, (2, 3)), ("pool", CHUNK_SIZE + 100, 2, 12, (2,))]

_DRIVER = """
import sys
from customer360.generator import generate
from customer360.generator.delta import generate_day

if __name__ == "__main__":
    print(hash("customer360"))
    out = sys.argv[1]
    for run in sys.argv[2:]:
        name, people, workers, seed, days = run.split(":")
        landing = f"{out}/{name}/landing"
        generate(people=int(people), seed=int(seed), landing_dir=landing, workers=int(workers))
        for day in days.split(","):
            generate_day(int(day), landing)
"""


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files_whatever_the_python_hash_seed(tmp_path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")]))
    args = [f"{name}:{people}:{workers}:{seed}:{','.join(map(str, days))}"
            for name, people, workers, seed, days in RUNS]
    procs = {}
    for hash_seed in ("1", "2"):
        procs[hash_seed] = subprocess.Popen(
            [sys.executable, "-c", _DRIVER, str(tmp_path / hash_seed), *args],
            env={**env, "PYTHONHASHSEED": hash_seed}, cwd=tmp_path,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    hashes = {}
    for hash_seed, proc in procs.items():
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
        hashes[hash_seed] = out.split()[0]
    assert hashes["1"] != hashes["2"], "the two runs must really use different hash seeds"

    a, b = _files(tmp_path / "1"), _files(tmp_path / "2")
    for name, _, _, _, days in RUNS:  # every landed table of every day, the ground truth, the manifest
        for day in (1, *days):
            for table in ("sales/orders", "sales/order_lines", "web/events", "consent/events"):
                assert f"{name}/landing/{table}/day_{day:03d}.parquet" in a
            assert f"{name}/ground_truth/day_{day:03d}.parquet" in a
        assert f"{name}/ground_truth/manifest.json" in a
    assert sorted(a) == sorted(b)
    differ = [path for path in a if a[path] != b[path]]
    assert not differ, f"files that depend on PYTHONHASHSEED: {differ}"


def test_running_a_day_again_writes_the_same_files(tmp_path):
    """A delta reads what landed before its day, never its own or a later day's files."""
    landing = tmp_path / "landing"
    generate(people=300, seed=5, landing_dir=landing, workers=1)
    generate_day(2, landing, fraction=0.05)
    generate_day(3, landing, fraction=0.05)
    first = _files(tmp_path)
    generate_day(3, landing, fraction=0.05)  # the last day again
    assert _files(tmp_path) == first
    generate_day(2, landing, fraction=0.05)  # an earlier day again, with day 3 landed
    assert _files(tmp_path) == first
