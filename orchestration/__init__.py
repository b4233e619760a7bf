"""Dagster code location for customer360 (`dagster dev -m orchestration`)."""

from orchestration.definitions import defs

__all__ = ["defs"]
