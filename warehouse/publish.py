"""Publish the analysts' database: a fresh file built beside the live one, then swapped in.

The pipeline's working database stays private. Analysts open the published file read-only;
a reader that is open during a publish keeps reading the complete previous version (the
old file stays alive until it closes), and the next connection sees the complete new one —
never a mix. A failed publish leaves the live file as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import duckdb
from jitjic.warehouse.db import describe_objects, read_sql, scalar
from jitjic.warehouse.results import RESULT_TABLES

__all__ = ["PUBLISHED_TABLES", "publish_analysts_db"]

# every table an analyst may query; results are kept for the last ``keep_runs`` completed runs
PUBLISHED_TABLES = (
    "runs",
    "run_stages",
    "load_log",
    "load_rule_counts",
    "rejects",
    "order_lines",
    "items",
    "stock_snapshots",
    "demand",
    "forecasts",
    "forecast_lead_time",
    "forecast_accuracy",
    "forecast_coverage",
    "sku_classes",
    "recommendations",
    "simulation_results",
    "exchange_curves",
    "policy_choice",
    "forecast_summary",
    "run_exceptions",
    "forecast_backtests",
)
_PER_RUN = {*RESULT_TABLES, "demand", "run_stages"}
_VIEWS = ("staging/stg_order_lines.sql", "views/analyst_views.sql")


def publish_analysts_db(
    con: duckdb.DuckDBPyConnection,
    target: str | Path,
    keep_runs: int = 30,
    completing: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    storage_version: str = "v1.0.0",
) -> int:
    """Copy the working database behind ``con`` into ``target`` atomically; returns runs kept.

    Only completed runs' results are copied (the last ``keep_runs`` of them); the run history
    keeps every run. The new file is written as ``<target>.<pid>.tmp`` and renamed over
    ``target`` with os.replace. ``completing(con)`` marks the run being published completed in
    the copy (``warehouse.finish_run(..., database="publish_target")``); the working database
    marks it only after the swap, so a process killed in between leaves a run that the next start
    records as abandoned, never one called completed but not published. ``storage_version``: the
    file format ("v1.0.0": readable by every DuckDB from 1.0 on, as analysts' tools often are).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # one publisher at a time (the deployment's concurrency limit): any copy left half-built by
    # a killed publish is garbage
    for stale in [*target.parent.glob(f"{target.name}.*.tmp"), *target.parent.glob(f"{target.name}.*.tmp.wal")]:
        stale.unlink(missing_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    work = scalar(con, "select current_database()")
    con.execute("attach ? as publish_target (storage_version ?)", [str(tmp), storage_version])
    try:
        con.execute(f'create table publish_target.main.runs as select * from "{work}".main.runs')  # noqa: S608
        if completing is not None:
            completing(con)
        kept = [
            r
            for (r,) in con.execute(
                "select run_id from publish_target.main.runs where status = 'completed' order by ended_at desc limit ?",
                [keep_runs],
            ).fetchall()
        ]
        con.execute("create temp table publish_runs as select unnest(?::varchar[]) as run_id", [kept])
        for table in (t for t in PUBLISHED_TABLES if t != "runs"):
            source = f'"{work}".main.{table}'  # names from the fixed list above, never from data
            where = " where run_id in (select run_id from publish_runs)" if table in _PER_RUN else ""
            con.execute(f"create table publish_target.main.{table} as select * from {source}{where}")  # noqa: S608
        con.execute("drop table publish_runs")
        con.execute("use publish_target")
        for name in _VIEWS:
            con.execute(read_sql(name))
        describe_objects(con)
        con.execute(f'use "{work}"')
        con.execute("detach publish_target")
    except BaseException:
        con.execute(f'use "{work}"')
        con.execute("detach database if exists publish_target")
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return len(kept)
