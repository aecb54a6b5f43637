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

from forecasting.ets import eligible, fit_holt_winters, process_map
from forecasting.models import make_model

__all__ = [
    "EXPENSIVE", "FALLBACK", "SeasonalJob", "backtest_origins", "cheap_paths", "seasonal_rows", "seasonal_jobs",
    "run_seasonal_job", "apply_seasonal", "candidate_paths",
]

EXPENSIVE = "HoltWinters"
FALLBACK = "HoltDamped"
# SKUs per statsmodels job: big enough to amortise a task, small enough to spread over workers
JOB_ROWS = 50


def backtest_origins(periods: int, horizon: int, n_origins: int, origin_step: int) -> list[int]:
    """Backtest origins, latest first: the periods of history each backtest fit sees."""
    last = periods - horizon
    return [o for o in (last - i * origin_step for i in range(n_origins)) if o >= 2]


def cheap_paths(y: np.ndarray, candidates: Sequence[str], origins: list[int], horizon: int,
                season: int) -> dict[str, np.ndarray]:
    """model -> (origins + 1) x sku x h forecasts (units per period); slot ``i`` is fitted on
    ``y[:, :origins[i]]``, the last slot on all of ``y``. Holt-Winters gets its damped-Holt
    fallback here; ``apply_seasonal`` puts the statsmodels fits in."""
    cuts = [*origins, y.shape[1]]
    out: dict[str, np.ndarray] = {}
    for m in candidates:
        if m == EXPENSIVE:
            continue
        out[m] = np.stack([make_model(m, season).forecast(y[:, :c], horizon) for c in cuts])
    if EXPENSIVE in candidates:
        out[EXPENSIVE] = out[FALLBACK].copy() if FALLBACK in out else np.stack(
            [make_model(FALLBACK).forecast(y[:, :c], horizon) for c in cuts])
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


def seasonal_jobs(y: np.ndarray, rows: np.ndarray, origins: list[int], horizon: int, season: int,
                  job_rows: int = JOB_ROWS) -> list[SeasonalJob]:
    """The statsmodels fits to run: per slot, the chosen rows eligible at that cut, in chunks."""
    jobs = []
    for slot, cut in enumerate([*origins, y.shape[1]]):
        history = y[rows, :cut]
        ok = rows[eligible(history, season)]
        for start in range(0, len(ok), job_rows):
            chunk = ok[start:start + job_rows]
            jobs.append(SeasonalJob(slot, chunk, y[chunk, :cut], horizon, season))
    return jobs


def run_seasonal_job(job: SeasonalJob) -> np.ndarray:
    """rows x horizon forecasts of one job (units per period)."""
    return fit_holt_winters(job.history, job.horizon, job.season)


def apply_seasonal(paths: dict[str, np.ndarray], jobs: Sequence[SeasonalJob], results: Sequence[np.ndarray]) -> None:
    """Write the statsmodels forecasts over the fallback, in place."""
    for job, result in zip(jobs, results, strict=True):
        paths[EXPENSIVE][job.slot, job.rows] = result


def candidate_paths(y: np.ndarray, candidates: Sequence[str], origins: list[int], horizon: int, season: int,
                    seasonal_limit: int, mapper: Callable | None = None) -> dict[str, np.ndarray]:
    """All candidates' paths for ``y`` in one process; ``mapper(fn, jobs)`` runs the statsmodels
    jobs (default: a process pool)."""
    paths = cheap_paths(y, candidates, origins, horizon, season)
    if EXPENSIVE in candidates:
        jobs = seasonal_jobs(y, seasonal_rows(y, season, seasonal_limit), origins, horizon, season)
        apply_seasonal(paths, jobs, (mapper or process_map)(run_seasonal_job, jobs))
    return paths

