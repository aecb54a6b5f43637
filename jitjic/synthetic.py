"""A seeded, M5-like synthetic catalogue: daily order lines, an item master and a stock snapshot.

M5 (Walmart, 30,490 item-stores x 1,941 days) is mostly intermittent with a few fast movers;
so is this: per SKU a log-normal base rate, day-of-week and yearly seasonality, a slow drift,
launches and discontinuations, promotions (price cut, demand lift), and negative-binomial
noise. Everything is vectorised over blocks of SKUs, so memory stays at one block; order lines
go to one Parquet file per month (a nightly feed's extracts), in the canonical column names.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["CatalogueSpec", "generate_catalogue", "demand_matrix", "M5_SKUS", "M5_DAYS"]

M5_SKUS, M5_DAYS = 30_490, 1_941
SUPPLIERS = ("North Foods", "Harbour Household", "Valley Hobbies", "Metro Wholesale", "Coast Imports")


@dataclass(frozen=True)
class CatalogueSpec:
    """skus x days of demand starting ``start``; ``block`` SKUs are generated at a time."""

    skus: int = 3_000
    days: int = 730
    start: str = "2011-01-29"  # M5's first day
    seed: int = 42
    block: int = 2_000

    def __post_init__(self) -> None:
        if self.skus < 1 or self.days < 28:
            raise ValueError(f"need at least 1 SKU and 28 days, got {self.skus} SKUs x {self.days} days")


@dataclass(frozen=True)
class _Skus:
    rate: np.ndarray  # base units per day
    price: np.ndarray  # currency per unit
    dispersion: np.ndarray  # negative binomial shape: small = lumpy
    weekly: np.ndarray  # sku x 7 multipliers
    yearly_amp: np.ndarray
    yearly_phase: np.ndarray
    first_day: np.ndarray
    last_day: np.ndarray


def _draw_skus(rng: np.random.Generator, n: int, days: int) -> _Skus:
    # a long tail: most SKUs sell well under one unit a day, a few sell dozens
    rate = np.exp(rng.normal(-1.2, 1.3, n))
    price = np.round(np.exp(rng.normal(1.2, 0.8, n)), 2) + 0.25
    dispersion = np.exp(rng.normal(0.0, 0.6, n))
    dow = np.array([0.85, 0.85, 0.9, 0.95, 1.1, 1.3, 1.25])  # Monday .. Sunday
    weekly = 1 + rng.uniform(0.3, 1.2, n)[:, None] * (dow - 1)[None, :]
    yearly_amp = rng.uniform(0.0, 0.35, n) * (rng.random(n) < 0.6)
    yearly_phase = rng.uniform(0, 365.25, n)
    # a fifth launch during the history, one in twenty are discontinued before its end
    first_day = np.where(rng.random(n) < 0.2, rng.integers(0, max(days - 60, 1), n), 0)
    last_day = np.where(rng.random(n) < 0.05, rng.integers(days // 2, days, n), days)
    last_day = np.maximum(last_day, first_day + 28)
    return _Skus(rate, price, dispersion, weekly, yearly_amp, yearly_phase, first_day, last_day)


def _promotions(rng: np.random.Generator, n: int, days: int) -> np.ndarray:
    """sku x day discount share (0 = full price): about four 7-14 day promotions a year."""
    discount = np.zeros((n, days))
    count = rng.poisson(4 * days / 365.25, n)
    rows = np.repeat(np.arange(n), count)
    starts = rng.integers(0, days, len(rows))
    lengths = rng.integers(7, 15, len(rows))
    cut = rng.choice([0.1, 0.2, 0.3], len(rows))
    for offset in range(15):  # vectorised over promotions, looped over their <= 14 days
        live = offset < lengths
        cols = starts[live] + offset
        ok = cols < days
        discount[rows[live][ok], cols[ok]] = cut[live][ok]
    return discount


def _demand(rng: np.random.Generator, s: _Skus, dates: pd.DatetimeIndex, discount: np.ndarray) -> np.ndarray:
    """sku x day units sold (integers)."""
    n, days = len(s.rate), len(dates)
    t = np.arange(days)
    weekly = s.weekly[:, dates.dayofweek.to_numpy()]
    yearly = 1 + s.yearly_amp[:, None] * np.sin(
        2 * np.pi * (dates.dayofyear.to_numpy()[None, :] - s.yearly_phase[:, None]) / 365.25
    )
    # a slow random walk in log demand: some items grow, some fade
    drift = np.cumsum(rng.normal(0, 0.01, (n, days // 7 + 1)), axis=1)[:, t // 7]
    lift = 1 + 6 * discount  # a 30% cut roughly triples demand
    mean = s.rate[:, None] * weekly * yearly * np.exp(drift) * lift
    alive = (t[None, :] >= s.first_day[:, None]) & (t[None, :] < s.last_day[:, None])
    mean = np.where(alive, mean, 0.0)
    # negative binomial as a gamma-Poisson mixture: overdispersed, zero-heavy at low rates
    shape = s.dispersion[:, None]
    return rng.poisson(rng.gamma(shape, np.maximum(mean, 1e-12) / shape)).astype(np.int64)


def _lines(
    ids: np.ndarray, qty: np.ndarray, price: np.ndarray, discount: np.ndarray, dates: pd.DatetimeIndex, cols: slice
) -> pa.Table:
    """Order lines of one block for the days in ``cols``: one line per SKU and day with sales."""
    sku_i, day_i = np.nonzero(qty[:, cols])
    day = day_i + cols.start
    unit_price = np.round(price[sku_i] * (1 - discount[sku_i, day]), 2)
    stamp = dates[day].to_numpy().astype("datetime64[us]") + np.timedelta64(12, "h")
    return pa.table(
        {
            "order_id": pa.array(np.char.add("D", day.astype("U5"))),
            "sku": pa.array(ids[sku_i]),
            "ordered_at": pa.array(stamp),
            "quantity": pa.array(qty[sku_i, day].astype(np.float64)),
            "unit_price": pa.array(unit_price),
        }
    )


def demand_matrix(spec: CatalogueSpec = CatalogueSpec()) -> tuple[np.ndarray, pd.DatetimeIndex, np.ndarray, np.ndarray]:
    """``(ids, dates, qty, discount)`` of the catalogue in memory, without writing order lines:
    qty is SKU x day units sold, discount the SKU x day price cut (0 = full price, > 0 on a
    promotion). Same draws as ``generate_catalogue`` with the same spec."""
    rng = np.random.default_rng(spec.seed)
    dates = pd.date_range(spec.start, periods=spec.days, freq="D")
    ids, qty, discount = [], [], []
    for first in range(0, spec.skus, spec.block):
        n = min(spec.block, spec.skus - first)
        ids.append(np.array([f"SKU{i:06d}" for i in range(first, first + n)]))
        s = _draw_skus(rng, n, spec.days)
        discount.append(_promotions(rng, n, spec.days))
        qty.append(_demand(rng, s, dates, discount[-1]))
        # the item master and stock draws of generate_catalogue, so later blocks draw the same
        _item_master(rng, ids[-1], s.price)
        rng.uniform(0, 30, n), rng.random(n)
    return np.concatenate(ids), dates, np.vstack(qty), np.vstack(discount)


def generate_catalogue(out_dir: str | Path, spec: CatalogueSpec = CatalogueSpec()) -> dict[str, int | str]:
    """Write ``orders/orders_YYYY_MM.parquet``, ``items.csv``, ``stock.csv`` and ``jitjic.toml``
    (settings that point the pipeline at them) under ``out_dir``. Returns counts."""
    out = Path(out_dir)
    (out / "orders").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(spec.seed)
    dates = pd.date_range(spec.start, periods=spec.days, freq="D")
    months, first, days = np.unique(dates.strftime("%Y_%m"), return_index=True, return_counts=True)
    month_cols = {m: slice(int(f), int(f + n)) for m, f, n in zip(months, first, days, strict=True)}
    writers: dict[str, pq.ParquetWriter] = {}
    items, stock, lines, units = [], [], 0, 0
    try:
        for first in range(0, spec.skus, spec.block):
            n = min(spec.block, spec.skus - first)
            ids = np.array([f"SKU{i:06d}" for i in range(first, first + n)])
            s = _draw_skus(rng, n, spec.days)
            discount = _promotions(rng, n, spec.days)
            qty = _demand(rng, s, dates, discount)
            for month, cols in month_cols.items():
                table = _lines(ids, qty, s.price, discount, dates, cols)
                if month not in writers:
                    path = out / "orders" / f"orders_{month}.parquet"
                    writers[month] = pq.ParquetWriter(path, table.schema)
                writers[month].write_table(table)
                lines += table.num_rows
            units += int(qty.sum())
            items.append(_item_master(rng, ids, s.price))
            recent = qty[:, -28:].mean(axis=1)
            stock.append(
                pd.DataFrame(
                    {
                        "sku": ids,
                        "on_hand": np.floor(recent * rng.uniform(0, 30, n)),
                        "on_order": np.where(rng.random(n) < 0.2, np.ceil(recent * 14), 0.0),
                        "snapshot_date": dates[-1].date(),
                    }
                )
            )
    finally:
        for w in writers.values():
            w.close()
    pd.concat(items).to_csv(out / "items.csv", index=False)
    pd.concat(stock).to_csv(out / "stock.csv", index=False)
    _write_settings(out)
    return {
        "skus": spec.skus,
        "days": spec.days,
        "order_lines": lines,
        "units": units,
        "files": len(writers),
        "first_day": str(dates[0].date()),
        "last_day": str(dates[-1].date()),
    }


def _item_master(rng: np.random.Generator, ids: np.ndarray, price: np.ndarray) -> pd.DataFrame:
    n = len(ids)
    supplier = rng.integers(0, len(SUPPLIERS), n)
    lead = np.array([7.0, 14.0, 21.0, 10.0, 35.0])[supplier]
    spread = np.array([1.0, 3.0, 5.0, 2.0, 10.0])[supplier]
    order_cost = np.array([15.0, 25.0, 40.0, 20.0, 80.0])[supplier]  # per purchase order, freight included
    return pd.DataFrame(
        {
            "sku": ids,
            "description": np.char.add("Synthetic item ", ids),
            "unit_cost": np.round(price * rng.uniform(0.45, 0.75, n), 2),
            "supplier": np.array(SUPPLIERS)[supplier],
            "lead_time_days": lead,
            "lead_time_std_days": spread,
            "moq": rng.choice([1, 1, 1, 6, 12], n),
            "pack_size": rng.choice([1, 1, 2, 6], n),
            "order_cost": order_cost,
        }
    )


def _write_settings(out: Path) -> None:
    base = out.resolve()
    (out / "jitjic.toml").write_text(
        "# Settings for the synthetic catalogue written by `jitjic generate`.\n"
        "[paths]\n"
        f'database = "{base / "work" / "jitjic_work.duckdb"}"\n'
        f'analysts_database = "{base / "jitjic.duckdb"}"\n'
        f'reports_dir = "{base / "reports"}"\n\n'
        "[inputs]\n"
        f'orders = ["{base / "orders" / "orders_*.parquet"}"]\n'
        f'items = ["{base / "items.csv"}"]\n'
        f'stock = ["{base / "stock.csv"}"]\n\n'
        "[ingest]\n"
        'preset = "canonical"\n',
        encoding="utf-8",
    )
