"""Turn a long ``sku, date, qty`` file into whole-period demand with the warehouse's own SQL."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import warehouse
from ingest import LineRules, apply_line_rules, read_table
from ingest.mapping import CANONICAL

__all__ = ["demand_from_file"]


def demand_from_file(path: Path, period: str, *, sku_col: str, date_col: str, qty_col: str) -> pd.DataFrame:
    """Demand per SKU per whole period, zero-filled, as the nightly flow builds it.

    Rows the ingest rules reject (bad dates, non-numeric quantities, duplicates) are left out;
    quantities <= 0 are rejected too, as for order lines.
    """
    columns = {c: c for c in CANONICAL} | {"sku": sku_col, "ordered_at": date_col, "quantity": qty_col}
    raw = read_table(path, columns, ("sku", "ordered_at", "quantity"))
    raw["order_id"] = raw["source_row"].astype(str)  # each row is its own line: no duplicate rule
    lines = apply_line_rules(raw, LineRules(cancellation_prefix=None))
    good = lines[lines["rule"].isna()].assign(load_id=0)
    con = warehouse.connect(":memory:")
    try:
        warehouse.ensure_schema(con)
        con.register("staged_rows", good)
        warehouse.run_sql_file(con, "ingest/stage_order_lines.sql")
        warehouse.loads.insert_staged_lines(con)
        as_of = warehouse.latest_as_of(con)
        warehouse.build_demand(con, "evaluate", period, as_of)
        return warehouse.read_demand(con, "evaluate")
    finally:
        con.close()
