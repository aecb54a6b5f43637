"""Shared by the benchmarks: the full Online Retail file as weekly demand, the flow's way."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

import warehouse
from jitjic.settings import Settings
from jitjic.wiring import column_mapping, line_rules

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "online_retail.csv.gz"


def full_demand(source: Path, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) built in a throwaway warehouse: ingest rules, whole weeks, zero-filled."""
    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "w.duckdb")
        try:
            warehouse.ensure_schema(con)
            warehouse.load_file(con, source, "orders", mapping=column_mapping(settings), rules=line_rules(settings))
            warehouse.build_demand(con, "bench", settings.demand.period, warehouse.latest_as_of(con))
            return warehouse.read_demand(con, "bench"), warehouse.read_items(con)
        finally:
            con.close()
