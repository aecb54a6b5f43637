"""The catalogues the forecast benchmark runs on, as long ``unique_id, ds, y`` frames (one protocol).

Every set is a SKU x period matrix zero-filled from each SKU's first sale (as the warehouse's
demand SQL builds it), cut into training and the last ``horizon`` periods held out:

- ``online_retail``: issue 3's protocol (``forecast_vs_statsforecast.weekly_series``): weekly,
  weeks start Monday, last partial week dropped, SKUs with >= 20 weeks; 3,554 series.
- ``manufacturing``: the weekly purchased-items catalogue (150 weeks), leading zeros dropped
  (the SKU's first sale starts it), SKUs with a sale in training; about 1,800 series.
- ``pasta_daily``: 118 SKUs x 1,798 days; days without any row (the shop closed: Christmas,
  Easter, 1 May, 15 August) are zero, as order lines would leave them; horizon 28 days. The
  promotion flag is a known input (``promo`` column).
- ``pasta_weekly``: the same summed per Monday week, partial first and last weeks dropped.
- ``synthetic``: ``jitjic.synthetic`` (M5-like), 2,000 SKUs x 3 years daily summed per week,
  seed 42; launches start at their first sale; the planned price cuts are the promotion input
  (share of the week on promotion), as M5's prices are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MIN_PERIODS = 20


@dataclass(frozen=True)
class Catalogue:
    """``series``: long ``unique_id, ds, y`` (and ``promo`` when known), training and holdout."""

    name: str
    series: pd.DataFrame
    period: str  # jitjic's period: day / week
    freq: str  # pandas / statsforecast frequency
    season: int  # periods per season for the peers that take one
    horizon: int
    note: str


def _trim_leading_zeros(frame: pd.DataFrame) -> pd.DataFrame:
    """From each SKU's first non-zero period on (the warehouse starts a SKU at its first sale)."""
    frame = frame.sort_values(["unique_id", "ds"])
    started = frame.groupby("unique_id")["y"].cumsum() > 0
    return frame[started].reset_index(drop=True)


def _keep(frame: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """SKUs with >= MIN_PERIODS periods and some demand before the holdout."""
    cut = np.sort(frame["ds"].unique())[-horizon]
    train = frame[frame["ds"] < cut]
    sizes, sold = frame.groupby("unique_id").size(), train.groupby("unique_id")["y"].sum()
    ok = sizes.index[(sizes >= MIN_PERIODS)].intersection(sold.index[sold > 0])
    return frame[frame["unique_id"].isin(ok)].reset_index(drop=True)


def online_retail() -> Catalogue:
    from forecast_vs_statsforecast import weekly_series

    return Catalogue(
        "online_retail",
        weekly_series(SHARED / "online_retail.csv.gz"),
        "week",
        "W-MON",
        52,
        8,
        "issue 3's protocol, all 3,554 series",
    )


def manufacturing() -> Catalogue:
    raw = pd.read_csv(SHARED / "manufacturing" / "demand_weekly.csv.gz", parse_dates=["week_start"])
    frame = raw.rename(columns={"sku": "unique_id", "week_start": "ds", "qty": "y"})
    frame["y"] = frame["y"].astype(float)
    return Catalogue(
        "manufacturing",
        _keep(_trim_leading_zeros(frame), 8),
        "week",
        "W-MON",
        52,
        8,
        "all SKUs with a sale before the holdout",
    )


def _pasta_daily() -> pd.DataFrame:
    raw = pd.read_csv(SHARED / "pasta" / "sales_daily.csv.gz", parse_dates=["date"])
    days = pd.date_range(raw["date"].min(), raw["date"].max(), freq="D")
    index = pd.MultiIndex.from_product([np.sort(raw["sku"].unique()), days], names=["unique_id", "ds"])
    frame = raw.rename(columns={"sku": "unique_id", "date": "ds", "qty": "y"}).set_index(["unique_id", "ds"])
    frame = frame.reindex(index, fill_value=0).reset_index()  # a closed day sold nothing
    frame["y"] = frame["y"].astype(float)
    return frame


def pasta_daily() -> Catalogue:
    return Catalogue(
        "pasta_daily",
        _keep(_trim_leading_zeros(_pasta_daily()), 28),
        "day",
        "D",
        7,
        28,
        "all 118 SKUs, closed days zero, promotions known",
    )


def pasta_weekly() -> Catalogue:
    daily = _pasta_daily()
    daily["ds"] = daily["ds"] - pd.to_timedelta(daily["ds"].dt.dayofweek, unit="D")
    weekly = daily.groupby(["unique_id", "ds"], as_index=False).agg(
        y=("y", "sum"), days=("y", "size"), promo=("promo", "mean")
    )
    weekly = weekly[weekly["days"] == 7].drop(columns="days")  # whole weeks only
    return Catalogue(
        "pasta_weekly",
        _keep(_trim_leading_zeros(weekly), 8),
        "week",
        "W-MON",
        52,
        8,
        "all 118 SKUs, whole weeks, promo = share of the week on promotion",
    )


def synthetic(skus: int = 2000, days: int = 3 * 364 + 7, seed: int = 42) -> Catalogue:
    from jitjic.synthetic import CatalogueSpec, demand_matrix

    # 2011-01-31 is a Monday: whole weeks from the first day
    ids, dates, qty, discount = demand_matrix(CatalogueSpec(skus=skus, days=days, start="2011-01-31", seed=seed))
    weeks = qty.reshape(len(ids), -1, 7).sum(axis=2).astype(float)
    promo = (discount > 0).reshape(len(ids), -1, 7).mean(axis=2)  # planned price cuts: known ahead
    starts = dates[::7]
    frame = pd.DataFrame(
        {
            "unique_id": np.repeat(ids, len(starts)),
            "ds": np.tile(starts, len(ids)),
            "y": weeks.ravel(),
            "promo": promo.ravel(),
        }
    )
    return Catalogue(
        "synthetic",
        _keep(_trim_leading_zeros(frame), 8),
        "week",
        "W-MON",
        52,
        8,
        f"M5-like, {skus:,} SKUs x {days} days (seed {seed}) summed per week",
    )


LOADERS = {
    "online_retail": online_retail,
    "manufacturing": manufacturing,
    "pasta_daily": pasta_daily,
    "pasta_weekly": pasta_weekly,
    "synthetic": synthetic,
}
