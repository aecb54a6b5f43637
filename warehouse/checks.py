"""Data checks beside the SQL: each file in ``sql/checks`` returns the rows of one run that break
one rule, and none when the rule holds. The nightly flow runs them before it publishes."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb
import pandas as pd
from jitjic.warehouse.db import run_sql_file

__all__ = ["CHECKS", "CEILINGS", "CheckFailure", "check_rows", "failed_checks"]

# every file in sql/checks, by name: a new rule is a new file. Results only: the order lines'
# keys are kept unique by the load itself (tested with kills and reruns); checking them here
# would cost 2-14 s and 1.3-3 GB at 15.7 M lines every night
CHECKS = tuple(
    sorted(
        f.name.removesuffix(".sql")
        for f in resources.files("jitjic.sql").joinpath("checks").iterdir()
        if f.name.endswith(".sql")
    )
)
# what recommendations_ceilings.sql binds, from [limits]
CEILINGS = ("max_order_units", "max_order_value", "max_unit_cost", "max_lead_time_days")


@dataclass(frozen=True)
class CheckFailure:
    """A broken rule: the check's name, how many rows break it and the first of them."""

    check: str
    rows: int
    example: dict[str, Any]

    def __str__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self.example.items())
        return f"{self.check}: {self.rows} row(s), e.g. {shown}"


def check_rows(con: duckdb.DuckDBPyConnection, run_id: str, **ceilings: float) -> dict[str, pd.DataFrame]:
    """Every check run on ``run_id``'s rows: check name -> the rows that break it (empty: it holds),
    in ``CHECKS`` order. ``ceilings``: the CEILINGS (units, currency, days); one not given does
    not bound."""
    bounds = {name: float("inf") for name in CEILINGS} | ceilings
    return {name: run_sql_file(con, f"checks/{name}.sql", run_id=run_id, **bounds).df() for name in CHECKS}


def failed_checks(con: duckdb.DuckDBPyConnection, run_id: str, **ceilings: float) -> list[CheckFailure]:
    """The checks ``run_id``'s rows break, in ``CHECKS`` order (empty: all hold)."""
    return [
        CheckFailure(name, len(rows), rows.iloc[0].to_dict())
        for name, rows in check_rows(con, run_id, **ceilings).items()
        if len(rows)
    ]
