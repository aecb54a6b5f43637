"""Load one file into the warehouse exactly once, in one transaction, with a load log."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd
from jitjic.ingest import (
    ColumnMapping,
    IngestError,
    LineRules,
    apply_line_rules,
    check_file,
    judge_grain,
    parse_items,
    parse_stock,
    read_table,
    refusal,
)
from jitjic.ingest.mapping import REQUIRED
from jitjic.ingest.rules import repeats_are_sales
from jitjic.warehouse.db import run_sql_file, scalar, transaction
from jitjic.warehouse.runs import utc_now

__all__ = ["KINDS", "LoadResult", "file_digest", "insert_staged_lines", "load_file", "order_lines_grain"]

KINDS = ("orders", "items", "stock")


@dataclass
class LoadResult:
    """What one file contributed: rows read, loaded, rejected (by rule), already present."""

    kind: str
    file: str
    status: str  # loaded | already_loaded
    load_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_already_loaded: int = 0
    rejected_by_rule: dict[str, int] = field(default_factory=dict)
    rows_replaced: int = 0  # earlier lines removed because this file corrected their order and SKU
    # loaded rows read in a way worth saying, by note (zero_moq: an MOQ of 0 read as none)
    notes: dict[str, int] = field(default_factory=dict)
    # order lines: "period" when they are period totals of ``period`` (one line per SKU and
    # period, dated on its first day: a zero is a period without demand), "line" for dated sales
    grain: str | None = None
    period: str | None = None
    zero_lines: int = 0  # loaded lines of quantity 0 (periods without demand)
    # dated sales that are totals of a coarser period than demand.period (a hint to set it)
    coarser: str | None = None

    def summary(self) -> str:
        if self.status == "already_loaded":
            return f"{self.kind} {self.file}: same file loaded before (load {self.load_id}), nothing added"
        rules = ", ".join(f"{k}={v:,}" for k, v in sorted(self.rejected_by_rule.items())) or "none"
        notes = ", ".join(f"{k}={v:,}" for k, v in sorted(self.notes.items()))
        return (
            f"{self.kind} {self.file}: read {self.rows_read:,}, loaded {self.rows_loaded:,}, "
            f"already loaded {self.rows_already_loaded:,}, replaced {self.rows_replaced:,}, "
            f"rejected {self.rows_rejected:,} ({rules})"
            + (f"; notes: {notes} (0 read as none: the default applies)" if notes else "")
            + (
                f"; the lines are {self.period} totals (one per SKU and {self.period}, dated on its first day): "
                f"{self.zero_lines:,} zeros kept as {self.period}s without demand"
                if self.grain == "period"
                else ""
            )
            + (
                f"; hint: the lines look like {self.coarser} totals (one per SKU and {self.coarser}, dated on its "
                f'first day): set demand.period = "{self.coarser}" to read them so (not as {self.period or "dated"} '
                f"demand with a zero or a gap between them)"
                if self.coarser
                else ""
            )
        )


# zero lines a load added (some of a file's lines may have been loaded already by another)
_ZEROS_OF_LOAD = "select count(*) from order_lines where load_id = ? and quantity = 0"


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 hex digest and size in bytes of the file's content."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _parse(
    path: Path, kind: str, mapping: ColumnMapping, rules: LineRules, snapshot_date: pd.Timestamp
) -> pd.DataFrame:
    """The file's rows labelled by the rules; IngestError when the file as a whole is refused."""
    if kind == "orders":
        raw = read_table(path, mapping.columns, REQUIRED, delimiter=mapping.delimiter)
        # judged once, before the rules: whether a zero is a bad line or a period without demand
        judged, coarser = judge_grain(raw, rules)
        rules = replace(rules, grain=judged)
        parsed = apply_line_rules(raw, rules)
        parsed.attrs.update(grain=rules.grain, coarser=coarser)  # one value for the file, not a column
    elif kind == "items":
        raw = read_table(
            path,
            mapping.items(),
            ("sku",),
            delimiter=mapping.delimiter,
            setting="ingest.item_columns",
            ignore=mapping.ignore_columns,
        )
        parsed = parse_items(raw, rules, mapping.item_units, mapping.items())
    else:
        raw = read_table(
            path,
            mapping.stock(),
            ("sku", "on_hand"),
            delimiter=mapping.delimiter,
            setting="ingest.stock_columns",
            ignore=mapping.ignore_columns,
        )
        parsed = parse_stock(raw, snapshot_date, rules)
    why = refusal(raw, parsed, rules)
    if why:
        raise IngestError(str(path), why)
    return parsed


