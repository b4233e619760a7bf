"""SQL style is enforced, not hoped for: sqlfluff with the dbt templater over every model and test."""

import os
import subprocess
import sys

from customer360 import PROJECT_DIR


def test_sqlfluff_lint_is_clean(tmp_path):
    env = {
        **os.environ,
        "CUSTOMER360_DUCKDB_PATH": str(tmp_path / "lint.duckdb"),
        "CUSTOMER360_LANDING_DIR": str(tmp_path / "landing"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "sqlfluff", "lint", "models", "tests/dbt", "--disable-progress-bar", "--nocolor"],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
    )
    violations = [line for line in result.stdout.splitlines() if line.startswith(("==", "L:"))]
    assert result.returncode == 0, "\n".join(violations) or result.stderr[-3000:]
