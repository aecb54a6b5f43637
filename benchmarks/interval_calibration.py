"""Are the buffers' quantiles calibrated? Coverage of demand over lead time + review (issue 23).

    python benchmarks/interval_calibration.py [online_retail|manufacturing|oil|pasta ...]

For each real catalogue (default: all four) and several origins whose lead time + review
windows do not overlap (all out of sample), each SKU is fitted on the history before the
origin as the plan fits it (``AutoForecast`` with the settings' forecast parameters, the
period's season and calendar) and its reorder point read at cycle service levels 80/90/95/99%
exactly as ``policy.quantities.plan_items`` reads it: the forecast's mean over the interval
(``Protection.rate`` x (L + R)) + ``Protection.excess(level)``, from two sources of demand uncertainty:

- ``forecast``: the forecast's calibrated cumulative quantiles (``lead_time_table``);
- ``history``: the item's own bootstrap sums over the interval from its last 730 days
  (``PolicyParams.recent``), scaled to the forecast's level; the forecast's quantiles where it
  has fewer than 13 periods (as the plan does).

A SKU-origin is covered at a level when the actual demand over the next L + R periods is at
most that reorder point. Printed per catalogue and source: coverage at each level overall, per
ABC class (``classify_skus`` on the history before the origin, the settings' basis, the item
master's unit cost where there is one) and per demand pattern (the forecast's, same history),
the mean excess above the mean (units: the buffer), and which source is closer to nominal on
average (mean |coverage - level| over levels and groups with >= 30 SKU-origins).

Evaluated: SKUs the plan would buffer (forecast mean > 0, not classified dead) whose interval is
fully observed; review period R = one period, so L + R is a whole number of periods on every
catalogue here (sums of whole periods, no fraction). A seeded sample of at most 1,000 SKUs per
catalogue is fitted (the classes are computed on the whole catalogue).
"""

from __future__ import annotations

import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from jitjic.classification import classify_skus
from jitjic.forecasting import AutoForecast, lead_time_table, summary_table
from jitjic.forecasting.auto import SEASON
from jitjic.policy.params import PolicyParams
from jitjic.policy.uncertainty import Protection

from jitjic.settings import load_settings
from jitjic.wiring import PERIOD_DAYS, classify_params, forecast_params

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
NON_PRODUCT = ("POST", "D", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "C2", "PADS", "S", "B")
LEVELS = (0.8, 0.9, 0.95, 0.99)
SOURCES = ("forecast", "history")
PATTERNS = ("smooth", "erratic", "intermittent", "lumpy")
ORIGINS = 6
MAX_SKUS = 1000
SEED = 0
MIN_GROUP = 30  # SKU-origins a group needs to count in the verdict


@dataclass(frozen=True)
class Catalogue:
    """``y``: SKU x period demand (units, NaN where not observed: before the first sale, or a
    month the stores system holds no figure for); ``hits``: order lines per period;
    ``lead``: per SKU, in periods (one column per lead-time variant); ``step``: periods between
    origins (at least the longest L + R)."""

    name: str
    ids: np.ndarray
    dates: pd.DatetimeIndex
    y: np.ndarray
    hits: np.ndarray
    period: str
    lead: dict[str, np.ndarray]
    unit_cost: pd.Series | None
    step: int
    note: str


def _from_first_sale(y: np.ndarray) -> np.ndarray:
    """NaN before each SKU's first positive period (zeros after it stay zeros)."""
    started = np.cumsum(np.nan_to_num(y) > 0, axis=1) > 0
    return np.where(started, y, np.nan)


def _wide(frame: pd.DataFrame, sku: str, date: str, value: str, dates: pd.DatetimeIndex) -> pd.DataFrame:
    return frame.pivot_table(index=sku, columns=date, values=value, aggfunc="sum").reindex(columns=dates)