def _reject_frame(parsed: pd.DataFrame, kind: str, load_id: int) -> pd.DataFrame:
    bad = parsed[parsed["rule"].notna()]

    def text(col: str) -> pd.Series:
        return bad[col].astype("string") if col in bad else pd.Series(pd.NA, index=bad.index, dtype="string")

    return pd.DataFrame(
        {
            "load_id": load_id,
            "kind": kind,
            "source_row": bad["source_row"],
            "rule": bad["rule"],
            "reason": bad["reason"],
            "sku": text("sku"),
            "order_id": text("order_id"),
            "ordered_at": text("ordered_at"),
            "quantity": text("quantity"),
            "unit_price": text("unit_price"),
        }
    )


_INSERT_SQL = {
    "orders": "ingest/insert_order_lines.sql",
    "items": "ingest/upsert_items.sql",
    "stock": "ingest/upsert_stock.sql",
}


def _span(con: duckdb.DuckDBPyConnection) -> tuple:
    """The staged lines' span of seconds [first, last): where an order line with their keys can be."""
    return con.execute(
        "select date_trunc('second', min(ordered_at)), date_trunc('second', max(ordered_at)) + interval 1 second "
        "from staged_order_lines"
    ).fetchall()[0]


def order_lines_grain(con: duckdb.DuckDBPyConnection) -> str:
    """ "period" when every load of order lines in the warehouse was judged period totals (one
    line per SKU and period), else "line" (dated sales; also with no order lines, or loads from
    before the grain was recorded): what the demand's end of history and ABC's basis follow."""
    grains = con.execute("select distinct coalesce(grain, 'line') from load_log where kind = 'orders'").fetchall()
    return "period" if [g for (g,) in grains] == ["period"] else "line"


def insert_staged_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Add the lines of ``staged_order_lines`` whose keys are not loaded yet, looking for them only
    in the staged lines' own span of seconds (a constant range: the scan skips the rest)."""
    first_at, last_at = _span(con)
    run_sql_file(con, _INSERT_SQL["orders"], first_at=first_at, last_at=last_at)


def _insert_good(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    good: pd.DataFrame,
    load_id: int,
    replace_resent: bool,
    repeats_are_sales: bool = False,
) -> tuple[int, int, int]:
    """Insert accepted rows; returns (loaded, already present from an earlier file, earlier
    lines replaced by this file's corrections). ``repeats_are_sales``: identical order lines are
    separate sales (a file without order ids), each loaded once."""
    con.register("staged_rows", good.assign(load_id=load_id))
    try:
        if kind != "orders":
            run_sql_file(con, f"ingest/keep_replaced_{kind}.sql", load_id=load_id)  # kind: items | stock
            run_sql_file(con, _INSERT_SQL[kind])
            return len(good), 0, 0
        run_sql_file(con, "ingest/stage_order_lines.sql", repeats_are_sales=repeats_are_sales)
        replaced = 0
        if replace_resent:
            run_sql_file(con, "ingest/replace_order_lines.sql")
            replaced = scalar(con, "select count(*) from replaced_keys")
            if replaced:
                run_sql_file(con, "ingest/keep_replaced_order_lines.sql", load_id=load_id)
                con.execute("delete from order_lines where line_key in (select line_key from replaced_keys)")
            con.execute("drop table replaced_keys")
        kept = scalar(con, "select count(*) from order_lines")
        insert_staged_lines(con)
        loaded = scalar(con, "select count(*) from order_lines") - kept
        if loaded < len(good):
            first_at, last_at = _span(con)
            run_sql_file(con, "ingest/record_overlaps.sql", load_id=load_id, first_at=first_at, last_at=last_at)
        con.execute("drop table staged_order_lines")
        return loaded, len(good) - loaded, replaced
    finally:
        con.unregister("staged_rows")


