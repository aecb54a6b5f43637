"""Shared by the benchmarks: the real catalogues in ../shared/data as demand per period and an
item master, loaded the flow's way (ingest rules, item master, whole periods, zero-filled)."""

from __future__ import annotations

import gzip
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from jitjic import warehouse
from jitjic.settings import Settings
from jitjic.wiring import column_mapping, line_rules

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = SHARED / "online_retail.csv.gz"
MANUFACTURING = SHARED / "manufacturing"
OIL = SHARED / "oil"
PASTA = SHARED / "pasta"


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


def oil(settings: Settings, folder: Path = OIL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the refinery's spare parts, monthly: each month's issues become one
    order line dated the month's first day; empty months (no figure held) and returns to stock
    (negative quantities: ingest would reject them as non-positive unless they were
    cancellations under ``ingest.returns = "net"``) send none, so demand is the gross issues;
    the item master gives the unit cost only (no lead time, order cost or supplier: the
    settings' defaults apply). The history ends on the last month's last day."""
    monthly = pd.read_csv(folder / "demand_monthly.csv.gz")
    master = pd.read_csv(folder / "items.csv")
    issued = monthly[monthly["qty"] > 0]
    last = pd.Timestamp(monthly["month_start"].max())
    as_of = (last + pd.offsets.MonthEnd(0)).date()
    # the parts' history starts in 1997: before ingest's default earliest date (2000)
    grain = _grain(settings, "month")
    grain = grain.model_copy(update={"ingest": grain.ingest.model_copy(update={"min_date": date(1990, 1, 1)})})
    return _period_lines(issued, "month_start", master[["sku", "unit_cost"]], grain, as_of)


def pasta(settings: Settings, folder: Path = PASTA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the grocery's pasta SKUs, daily: each day's sales one order line at a
    unit price of 1.00 (the data has no prices, and a unit cost of 60% of price is the default
    where the item master is silent: stock value = units x 0.60); no item master, so every cost
    and lead time is the settings' default. The promotion flag is dropped: the order-line path
    has no promotion input."""
    daily = pd.read_csv(folder / "sales_daily.csv.gz")
    sold = daily[daily["qty"] > 0]
    return _period_lines(sold, "date", None, _grain(settings, "day"), pd.Timestamp(daily["date"].max()).date())


def _grain(settings: Settings, period: str) -> Settings:
    """The settings with the canonical column preset and ``demand.period``."""
    return settings.model_copy(
        update={
            "ingest": settings.ingest.model_copy(update={"preset": "canonical"}),
            "demand": settings.demand.model_copy(update={"period": period}),
        }
    )


def _period_lines(rows: pd.DataFrame, date_col: str, master: pd.DataFrame | None, settings: Settings, as_of):
    """Load ``sku, <date_col>, qty`` rows as one order line each (with ``unit_price`` when the
    rows carry none: 1.00), and the item master when given."""
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "order_lines.csv.gz"
        with gzip.open(lines, "wt", encoding="utf-8") as fh:
            frame = {
                "order_id": rows["sku"] + "-" + rows[date_col],
                "sku": rows["sku"],
                "ordered_at": rows[date_col],
                "quantity": rows["qty"],
            }
            if master is None:
                frame["unit_price"] = 1.0
            pd.DataFrame(frame).to_csv(fh, index=False)
        files = [(lines, "orders")]
        if master is not None:
            master.to_csv(Path(tmp) / "items.csv", index=False)
            files.append((Path(tmp) / "items.csv", "items"))
        return _load(files, settings, as_of)


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
