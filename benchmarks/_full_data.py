"""Shared by the benchmarks: the real catalogues in ../shared/data as demand per period and an
item master, loaded the flow's way (ingest rules, item master, whole periods, zero-filled)."""

from __future__ import annotations

import gzip
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from jitjic import warehouse
from jitjic.evaluation import period_end
from jitjic.settings import Settings
from jitjic.wiring import column_mapping, line_rules

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT = SHARED / "online_retail.csv.gz"
MANUFACTURING = SHARED / "manufacturing"
OIL = SHARED / "oil"
PASTA = SHARED / "pasta"


def full_demand(source: Path, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the Online Retail file built in a throwaway warehouse."""
    return _load([(source, "orders")], settings)


# the README's manufacturing example: the weekly file read as order lines as it is (one line per
# SKU and week, zeros included: period totals, detected when loaded), the item master's columns
# mapped and its units stated
MANUFACTURING_INGEST = {
    "preset": "canonical",
    "columns": {"ordered_at": "week_start", "quantity": "qty"},
    "item_columns": {
        "pack_size": "units_per_pack",
        "unit_cost": "unit_cost_eur",
        "order_cost": "order_cost_eur",
        "holding_rate": "holding_cost_eur_per_year",
        "lead_time_days": "lead_time_weeks",
        "moq": "moq_units",
    },
    "item_units": {"lead_time_days": "weeks", "holding_rate": "per_unit_year"},
}
# the oil catalogue: one line per part and month from 1997 (before ingest.min_date's default,
# which guards against typos such as 1900); the item master's installed base has no use here
OIL_INGEST = {
    "preset": "canonical",
    "min_date": date(1990, 1, 1),
    "columns": {"ordered_at": "month_start", "quantity": "qty"},
    "item_columns": {"lead_time_days": "lead_time_months"},
    "item_units": {"lead_time_days": "months"},
    "ignore_columns": ["installed_base"],
}


def _with_ingest(settings: Settings, ingest: dict, period: str) -> Settings:
    return settings.model_copy(
        update={
            "ingest": settings.ingest.model_copy(update=ingest),
            "demand": settings.demand.model_copy(update={"period": period}),
        }
    )


def manufacturing(settings: Settings, folder: Path = MANUFACTURING) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the manufacturing catalogue through the documented path
    (``MANUFACTURING_INGEST``, the README's example): ``demand_weekly.csv.gz`` loaded as order
    lines as it is (weekly totals, zeros kept as weeks without demand, the last week whole), the
    item master mapped with its units stated (lead time in weeks -> days, holding cost in EUR per
    unit and year -> a share of unit cost, MOQ 0 = none)."""
    s = _with_ingest(settings, MANUFACTURING_INGEST, "week")
    return _load([(folder / "demand_weekly.csv.gz", "orders"), (folder / "items.csv", "items")], s)


def oil(settings: Settings, lead_time_months: float, folder: Path = OIL) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the oil refinery's spare parts, monthly (``demand.period = "month"``).

    The data give no lead times: a user must state one, ``lead_time_months`` (months, for every
    part; one to several for spare parts of this kind). It is written into a copy of the item
    master as a ``lead_time_months`` column and read through ``ingest.item_units`` (months ->
    days) like any other. A month whose ``qty`` is empty has no figure (the part was not yet
    registered, or a gap): it is not demand and is left out of the order-line file written (the
    demand then zero-fills a gap between figures, as it does for any month without a line).
    Negative months are returns to stock, treated as any negative line: rejected with the default
    ``ingest.returns = "exclude"`` (demand = gross issues), netted with ``"net"``.
    """
    if not lead_time_months > 0:
        raise ValueError(f"lead_time_months must be a positive number of months, got {lead_time_months!r}")
    s = _with_ingest(settings, OIL_INGEST, "month")
    monthly = pd.read_csv(folder / "demand_monthly.csv.gz", dtype={"qty": "string"})
    with tempfile.TemporaryDirectory() as tmp:
        lines = Path(tmp) / "demand_monthly_with_figures.csv.gz"
        with gzip.open(lines, "wt", encoding="utf-8") as fh:
            monthly[monthly["qty"].notna()].to_csv(fh, index=False)
        items = Path(tmp) / "items.csv"
        master = pd.read_csv(folder / "items.csv", dtype=str)
        master.assign(lead_time_months=lead_time_months).to_csv(items, index=False)
        return _load([(lines, "orders"), (items, "items")], s)


def pasta(settings: Settings, folder: Path = PASTA) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(demand, items) of the grocery's pasta SKUs, daily: each day's sales one order line at a
    unit price of 1.00 (the data has no prices, and a unit cost of 60% of price is the default
    where the item master is silent: stock value = units x 0.60); no item master, so every cost
    and lead time is the settings' default. The promotion flag is dropped: the order-line path
    has no promotion input."""
    daily = pd.read_csv(folder / "sales_daily.csv.gz")
    sold = daily[daily["qty"] > 0]
    return _period_lines(sold, "date", None, _grain(settings, "day"))


def _grain(settings: Settings, period: str) -> Settings:
    """The settings with the canonical column preset and ``demand.period``."""
    return settings.model_copy(
        update={
            "ingest": settings.ingest.model_copy(update={"preset": "canonical"}),
            "demand": settings.demand.model_copy(update={"period": period}),
        }
    )


def _period_lines(rows: pd.DataFrame, date_col: str, master: pd.DataFrame | None, settings: Settings):
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
        return _load(files, settings)


def _load(files: list[tuple[Path, str]], settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Load ``files`` (path, kind) into a throwaway warehouse, printing each load's summary, and
    build the demand up to the end of history the nightly flow would take."""
    with tempfile.TemporaryDirectory() as tmp:
        con = warehouse.connect(Path(tmp) / "w.duckdb")
        try:
            warehouse.ensure_schema(con)
            for path, kind in files:
                result = warehouse.load_file(
                    con, path, kind, mapping=column_mapping(settings), rules=line_rules(settings)
                )
                print(result.summary())
            as_of = warehouse.latest_as_of(con)
            grain = settings.demand.grain if settings.demand.grain != "auto" else warehouse.order_lines_grain(con)
            if grain == "period":  # the last line stands for its whole period (the flow's end_of_history)
                as_of = period_end(as_of, settings.demand.period)
            warehouse.build_demand(con, "bench", settings.demand.period, as_of)
            demand = warehouse.read_demand(con, "bench")
            demand.attrs["grain"] = grain  # what the replay classifies by, as the nightly run
            return demand, warehouse.read_items(con)
        finally:
            con.close()