def load_file(
    con: duckdb.DuckDBPyConnection,
    path: str | Path,
    kind: str,
    *,
    mapping: ColumnMapping,
    rules: LineRules,
    run_id: str | None = None,
    snapshot_date: pd.Timestamp | None = None,
    replace_resent: bool = True,
) -> LoadResult:
    """Parse ``path`` as ``kind`` and load it in one transaction.

    The same bytes loaded again add nothing; order lines already loaded from another file are
    counted, not added. With ``replace_resent`` a file that sends an (order_id, sku) again is a
    correction: the earlier lines of that order and SKU that it does not repeat are removed
    (``rows_replaced``). A file that cannot be parsed raises IngestError before anything is written.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    path = Path(path)
    check_file(path)
    before = path.stat()
    sha, size = file_digest(path)
    seen = scalar(con, "select min(load_id) from load_log where kind = ? and file_sha256 = ?", [kind, sha])
    if seen is not None:
        return LoadResult(kind, str(path), "already_loaded", load_id=seen)
    if kind == "orders":  # old dates are judged against the newest line loaded so far, too
        rules = replace(rules, newest_known=scalar(con, "select max(ordered_at) from order_lines"))
    parsed = _parse(path, kind, mapping, rules, snapshot_date or pd.Timestamp.now().normalize())
    after = path.stat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or after.st_size != size:
        raise IngestError(
            str(path), "the file changed while it was read (still being written?): load it again once it is complete"
        )
    grain = parsed.attrs.get("grain") if kind == "orders" and len(parsed) else None
    coarser = parsed.attrs.get("coarser") if kind == "orders" else None
    good = parsed[parsed["rule"].isna()].drop(columns=["rule", "reason"])
    notes: dict[str, int] = {}
    if "note" in good:
        notes = {str(k): int(v) for k, v in good["note"].dropna().str.split(",").explode().value_counts().items()}
        good = good.drop(columns="note")
    by_rule = parsed["rule"].value_counts().astype(int).to_dict()
    with transaction(con):
        load_id = scalar(con, "select coalesce(max(load_id), 0) + 1 from load_log")
        loaded, present, replaced = _insert_good(
            con, kind, good, load_id, replace_resent, kind == "orders" and repeats_are_sales(parsed)
        )
        rejects = _reject_frame(parsed, kind, load_id)
        if len(rejects):
            con.register("staged_rejects", rejects)
            con.execute("insert into rejects by name select * from staged_rejects")
            con.unregister("staged_rejects")
        if by_rule:
            con.executemany(
                "insert into load_rule_counts values (?, ?, ?)", [[load_id, r, n] for r, n in by_rule.items()]
            )
        con.execute(
            "insert into load_log (load_id, kind, file_path, file_sha256, file_bytes, run_id, loaded_at, rows_read, "
            "rows_loaded, rows_rejected, rows_already_loaded, rows_replaced, grain, period) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                kind,
                str(path),
                sha,
                size,
                run_id,
                utc_now(),
                len(parsed),
                loaded,
                len(rejects),
                present,
                replaced,
                grain,
                rules.period if grain else None,
            ],
        )
    return LoadResult(
        kind,
        str(path),
        "loaded",
        load_id,
        len(parsed),
        loaded,
        len(rejects),
        present,
        {str(k): int(v) for k, v in by_rule.items()},
        replaced,
        notes,
        grain,
        rules.period if grain else None,
        int(scalar(con, _ZEROS_OF_LOAD, [load_id])) if kind == "orders" else 0,
        coarser if isinstance(coarser, str) else None,
    )
