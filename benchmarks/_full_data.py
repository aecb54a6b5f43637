"""Shared by the benchmarks: the real catalogues in ../shared/data as weekly demand and an item
master, loaded the flow's way (ingest rules, item master, whole weeks, zero-filled)."""

from __future__ import annotations

import gzip
import tempfile
from datetime import timedelta
from pathlib import Path

import pandas as pd

from jitjic import warehouse
from jitjic.settings import Settings
from jitjic.wiring import column_mapping, line_rules

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = SHARED / "online_retail.csv.gz"
MANUFACTURING = SHARED / "manufacturing"


def full_demand(source: Path, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the Online Retail file built in a throwaway warehouse."""
    return _load([(source, "orders")], settings, None)


def manufacturing(settings: Settings, folder: Path = MANUFACTURING) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the manufacturing catalogue through the order-line and item-master
    path: each week's demand becomes one order line dated the week's Monday (weeks with none
    send none), the item master's columns are renamed and put in jitjic's units (lead time in
    days, holding cost per unit-year as a share of unit cost, MOQ 0 = none), and the history
    ends on the last week's Sunday, so that week counts as whole."""
    weekly = pd.read_csv(folder / "demand_weekly.csv.gz")
    master = pd.read_csv(folder / "items.csv")
    canonical = settings.model_copy(update={"ingest": settings.ingest.model_copy(update={"preset": "canonical"})})
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "order_lines.csv.gz"
        sold = weekly[weekly["qty"] > 0]
        with gzip.open(lines, "wt", encoding="utf-8") as fh:
            pd.DataFrame(
                {
                    "order_id": sold["sku"] + "-" + sold["week_start"],
                    "sku": sold["sku"],
                    "ordered_at": sold["week_start"],
                    "quantity": sold["qty"],
                }
            ).to_csv(fh, index=False)
        items = Path(tmp) / "items.csv"
        pd.DataFrame(
            {
                "sku": master["sku"],
                "unit_cost": master["unit_cost_eur"],
                "lead_time_days": master["lead_time_weeks"] * 7.0,
                "moq": master["moq_units"].where(master["moq_units"] > 0),
                "pack_size": master["units_per_pack"],
                "order_cost": master["order_cost_eur"],
                "holding_rate": master["holding_cost_eur_per_year"] / master["unit_cost_eur"],
            }
        ).to_csv(items, index=False)
        as_of = pd.Timestamp(weekly["week_start"].max()).date() + timedelta(days=6)
        return _load([(lines, "orders"), (items, "items")], canonical, as_of)


def _load(files: list[tuple[Path, str]], settings: Settings, as_of) -> tuple[pd.DataFrame, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "w.duckdb")
        try:
            warehouse.ensure_schema(con)
            for path, kind in files:
                warehouse.load_file(con, path, kind, mapping=column_mapping(settings), rules=line_rules(settings))
            warehouse.build_demand(con, "bench", settings.demand.period, as_of or warehouse.latest_as_of(con))
            return warehouse.read_demand(con, "bench"), warehouse.read_items(con)
        finally:
            con.close()