def online_retail() -> Catalogue:
    """Monday weeks, partial first and last weeks dropped; cancellations, quantity or price <= 0
    and non-product codes (and codes not starting with a digit) dropped, as
    ``forecast_vs_statsforecast.weekly_series``; L = 14 days (the policy default)."""
    raw = pd.read_csv(SHARED / "online_retail.csv.gz", dtype={"InvoiceNo": str, "StockCode": str})
    keep = (
        ~raw["InvoiceNo"].str.startswith("C")
        & (raw["Quantity"] > 0)
        & (raw["UnitPrice"] > 0)
        & ~raw["StockCode"].isin(NON_PRODUCT)
        & raw["StockCode"].str.match(r"^[0-9]")
    )
    raw = raw[keep]
    day = pd.to_datetime(raw["InvoiceDate"]).dt.normalize()
    raw = raw.assign(week=day - pd.to_timedelta(day.dt.dayofweek, unit="D"), lines=1.0)
    weeks = pd.date_range(day.min(), day.max(), freq="W-MON")  # Mondays strictly inside: whole weeks
    weeks = weeks[weeks + pd.Timedelta(days=6) <= day.max()]
    qty = _wide(raw, "StockCode", "week", "Quantity", weeks)
    y = _from_first_sale(qty.fillna(0.0).to_numpy(float))
    hits = _wide(raw, "StockCode", "week", "lines", weeks).reindex(qty.index).fillna(0.0).to_numpy(float)
    ids = qty.index.to_numpy()
    periods = PolicyParams().default_lead_time_days / PERIOD_DAYS["week"]
    note = f"{len(weeks)} whole weeks, L = 14 days (default) = 2 weeks"
    return Catalogue("online_retail", ids, weeks, y, hits, "week", {"L=2w": np.full(len(ids), periods)}, None, 3, note)


def manufacturing() -> Catalogue:
    """Weekly; lead times from the item master (``lead_time_weeks``: 16 or 7)."""
    raw = pd.read_csv(SHARED / "manufacturing" / "demand_weekly.csv.gz", parse_dates=["week_start"])
    items = pd.read_csv(SHARED / "manufacturing" / "items.csv").set_index("sku")
    weeks = pd.DatetimeIndex(np.sort(raw["week_start"].unique()))
    qty = _wide(raw, "sku", "week_start", "qty", weeks)
    y = _from_first_sale(qty.to_numpy(float))
    ids = qty.index.to_numpy()
    lead = items["lead_time_weeks"].reindex(ids).to_numpy(float)
    return Catalogue(
        "manufacturing",
        ids,
        weeks,
        y,
        (np.nan_to_num(y) > 0).astype(float),
        "week",
        {"L=item": lead},
        items["unit_cost_eur"],
        int(np.nanmax(lead)) + 1,
        f"{len(weeks)} weeks, L = lead_time_weeks (7 or 16) from items.csv",
    )


def oil() -> Catalogue:
    """Monthly; an empty month is not observed (NaN), returns (negative) clipped at 0; L = 1 and
    3 months (stated: the data has none). Observation comes in blocks of whole years: 11,619
    parts have empty months after their first observed one (not "a few"), so a part is fitted
    on its unbroken run of observed months before the origin (``_last_block``)."""
    raw = pd.read_csv(SHARED / "oil" / "demand_monthly.csv.gz", parse_dates=["month_start"])
    items = pd.read_csv(SHARED / "oil" / "items.csv").set_index("sku")
    months = pd.DatetimeIndex(np.sort(raw["month_start"].unique()))
    qty = raw.pivot(index="sku", columns="month_start", values="qty").reindex(columns=months)
    y = _from_first_sale(np.clip(qty.to_numpy(float), 0.0, None))  # NaN stays NaN
    ids = qty.index.to_numpy()
    n = len(ids)
    return Catalogue(
        "oil",
        ids,
        months,
        y,
        (np.nan_to_num(y) > 0).astype(float),
        "month",
        {"L=1m": np.full(n, 1.0), "L=3m": np.full(n, 3.0)},
        items["unit_cost"],
        4,
        f"{len(months)} months, L = 1 and 3 months (stated), returns clipped at 0",
    )


