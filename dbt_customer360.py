"""dbt-core plugin hook of customer360 (dbt imports every installed top-level ``dbt_*`` module
that has ``plugins``, on every invocation, before it loads the adapter).

For a session-method spark profile it installs customer360.spark_session, so that a plain
``dbt build --target spark`` runs the project's dbt Python models in dbt's SparkSession (dbt-spark
has no submission method for the session method) and has the project's SQL functions. On any
other profile (DuckDB) it does nothing and imports nothing.
"""

from __future__ import annotations

from dbt.plugins.manager import dbtPlugin


def _profile_credentials():
    import click

    context = click.get_current_context(silent=True)
    profile = (context.obj or {}).get("profile") if context is not None else None
    return getattr(profile, "credentials", None)


class Customer360SparkSession(dbtPlugin):
    def initialize(self) -> None:
        if self.project_name != "customer360":
            return
        credentials = _profile_credentials()
        if getattr(credentials, "type", None) == "spark" and str(getattr(credentials, "method", "")) == "session":
            from customer360.spark_session import install

            install()


plugins = [Customer360SparkSession]
