"""Run history: a row per run, its status, what it did per stage and why it failed."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

import duckdb
from jitjic.warehouse.db import scalar

__all__ = [
    "utc_now",
    "new_run_id",
    "start_run",
    "record_stage",
    "finish_run",
    "fail_run",
    "set_report_status",
    "runs_missing_a_report",
    "abandon_running",
    "set_as_of",
    "run_as_of",
    "failed_stage",
    "fail_flow_run",
    "latest_run_id",
    "run_exists",
    "record_stock_used",
    "stock_status",
    "set_mail_status",
]


def utc_now() -> datetime:
    """Naive UTC timestamp, as stored in every table."""
    return datetime.now(UTC).replace(tzinfo=None)


def new_run_id(now: datetime | None = None) -> str:
    """Sortable, readable run id such as ``20261123T093000-5f2a``."""

    now = now or utc_now()
    return f"{now:%Y%m%dT%H%M%S}-{secrets.token_hex(2)}"


def abandon_running(con: duckdb.DuckDBPyConnection, found_by: str) -> None:
    """Close out runs still marked running: their process ended before they finished (a new run
    can only start once the working database is free, so none of them is still going)."""
    con.execute(
        "update runs set status = 'abandoned', ended_at = ?, "
        "error = coalesce(error, 'process ended before the run finished; found by run ' || ?) "
        "where status = 'running'",
        [utc_now(), found_by],
    )


def start_run(con: duckdb.DuckDBPyConnection, run_id: str, flow_run_id: str | None, parameters: dict[str, Any]) -> None:
    con.execute(
        "insert into runs (run_id, flow_run_id, started_at, status, parameters) values (?, ?, ?, 'running', ?)",
        [run_id, flow_run_id, utc_now(), json.dumps(parameters, default=str)],
    )


def record_stage(
    con: duckdb.DuckDBPyConnection, run_id: str, stage: str, started_at: datetime, seconds: float, rows: int | None
) -> None:
    con.execute("insert or replace into run_stages values (?, ?, ?, ?, ?)", [run_id, stage, started_at, seconds, rows])


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    as_of: Any,
    counts: dict[str, Any],
    ended_at: datetime | None = None,
    *,
    database: str = "main",
) -> None:
    """Mark the run completed: from now on the analyst views show its results; its report is
    ``pending`` until written. ``database``: ``main`` (the working database) or
    ``publish_target`` (the analysts' file being built)."""
    sql = {"main": "update runs", "publish_target": "update publish_target.main.runs"}[database]
    con.execute(
        sql + " set status = 'completed', report_status = 'pending', ended_at = ?, as_of = ?, counts = ? "
        "where run_id = ?",
        [ended_at or utc_now(), as_of, json.dumps(counts, default=str), run_id],
    )


def fail_run(con: duckdb.DuckDBPyConnection, run_id: str, stage: str | None, error: str) -> None:
    """Mark a running run failed; its partial results stay invisible to the views."""
    con.execute(
        "update runs set status = 'failed', ended_at = ?, failed_stage = ?, error = ? "
        "where run_id = ? and status = 'running'",
        [utc_now(), stage, error[:4000], run_id],
    )


def set_report_status(con: duckdb.DuckDBPyConnection, run_id: str, status: str) -> None:
    """Record whether the run's report folder is ``written`` or ``failed``."""
    con.execute("update runs set report_status = ? where run_id = ?", [status, run_id])


def runs_missing_a_report(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Completed runs whose report folder was never finished (killed or failed while writing it),
    oldest first."""
    return [
        r
        for (r,) in con.execute(
            "select run_id from runs where status = 'completed' and report_status in ('pending', 'failed') "
            "order by started_at"
        ).fetchall()
    ]


def set_as_of(con: duckdb.DuckDBPyConnection, run_id: str, as_of: Any) -> None:
    """The run's business date: the last day of demand it saw."""
    con.execute("update runs set as_of = ? where run_id = ?", [as_of, run_id])


def run_as_of(con: duckdb.DuckDBPyConnection, run_id: str) -> Any:
    """The run's business date (None before its demand stage)."""
    return scalar(con, "select as_of from runs where run_id = ?", [run_id])


def failed_stage(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    """The stage a failed run stopped in (None: not failed, or outside a stage)."""
    return scalar(con, "select failed_stage from runs where run_id = ?", [run_id])


def fail_flow_run(con: duckdb.DuckDBPyConnection, flow_run_id: str, error: str) -> None:
    """Mark failed the running run of one Prefect flow run (a failure outside any stage)."""
    con.execute(
        "update runs set status = 'failed', ended_at = ?, error = coalesce(error, ?) "
        "where flow_run_id = ? and status = 'running'",
        [utc_now(), error[:4000], flow_run_id],
    )


def latest_run_id(con: duckdb.DuckDBPyConnection, *, completed: bool = True) -> str | None:
    """The newest completed run (``completed=False``: the newest run of any status but an
    unload record), or None."""
    sql = (
        "select run_id from latest_run"
        if completed
        else "select run_id from runs where status <> 'unload' order by started_at desc limit 1"
    )
    return scalar(con, sql)


def run_exists(con: duckdb.DuckDBPyConnection, run_id: str) -> bool:
    return bool(con.execute("select 1 from runs where run_id = ?", [run_id]).fetchall())


def record_stock_used(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Record on the run which stock counts its proposal used (each SKU's latest): the newest
    load among them and its snapshot date. A later run that finds no newer load proposes from
    the same stock, and says so."""
    con.execute(
        """
        update runs set
            stock_load_id = (select max(load_id) from (
                select load_id from stock_snapshots
                qualify row_number() over (partition by sku order by snapshot_date desc) = 1)),
            stock_date = (select max(snapshot_date) from stock_snapshots)
        where run_id = ?
        """,
        [run_id],
    )


def stock_status(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """The stock a run proposed from beside the previous completed run's: ``as_of``,
    ``stock_load_id``, ``stock_date`` (None without counts), ``previous_run_id``,
    ``previous_as_of``, ``previous_stock_load_id``, ``previous_stock_date``, and
    ``same_stock`` (True when both used counts and this run's are no newer)."""
    row = con.execute(
        """
        with this as (
            select * from runs where run_id = $run_id
        ),
        previous as (
            select r.* from runs as r, this as t
            where r.status = 'completed' and r.run_id <> t.run_id
              and r.ended_at < coalesce(t.ended_at, t.started_at)
              -- a list whose mail failed or was held back was never proposed to anyone
              and coalesce(r.mail_status, 'sent') in ('sent', 'disabled')
            order by r.ended_at desc limit 1
        )
        select t.as_of, t.stock_load_id, t.stock_date, p.run_id, p.as_of, p.stock_load_id, p.stock_date
        from this as t left join previous as p on true
        """,
        {"run_id": run_id},
    ).fetchall()
    keys = (
        "as_of",
        "stock_load_id",
        "stock_date",
        "previous_run_id",
        "previous_as_of",
        "previous_stock_load_id",
        "previous_stock_date",
    )
    out = dict(zip(keys, row[0] if row else (None,) * len(keys), strict=True))
    now, before = out["stock_load_id"], out["previous_stock_load_id"]
    out["same_stock"] = now is not None and before is not None and now <= before
    return out


def set_mail_status(con: duckdb.DuckDBPyConnection, run_id: str, status: str) -> None:
    """Record whether the run's report mail was ``sent``, ``withheld``, ``failed`` or ``disabled``:
    a later run on the same stock compares with the last list that reached the buyers."""
    con.execute("update runs set mail_status = ? where run_id = ?", [status, run_id])