def pasta() -> Catalogue:
    """Daily; days without a row (shop closed) are zero; promotions not used; L = 7 days.
    Origins 4 weeks apart, so they span half a year rather than one Christmas."""
    raw = pd.read_csv(SHARED / "pasta" / "sales_daily.csv.gz", parse_dates=["date"])
    days = pd.date_range(raw["date"].min(), raw["date"].max(), freq="D")
    qty = _wide(raw, "sku", "date", "qty", days).fillna(0.0)  # a closed day sold nothing
    y = _from_first_sale(qty.to_numpy(float))
    ids = qty.index.to_numpy()
    return Catalogue(
        "pasta",
        ids,
        days,
        y,
        (np.nan_to_num(y) > 0).astype(float),
        "day",
        {"L=7d": np.full(len(ids), 7.0)},
        None,
        28,
        f"{len(days)} days, closed days zero, L = 7 days, promo flag not used",
    )


LOADERS = {"online_retail": online_retail, "manufacturing": manufacturing, "oil": oil, "pasta": pasta}


def _last_block(y: np.ndarray, end: int) -> np.ndarray:
    """``y[:, :end]`` with everything before each row's last unobserved period set to NaN: the
    history a forecast can use is the unbroken run of observed periods up to the origin."""
    h = y[:, :end]
    gap = np.where(np.isnan(h), np.arange(end)[None, :], -1).max(axis=1)
    return np.where(np.arange(end)[None, :] > gap[:, None], h, np.nan)


def _long(cat: Catalogue, end: int) -> pd.DataFrame:
    """The demand before period ``end`` as classify_skus reads it (observed periods only)."""
    y, hits = cat.y[:, :end], cat.hits[:, :end]
    row, col = np.nonzero(np.isfinite(y))
    qty = y[row, col]
    cost = 1.0 if cat.unit_cost is None else cat.unit_cost.reindex(cat.ids).fillna(1.0).to_numpy(float)[row]
    return pd.DataFrame(
        {
            "sku": cat.ids[row],
            "period_start": cat.dates[col],
            "qty": qty,
            "order_lines": hits[row, col],
            "revenue": qty * cost,
        }
    )


def _actual(y: np.ndarray, origin: int, periods: np.ndarray) -> np.ndarray:
    """Demand over ``periods`` (per SKU) from ``origin``: whole periods, the last by its share;
    NaN where any of them is not observed."""
    whole = np.ceil(periods - 1e-9).astype(int)
    width = int(whole.max())
    window = y[:, origin : origin + width]
    steps = np.arange(width)[None, :]
    weight = np.clip(periods[:, None] - steps, 0.0, 1.0)
    needed = steps < whole[:, None]
    missing = (needed & np.isnan(window)).any(axis=1) | (origin + whole > y.shape[1])
    return np.where(missing, np.nan, (np.nan_to_num(window) * weight).sum(axis=1))


def evaluate(cat: Catalogue, sample: np.ndarray) -> pd.DataFrame:
    """One row per lead-time variant, origin, SKU and source: class, pattern, and at each level
    whether the actual demand over L + R was covered and the excess above the mean (units)."""
    settings = load_settings(None, use_default_file=False)
    fp = forecast_params(settings) | {"seasonal_limit": 0}  # as the replay: no statsmodels fits
    cp = classify_params(settings)
    params = PolicyParams(period_days=PERIOD_DAYS[cat.period])
    review = params.review_periods()[0]
    window = int(np.ceil(max(lead.max() for lead in cat.lead.values()) + review))
    horizon = max(settings.forecast.horizon, window)
    total = cat.y.shape[1]
    origins = [total - window - k * cat.step for k in range(ORIGINS)][::-1]
    unit_cost = None if cat.unit_cost is None else cat.unit_cost.dropna()
    rows = []
    for origin in origins:
        classes = classify_skus(_long(cat, origin), unit_cost, **cp).set_index("sku")
        y = _last_block(cat.y[sample], origin)
        live = np.isfinite(y).any(axis=1)
        ids, y = cat.ids[sample][live], y[live]
        auto = AutoForecast(horizon, period=cat.period, season=SEASON[cat.period], **fp)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            auto.fit(y, dates=cat.dates[:origin])
        summary = summary_table(auto, ids)
        mean = summary["mean"].clip(lower=0).to_numpy(float)
        sigma = summary["sigma"].clip(lower=0).to_numpy(float)
        table = lead_time_table(auto, ids)
        known = classes.reindex(ids)
        buffered = (mean > 0) & (known["lifecycle"] != "dead").to_numpy()
        own = np.isfinite(params.recent(y)).sum(axis=1) >= 13  # bootstrap_quantiles' min_periods
        for variant, lead in cat.lead.items():
            lead = lead[sample][live]
            periods = lead + review
            actual = _actual(cat.y[sample][live], origin, periods)
            ok = buffered & np.isfinite(actual)
            skus = pd.Series(ids)
            protection = {
                "forecast": Protection(skus, table, periods, sigma),
                "history": Protection(skus, table, periods, sigma, history=params.recent(y), mean=mean),
            }
            for source, prot in protection.items():
                frame = pd.DataFrame(
                    {
                        "variant": variant,
                        "origin": cat.dates[origin].date(),
                        "sku": ids,
                        "source": source,
                        "abc": known["abc"].to_numpy(),
                        "pattern": auto.group_,
                        "own_history": own,
                    }
                )
                # the plan's mean over the interval: the forecast path's, where it has one
                rate = np.where(np.isfinite(prot.rate), prot.rate, mean)
                for level in LEVELS:
                    excess = prot.excess(level)
                    frame[f"cov{level:g}"] = actual <= rate * periods + excess + 1e-9
                    frame[f"ex{level:g}"] = excess
                rows.append(frame[ok])
    return pd.concat(rows, ignore_index=True)


