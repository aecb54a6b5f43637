"""Take one load back: its rows, its rejects and its log, with the rows it replaced put back, in
one transaction and recorded in the run history, so that no file loaded by mistake is permanent."""

from __future__ import annotations

import json

import duckdb
from jitjic.warehouse.db import scalar, transaction
from jitjic.warehouse.runs import new_run_id, utc_now

__all__ = ["UnloadError", "unload"]

# (table, rows it holds of a load, the table its replaced rows wait in)
_TABLES = {
    "orders": ("order_lines", "replaced_order_lines"),
    "items": ("items", "replaced_items"),
    "stock": ("stock_snapshots", "replaced_stock"),
}


class UnloadError(ValueError):
    """The load cannot be taken back (unknown, or later loads build on it); the message says why."""


def _later_loads(con: duckdb.DuckDBPyConnection, load_id: int, replaced: str) -> list[int]:
    """Loads that replaced rows of ``load_id`` or counted its lines as theirs ("already loaded"):
    taking it back first would lose or revive rows under them."""
    return [
        r
        for (r,) in con.execute(
            f"select replaced_by from {replaced} where load_id = $id "  # noqa: S608 (names from _TABLES)
            "union select load_id from load_overlaps where earlier_load_id = $id order by 1",
            {"id": load_id},
        ).fetchall()
    ]


def unload(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[str, int | str]:
    """Remove load ``load_id``: its rows, rejects, rule counts and log row; rows it replaced come
    back. Returns what was removed (and restored); the run history gets a row with status
    ``unload``. UnloadError when there is no such load, or when later loads replaced its rows or
    counted its lines as already loaded (they must be taken back first, newest first)."""
    found = con.execute("select kind, file_path, file_sha256 from load_log where load_id = ?", [load_id]).fetchall()
    if not found:
        raise UnloadError(f"no load {load_id} in the load log (see the load_report view)")
    kind, file_path, sha = found[0]
    table, replaced = _TABLES[kind]
    later = _later_loads(con, load_id, replaced)
    if later:
        raise UnloadError(
            f"loads {', '.join(map(str, later))} came later and replaced or repeated rows of load "
            f"{load_id}: unload them first (newest first), then this one"
        )
    with transaction(con):
        counts = {
            "kind": kind,
            "file": file_path,
            "load_id": load_id,
            "rows_removed": scalar(con, f"select count(*) from {table} where load_id = ?", [load_id]),  # noqa: S608
            "rows_restored": scalar(con, f"select count(*) from {replaced} where replaced_by = ?", [load_id]),  # noqa: S608
            "rejects_removed": scalar(con, "select count(*) from rejects where load_id = ?", [load_id]),
        }
        con.execute(f"delete from {table} where load_id = ?", [load_id])  # noqa: S608
        con.execute(
            f"insert into {table} by name select * exclude (replaced_by) from {replaced} "  # noqa: S608
            "where replaced_by = ?",
            [load_id],
        )
        con.execute(f"delete from {replaced} where replaced_by = $id or load_id = $id", {"id": load_id})  # noqa: S608
        for log in ("rejects", "load_rule_counts", "load_overlaps", "load_log"):
            con.execute(f"delete from {log} where load_id = ?", [load_id])  # noqa: S608 (fixed names)
        now = utc_now()
        con.execute(
            "insert into runs (run_id, started_at, ended_at, status, parameters, counts) "
            "values (?, ?, ?, 'unload', ?, ?)",
            [
                new_run_id(now),
                now,
                now,
                json.dumps({"unload": load_id, "kind": kind, "file": file_path, "file_sha256": sha}),
                json.dumps(counts),
            ],
        )
    return counts
