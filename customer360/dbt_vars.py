"""Checks the ``--vars`` given to dbt against the vars dbt_project.yml declares, before dbt runs.

dbt accepts any key in ``--vars`` and any value: a misspelled var is silently ignored (the model
reads the default) and a value of the wrong type fails deep in a model, or not at all. Here every
key must be a var declared in dbt_project.yml (``vars:``, read when called, so a var added there
is known at once) and its value must have the type of the declared default:

- a null default accepts anything;
- an integer default an integer; a number default an integer or a number;
- a boolean default true or false;
- a date default (or a string default that reads as a date) a date or a date-like string;
- a string default a string; a list default a list; a mapping default a mapping.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from pathlib import Path
from typing import Any

import yaml

from customer360 import PROJECT_DIR


class VarsError(ValueError):
    """A ``--vars`` value dbt should not run with; the message is one line."""


def declared_vars(project_dir: str | os.PathLike = PROJECT_DIR) -> dict[str, Any]:
    """The vars dbt_project.yml declares, with their defaults (as dbt's YAML loader reads them).
    Vars scoped to this project (``vars: {<project name>: {...}}``) count too."""
    project = yaml.safe_load((Path(project_dir) / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    declared = dict(project.get("vars") or {})
    scoped = declared.get(project.get("name"))
    if isinstance(scoped, dict):
        del declared[project["name"]]
        declared.update(scoped)
    return declared


def parse_vars(text: str) -> dict[str, Any]:
    """The dictionary of one ``--vars`` argument, read as dbt reads it (YAML, so JSON too)."""
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" at column {mark.column + 1}" if mark is not None and mark.line == 0 else ""
        raise VarsError(f"--vars is not valid YAML ({problem}{where}): write it as '{{name: value, ...}}'") from None
    if not isinstance(values, dict):
        got = "nothing" if values is None else _show(values)
        raise VarsError(f"--vars must be a YAML dictionary such as '{{name: value}}', got {got}")
    return values


def vars_arguments(dbt_args: list[str]) -> list[str]:
    """The values of every ``--vars`` option in dbt's arguments (``--vars X`` or ``--vars=X``)."""
    found = []
    for i, arg in enumerate(dbt_args):
        if arg == "--vars":
            if i + 1 >= len(dbt_args):
                raise VarsError("--vars needs a value, e.g. --vars '{name: value}'")
            found.append(dbt_args[i + 1])
        elif arg.startswith("--vars="):
            found.append(arg[len("--vars="):])
    return found


def check_dbt_args(dbt_args: list[str], project_dir: str | os.PathLike = PROJECT_DIR) -> dict[str, Any]:
    """Checks every ``--vars`` in ``dbt_args``; returns the vars given (the last wins, as in dbt).
    Raises VarsError naming the first bad var."""
    texts = vars_arguments(dbt_args)
    if not texts:
        return {}
    declared = declared_vars(project_dir)
    given: dict[str, Any] = {}
    for text in texts:
        values = parse_vars(text)
        check_vars(values, declared)
        given = values
    return given


def check_vars(values: dict[str, Any], declared: dict[str, Any]) -> None:
    for name, value in values.items():
        if name not in declared:
            raise VarsError(f"var {_quote(name)} is not declared in dbt_project.yml{_suggestion(name, declared)}")
        problem = type_problem(value, declared[name])
        if problem:
            what, hint = problem
            raise VarsError(f"var {_quote(name)} must be {what}, got {_show(value)}{hint}")


def _suggestion(name: Any, declared: dict[str, Any]) -> str:
    close = difflib.get_close_matches(str(name), [str(n) for n in declared], n=1, cutoff=0.6)
    return f" (did you mean {_quote(close[0])}?)" if close else ""


def type_problem(value: Any, default: Any) -> tuple[str, str] | None:
    """None if ``value`` may replace ``default``; else what it must be ("an integer
    (dbt_project.yml default 10)") and a hint to append to the message (or "")."""
    if default is None:
        return None
    shown = f" (dbt_project.yml default {_show(default)})"
    if isinstance(default, bool):
        return None if isinstance(value, bool) else (f"true or false{shown}", "")
    if isinstance(default, int):
        return None if _is_int(value) else (f"an integer{shown}", "")
    if isinstance(default, float):
        if _is_int(value) or isinstance(value, float):
            return None
        hint = ""
        if isinstance(value, str) and _reads_as_float(value):
            hint = ": YAML reads an exponent without a decimal point as text, write e.g. 1.0e-3"
        return f"a number{shown}", hint
    if _is_date_like(default):
        return None if _is_date_like(value) else (f"a date such as 2024-01-31{shown}", "")
    if isinstance(default, str):
        if isinstance(value, str):
            return None
        return f"a string{shown}", (": quote it" if isinstance(value, (bool, int, float, dt.date)) else "")
    if isinstance(default, list):
        return None if isinstance(value, list) else ("a list, like its dbt_project.yml default", "")
    if isinstance(default, dict):
        return None if isinstance(value, dict) else ("a mapping, like its dbt_project.yml default", "")
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _reads_as_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_date_like(value: Any) -> bool:
    if isinstance(value, dt.date):  # a datetime is a date too
        return True
    if not isinstance(value, str) or not value[:1].isdigit():
        return False
    try:
        dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return False
    return True


def _quote(name: Any) -> str:
    return repr(str(name)) if "'" not in str(name) else f'"{name}"'


def _show(value: Any, limit: int = 60) -> str:
    """A value as YAML would write it, short: 10, 0.97, true, null, 'BE', 2024-01-31, [crm, pos]."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 3] + "..."
        return repr(text)
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    if len(text) <= limit and "\n" not in text:
        return text
    return f"a {type(value).__name__} of {len(value)}" if isinstance(value, (list, dict)) else type(value).__name__
