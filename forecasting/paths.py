"""Every candidate's forecast paths: at each backtest origin and from all history.

This is the costly part of the automatic forecast, and it is row-wise: a SKU's paths depend on
its own history only. So it can be computed per SKU partition (on a Dask cluster) and the
selection, which pools over SKUs, sees exactly the numbers one process would have computed.
The one expensive family (Holt-Winters via statsmodels) is fitted only on a bounded number of
SKUs chosen from the whole catalogue; everywhere else it falls back to damped Holt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from jitjic.forecasting.ets import eligible, fit_holt_winters, process_map
from jitjic.forecasting.models import make_model
from jitjic.forecasting.seasons import MIN_FACTOR, CalendarFactors, calendar_factors

__all__ = [
    "EXPENSIVE",
    "FALLBACK",
    "SeasonalJob",
    "backtest_origins",
    "cheap_paths",
    "seasonal_rows",
    "holt_winters_jobs",
    "run_seasonal_job",
    "apply_seasonal",
    "candidate_paths",
    "calendar_paths",
    "PATH_WINDOW",
]

EXPENSIVE = "HoltWinters"
FALLBACK = "HoltDamped"
# level models see at most this much recent history (a year of days): five years of daily
# data cost five times the time and tell an exponentially weighted level nothing more
PATH_WINDOW = {"day": 364}
# models whose paths are not recomputed on demand divided by the calendar factors: they carry
# their own season
OWN_SEASON = ("SeasonalNaive", EXPENSIVE)
# a SKU whose factors all lie this close to 1 keeps its plain paths
FLAT = 0.01
# SKUs per statsmodels job: big enough to amortise a task, small enough to spread over workers
JOB_ROWS = 50


def backtest_origins(periods: int, horizon: int, n_origins: int, origin_step: int) -> list[int]:
    """Backtest origins, latest first: the periods of history each backtest fit sees."""
    last = periods - horizon
    return [o for o in (last - i * origin_step for i in range(n_origins)) if o >= 2]


def forecast_at(
    model: str, y: np.ndarray, cuts: list[int], horizon: int, season: int, window: int | None = None
) -> np.ndarray:
    """cuts x sku x h forecasts of ``model`` fitted on ``y[:, :c]`` for each cut; with
    ``window``, on the periods from ``window`` before the earliest cut on."""
    start = max(0, min(cuts) - window) if window else 0
    return make_model(model, season).forecast_cuts(y[:, start:], [c - start for c in cuts], horizon)


def cheap_paths(
    y: np.ndarray, candidates: Sequence[str], origins: list[int], horizon: int, season: int, window: int | None = None
) -> dict[str, np.ndarray]:
    """model -> (origins + 1) x sku x h forecasts (units per period); slot ``i`` is fitted on
    ``y[:, :origins[i]]`` (from ``window`` periods before the earliest origin when given),
    the last slot on all of ``y``. Holt-Winters gets its damped-Holt fallback here; ``apply_seasonal`` puts the
    statsmodels fits in."""
    cuts = [*origins, y.shape[1]]
    out: dict[str, np.ndarray] = {}
    for m in candidates:
        if m == EXPENSIVE:
            continue
        out[m] = forecast_at(m, y, cuts, horizon, season, window)
    if EXPENSIVE in candidates:
        out[EXPENSIVE] = (
            out[FALLBACK].copy()
            if FALLBACK in out
            else np.stack([make_model(FALLBACK).forecast(y[:, :c], horizon) for c in cuts])
        )
    return out


def seasonal_rows(y: np.ndarray, season: int, limit: int) -> np.ndarray:
    """Rows (of the whole catalogue) worth a Holt-Winters fit: two seasons of mostly non-zero
    history, the ``limit`` biggest by volume (ties by row). Computed on all SKUs at once, so a
    partitioned run fits the same ones."""
    rows = np.flatnonzero(eligible(y, season))
    if len(rows) > limit:
        volume = np.nansum(y[rows], axis=1)
        rows = np.sort(rows[np.lexsort((rows, -volume))[:limit]])
    return rows


@dataclass(frozen=True)
class SeasonalJob:
    """Fit Holt-Winters on ``history`` (rows x periods) and forecast ``horizon``; the result goes
    to ``slot`` (an origin, or the last slot for all history) of rows ``rows``."""

    slot: int
    rows: np.ndarray
    history: np.ndarray
    horizon: int
    season: int


def holt_winters_jobs(
    y: np.ndarray, rows: np.ndarray, origins: list[int], horizon: int, season: int, job_rows: int = JOB_ROWS
) -> list[SeasonalJob]:
    """The statsmodels fits to run: per slot, the chosen rows eligible at that cut, in chunks."""
    jobs = []
    for slot, cut in enumerate([*origins, y.shape[1]]):
        history = y[rows, :cut]
        ok = rows[eligible(history, season)]
        for start in range(0, len(ok), job_rows):
            chunk = ok[start : start + job_rows]
            jobs.append(SeasonalJob(slot, chunk, y[chunk, :cut], horizon, season))
    return jobs


def run_seasonal_job(job: SeasonalJob) -> np.ndarray:
    """rows x horizon forecasts of one job (units per period)."""
    return fit_holt_winters(job.history, job.horizon, job.season)


def apply_seasonal(paths: dict[str, np.ndarray], jobs: Sequence[SeasonalJob], results: Sequence[np.ndarray]) -> None:
    """Write the statsmodels forecasts over the fallback, in place."""
    for job, result in zip(jobs, results, strict=True):
        paths[EXPENSIVE][job.slot, job.rows] = result


def candidate_paths(
    y: np.ndarray,
    candidates: Sequence[str],
    origins: list[int],
    horizon: int,
    season: int,
    seasonal_limit: int,
    mapper: Callable | None = None,
    window: int | None = None,
) -> dict[str, np.ndarray]:
    """All candidates' paths for ``y`` in one process; ``mapper(fn, jobs)`` runs the statsmodels
    jobs (default: a process pool)."""
    paths = cheap_paths(y, candidates, origins, horizon, season, window)
    if EXPENSIVE in candidates:
        jobs = holt_winters_jobs(y, seasonal_rows(y, season, seasonal_limit), origins, horizon, season)
        apply_seasonal(paths, jobs, (mapper or process_map)(run_seasonal_job, jobs))
    return paths


def calendar_paths(
    paths: dict[str, np.ndarray],
    y: np.ndarray,
    dates,
    period: str,
    origins: list[int],
    horizon: int,
    season: int,
    promo: np.ndarray | None = None,
    window: int | None = None,
) -> CalendarFactors:
    """Redo, in place, the paths of the SKUs with calendar effects (``forecasting.seasons``):
    the models see demand divided by the factors (a period whose factor is under MIN_FACTOR
    left out) and their forecasts are multiplied by the factors ahead. The backtest origins
    share factors learnt before the earliest of them (none sees its own future, and one pass
    serves them all); the last slot's are learnt from all history. Pooled over all SKUs, so run
    on the joined partitions. Returns the last slot's factors."""
    dates = np.asarray(dates)
    periods = y.shape[1]
    final = calendar_factors(y, dates, period, horizon, promo)
    sets = [(list(range(len(origins) + 1))[-1:], [periods], final)]
    if origins:
        sets.append(
            (
                list(range(len(origins))),
                origins,
                calendar_factors(y, dates, period, horizon, promo, fit_until=min(origins)),
            )
        )
    for slots, cuts, factors in sets:
        full = np.concatenate([factors.history, factors.future], axis=1)
        start = max(0, min(cuts) - window) if window else 0
        rows = np.flatnonzero((np.abs(full[:, start : max(cuts) + horizon] - 1) > FLAT).any(axis=1))
        if not len(rows):
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            adjusted = np.where(full[rows, :periods] >= MIN_FACTOR, y[rows] / full[rows, :periods], np.nan)
        ahead = np.stack([full[rows, c : c + horizon] for c in cuts])
        for m in paths:
            if m not in OWN_SEASON:
                paths[m][np.ix_(np.asarray(slots), rows)] = (
                    forecast_at(m, adjusted, cuts, horizon, season, window) * ahead
                )
    return final
