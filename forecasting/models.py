"""Vectorised kernels over a SKU x period matrix, each wrapped by a thin estimator class.

Kernels take ``y`` (n_series x n_periods, NaN before a series starts) and return the one-step
fitted values (same shape, NaN where no forecast existed yet) and the final forecast per series.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ses", "ses_optimised", "croston_sba", "SES", "SBA", "ALPHA_GRID"]

ALPHA_GRID = np.round(np.arange(0.05, 1.0, 0.05), 2)


def ses(y: np.ndarray, alpha: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Simple exponential smoothing, level started at each series' first value.

    Returns ``(fitted, forecast)``: ``fitted[:, t]`` is the forecast of ``y[:, t]`` made at t-1.
    """
    n, horizon = y.shape
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (n,))
    level = np.full(n, np.nan)
    fitted = np.full((n, horizon), np.nan)
    for t in range(horizon):
        obs = y[:, t]
        fitted[:, t] = level
        started = ~np.isnan(level)
        level = np.where(started, level + alpha * (obs - level), obs)
        level = np.where(np.isnan(obs), fitted[:, t], level)
    return fitted, level


def ses_optimised(y: np.ndarray, grid: np.ndarray = ALPHA_GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SES with alpha per series chosen on the grid by the smallest one-step squared error.

    Returns ``(fitted, forecast, alpha)``. Series with fewer than two values get grid's minimum.
    """
    best_sse = np.full(y.shape[0], np.inf)
    best_alpha = np.full(y.shape[0], grid[0])
    for a in grid:
        fitted, _ = ses(y, a)
        sse = np.nansum((y - fitted) ** 2, axis=1)
        better = sse < best_sse - 1e-12
        best_sse = np.where(better, sse, best_sse)
        best_alpha = np.where(better, a, best_alpha)
    fitted, forecast = ses(y, best_alpha)
    return fitted, forecast, best_alpha


def croston_sba(y: np.ndarray, alpha: float = 0.1, *, debias: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Croston's method, with the Syntetos-Boylan bias correction ``(1 - alpha/2)`` when ``debias``.

    Demand size ``z`` and inter-demand interval ``p`` are smoothed only in periods with demand;
    both start at the first demand (``p`` = periods from the series start to it, inclusive).
    Series without any demand forecast 0.
    """
    n, horizon = y.shape
    factor = 1.0 - alpha / 2.0 if debias else 1.0
    z = np.full(n, np.nan)
    p = np.full(n, np.nan)
    since = np.zeros(n)  # periods since the last demand (or since the series start)
    fitted = np.full((n, horizon), np.nan)
    for t in range(horizon):
        obs = y[:, t]
        observed = ~np.isnan(obs)
        fitted[:, t] = np.where(observed, np.where(np.isnan(z), 0.0, factor * z / p), np.nan)
        since = since + observed
        demand = observed & (obs > 0)
        first = demand & np.isnan(z)
        update = demand & ~first
        z = np.where(first, obs, np.where(update, z + alpha * (obs - z), z))
        p = np.where(first, since, np.where(update, p + alpha * (since - p), p))
        since = np.where(demand, 0.0, since)
    forecast = np.where(np.isnan(z), 0.0, factor * z / p)
    return fitted, forecast


class _Model:
    """Thin estimator over a kernel: ``fit`` stores ``fitted_`` and ``forecast_``, returns self."""

    alias = "model"

    def fit(self, y: np.ndarray) -> _Model:
        self.fitted_, self.forecast_ = self._kernel(np.asarray(y, dtype=float))
        return self

    def predict(self, h: int) -> np.ndarray:
        """Flat forecast, ``n_series x h``, units per period."""
        return np.repeat(self.forecast_[:, None], h, axis=1)

    def forecast(self, y: np.ndarray, h: int) -> np.ndarray:
        return self.fit(y).predict(h)


class SES(_Model):
    """Simple exponential smoothing with alpha optimised per series on a grid."""

    alias = "SES"

    def __init__(self, grid: np.ndarray = ALPHA_GRID):
        self.grid = grid

    def _kernel(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        fitted, forecast, self.alpha_ = ses_optimised(y, self.grid)
        return fitted, forecast


class SBA(_Model):
    """Syntetos-Boylan approximation of Croston's method, for intermittent demand."""

    alias = "SBA"

    def __init__(self, alpha: float = 0.1):
        self.alpha = alpha

    def _kernel(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return croston_sba(y, self.alpha, debias=True)
