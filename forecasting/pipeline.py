"""Long demand in, forecast tables out: in one process, or per SKU partition on a cluster.

``forecast_demand`` is ``prepare_partition`` on all SKUs followed by ``forecast_partitions``.
A cluster runs ``prepare_partition`` once per partition (each reading only its SKUs) and
``run_seasonal_job`` on the ``seasonal_jobs``; ``forecast_partitions`` then selects and
calibrates on the joined partitions and gets the same tables, because every number it pools
is computed row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from jitjic.forecasting.auto import (
    CANDIDATES,
    N_ORIGINS,
    PERIOD_FREQ,
    SEASON,
    AutoForecast,
    ForecastResult,
    build_result,
)
from jitjic.forecasting.ets import process_map
from jitjic.forecasting.matrix import to_matrix
from jitjic.forecasting.outliers import cap_outliers
from jitjic.forecasting.paths import (
    EXPENSIVE,
    PATH_WINDOW,
    SeasonalJob,
    apply_seasonal,
    cheap_paths,
    holt_winters_jobs,
    run_seasonal_job,
    seasonal_rows,
)

__all__ = [
    "Partition",
    "prepare_partition",
    "seasonal_jobs",
    "forecast_partitions",
    "forecast_demand",
    "ROW_WISE_PARAMS",
    "SEASONAL_PARAMS",
]

# the auto_params that shape the row-wise paths (the rest only matter when pooling), and those
# that choose the statsmodels fits
ROW_WISE_PARAMS = ("models", "backtest_origins", "origin_step")
SEASONAL_PARAMS = (*ROW_WISE_PARAMS, "seasonal_limit")


@dataclass
class Partition:
    """SKUs ``ids`` (sorted), their demand matrix after flooring and capping (units per period,
    NaN before a SKU starts), outliers capped per SKU, every candidate's paths, and the share of
    each period on promotion over the periods and the horizon after them (None: not known)."""

    ids: np.ndarray
    y: np.ndarray
    capped: np.ndarray
    paths: dict[str, np.ndarray]
    promo: np.ndarray | None = None


def _origins(periods: int, horizon: int, backtest_origins: int, origin_step: int | None) -> list[int]:
    return AutoForecast(horizon, backtest_origins=backtest_origins, origin_step=origin_step).origins(periods)


def _promo_matrix(
    demand: pd.DataFrame,
    known_future: pd.DataFrame | None,
    ids: np.ndarray,
    periods: Sequence | np.ndarray,
    horizon: int,
    period: str,
    id_col: str,
    time_col: str,
    promo_col: str,
) -> np.ndarray | None:
    """SKU x (periods + horizon) share on promotion (0 where not said), or None when neither the
    history nor ``known_future`` carries ``promo_col``."""
    frames = [f for f in (demand, known_future) if f is not None and promo_col in f.columns]
    if not frames:
        return None
    last = pd.Timestamp(pd.to_datetime(np.asarray(periods))[-1])
    ahead = pd.date_range(last, periods=horizon + 1, freq=PERIOD_FREQ[period])[1:]
    calendar = pd.DatetimeIndex(pd.to_datetime(np.asarray(periods))).append(ahead)
    both = pd.concat([f[[id_col, time_col, promo_col]] for f in frames], ignore_index=True)
    rows = pd.Index(ids).get_indexer(both[id_col])
    cols = calendar.get_indexer(pd.to_datetime(both[time_col]))
    keep = (rows >= 0) & (cols >= 0)
    out = np.zeros((len(ids), len(calendar)))
    out[rows[keep], cols[keep]] = np.clip(both[promo_col].to_numpy(dtype=float)[keep], 0.0, 1.0)
    return out


def _check_period(period: str) -> None:
    if period not in PERIOD_FREQ:
        raise ValueError(f"period must be one of {sorted(PERIOD_FREQ)}, got {period!r}")


def prepare_partition(
    demand: pd.DataFrame,
    periods: Sequence | np.ndarray,
    horizon: int,
    *,
    period: str = "week",
    models: tuple[str, ...] = CANDIDATES,
    backtest_origins: int = N_ORIGINS,
    origin_step: int | None = None,
    outlier_factor: float | None = 5.0,
    id_col: str = "sku",
    time_col: str = "period_start",
    target_col: str = "qty",
    known_future: pd.DataFrame | None = None,
    promo_col: str = "promo",
) -> Partition:
    """The row-wise work for the SKUs in ``demand`` on the calendar ``periods`` (every period of
    the whole run, so each partition sees the same origins). A ``promo_col`` in ``demand`` and
    in ``known_future`` (its rows for the periods ahead) is the share of a period on promotion."""
    _check_period(period)
    ids, _, y = to_matrix(demand, id_col, time_col, target_col, periods=periods)
    # net returns can make a period negative; forecasts use demand floored at zero
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    y, capped = cap_outliers(y, outlier_factor) if outlier_factor else (y, np.zeros(len(ids), dtype=int))
    origins = _origins(y.shape[1], horizon, backtest_origins, origin_step)
    promo = _promo_matrix(demand, known_future, ids, periods, horizon, period, id_col, time_col, promo_col)
    paths = cheap_paths(y, models, origins, horizon, SEASON[period], PATH_WINDOW.get(period))
    return Partition(ids, y, capped, paths, promo)


def _join(parts: Sequence[Partition]) -> Partition:
    parts = [p for p in parts if len(p.ids)]
    if not parts:
        raise ValueError("no demand to forecast: the demand frame is empty")
    ids = np.concatenate([p.ids for p in parts])
    if len(ids) > 1 and not (ids[1:] > ids[:-1]).all():
        raise ValueError("partitions must hold disjoint SKUs in ascending order")
    paths = {m: np.concatenate([p.paths[m] for p in parts], axis=1) for m in parts[0].paths}
    promo = None
    if any(p.promo is not None for p in parts):
        width = next(p.promo for p in parts if p.promo is not None).shape[1]
        promo = np.concatenate([p.promo if p.promo is not None else np.zeros((len(p.ids), width)) for p in parts])
    return Partition(ids, np.concatenate([p.y for p in parts]), np.concatenate([p.capped for p in parts]), paths, promo)


def seasonal_jobs(
    parts: Sequence[Partition],
    horizon: int,
    *,
    period: str = "week",
    models: tuple[str, ...] = CANDIDATES,
    backtest_origins: int = N_ORIGINS,
    origin_step: int | None = None,
    seasonal_limit: int = 200,
) -> list[SeasonalJob]:
    """The statsmodels fits the joined partitions need (none unless Holt-Winters is a candidate)."""
    if EXPENSIVE not in models:
        return []
    joined = _join(parts)
    season = SEASON[period]
    origins = _origins(joined.y.shape[1], horizon, backtest_origins, origin_step)
    return holt_winters_jobs(joined.y, seasonal_rows(joined.y, season, seasonal_limit), origins, horizon, season)


def forecast_partitions(
    parts: Sequence[Partition],
    periods: Sequence | np.ndarray,
    horizon: int,
    *,
    period: str = "week",
    interval_level: float = 0.9,
    jobs: Sequence[SeasonalJob] = (),
    fitted: Sequence[np.ndarray] = (),
    id_col: str = "sku",
    time_col: str = "period_start",
    **auto_params,
) -> ForecastResult:
    """Select, calibrate and tabulate on the joined partitions; ``fitted`` are the results of
    ``jobs`` (``seasonal_jobs`` of the same partitions). Calendar effects (seasons pooled over
    all SKUs, weekdays, special days, promotions) are learnt here, on all SKUs together."""
    _check_period(period)
    joined = _join(parts)
    apply_seasonal(joined.paths, jobs, fitted)
    auto_params.setdefault("season", SEASON[period])
    auto = AutoForecast(horizon, interval_level=interval_level, period=period, **auto_params).fit(
        joined.y, paths=joined.paths, dates=periods, promo=joined.promo
    )
    return build_result(
        auto,
        joined.ids,
        np.asarray(periods)[-1],
        joined.capped,
        period=period,
        level=interval_level,
        id_col=id_col,
        time_col=time_col,
    )


def forecast_demand(
    demand: pd.DataFrame,
    horizon: int,
    *,
    period: str = "week",
    interval_level: float = 0.9,
    id_col: str = "sku",
    time_col: str = "period_start",
    target_col: str = "qty",
    outlier_factor: float | None = 5.0,
    mapper: Callable | None = None,
    known_future: pd.DataFrame | None = None,
    **auto_params,
) -> ForecastResult:
    """Forecast ``horizon`` periods for every series of long ``demand`` (units per period).

    Outliers are capped first (``forecasting.outliers``; ``outlier_factor=None`` turns that
    off); the summary counts them per SKU. ``auto_params`` go to AutoForecast; ``mapper(fn,
    jobs)`` runs the statsmodels fits (default: a process pool). A ``promo`` column (share of
    the period on promotion, 0-1) in ``demand`` and in ``known_future`` (``id_col, time_col,
    promo`` for the periods ahead) makes promotions a known input.
    """
    _check_period(period)
    for col in (id_col, time_col, target_col):
        if col not in demand.columns:
            raise ValueError(f"'{col}' column is missing; found {list(demand.columns)}")
    if demand.empty:
        raise ValueError("no demand to forecast: the demand frame is empty")
    periods = np.sort(pd.unique(demand[time_col].to_numpy()))  # hashed, then only the distinct ones sorted
    row_wise = {k: auto_params[k] for k in ROW_WISE_PARAMS if k in auto_params}
    part = prepare_partition(
        demand,
        periods,
        horizon,
        period=period,
        outlier_factor=outlier_factor,
        id_col=id_col,
        time_col=time_col,
        target_col=target_col,
        known_future=known_future,
        **row_wise,
    )
    jobs = seasonal_jobs(
        [part], horizon, period=period, **{k: auto_params[k] for k in SEASONAL_PARAMS if k in auto_params}
    )
    fitted = (mapper or process_map)(run_seasonal_job, jobs)
    return forecast_partitions(
        [part],
        periods,
        horizon,
        period=period,
        interval_level=interval_level,
        jobs=jobs,
        fitted=fitted,
        id_col=id_col,
        time_col=time_col,
        **auto_params,
    )