def _groups(frame: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    out = [("all", frame)]
    out += [(f"abc {c}", frame[frame["abc"] == c]) for c in ("A", "B", "C")]
    out += [(p, frame[frame["pattern"] == p]) for p in PATTERNS]
    return out


def table(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, float]]:
    """Coverage and mean excess per source and group; per source the mean |coverage - level|."""
    rows, gaps = [], {}
    for source in SOURCES:
        part = frame[frame["source"] == source]
        misses = []
        for name, g in _groups(part):
            row = {"source": source, "group": name, "n": len(g)}
            for level in LEVELS:
                row[f"cov{level:g}"] = g[f"cov{level:g}"].mean() if len(g) else np.nan
                if len(g) >= MIN_GROUP:
                    misses.append(abs(row[f"cov{level:g}"] - level))
            for level in LEVELS:
                row[f"ex{level:g}"] = g[f"ex{level:g}"].mean() if len(g) else np.nan
            rows.append(row)
        gaps[source] = float(np.mean(misses))
    return pd.DataFrame(rows), gaps


def main(names: list[str]) -> None:
    t_all = time.perf_counter()
    for name in names:
        t0 = time.perf_counter()
        rng = np.random.default_rng(SEED)  # each catalogue's sample whatever else is run
        cat = LOADERS[name]()
        sold = np.flatnonzero(np.nansum(cat.y, axis=1) > 0)
        sample = np.sort(rng.choice(sold, min(MAX_SKUS, len(sold)), replace=False))
        frame = evaluate(cat, sample)
        seconds = time.perf_counter() - t0
        for variant, part in frame.groupby("variant", sort=False):
            print(
                f"\n=== {name} {variant}: {cat.note}; {len(sample):,} of {len(sold):,} SKUs with demand sampled "
                f"(seed {SEED}); origins {', '.join(map(str, sorted(part['origin'].unique())))}; "
                f"{len(part) // 2:,} SKU-origins buffered and observed; own history (>= 13 periods) for "
                f"{part['own_history'].mean():.0%} ({seconds:.0f} s) ==="
            )
            out, gaps = table(part)
            with pd.option_context("display.width", 200, "display.max_columns", 20):
                print(out.to_string(index=False, float_format=lambda v: f"{v:.3f}" if abs(v) < 10 else f"{v:,.0f}"))
            best = min(gaps, key=gaps.get)
            print(
                f"verdict: {best} closer to nominal (mean |coverage - level| over levels and groups with >= "
                f"{MIN_GROUP}: " + ", ".join(f"{s} {gaps[s]:.3f}" for s in SOURCES) + ")"
            )
    print(f"\ntotal {time.perf_counter() - t_all:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:] or list(LOADERS))
