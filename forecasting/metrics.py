"""Accuracy per series, vectorised: RMSSE, MASE, WAPE, bias, pinball loss and coverage.

``actual`` and ``forecast`` are n_series x h; ``history`` (n_series x periods, NaN before a
series starts) gives the scales of the scaled errors.
"""

from __future__ import annotations

import numpy as np

__all__ = ["scales", "rmsse", "mase", "wape", "bias", "pinball", "scaled_pinball", "coverage"]


def scales(history: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean squared, mean absolute) one-step naive change in the history; NaN where undefined.

    RMSSE divides by the first, MASE by the second: an error "as large as the naive method's".
    """
    diff = np.diff(history, axis=1)
    n = (~np.isnan(diff)).sum(axis=1)
    sq = np.nansum(diff**2, axis=1) / np.maximum(n, 1)
    ab = np.nansum(np.abs(diff), axis=1) / np.maximum(n, 1)
    undefined = (n == 0) | (sq == 0)
    return np.where(undefined, np.nan, sq), np.where(undefined, np.nan, ab)


def _mean(x: np.ndarray) -> np.ndarray:
    n = (~np.isnan(x)).sum(axis=1)
    return np.where(n > 0, np.nansum(x, axis=1) / np.maximum(n, 1), np.nan)


def _scales(history: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    if history is None:
        raise ValueError("give the history or its scale")
    return scales(history)


def rmsse(
    actual: np.ndarray, forecast: np.ndarray, history: np.ndarray | None = None, *, scale: np.ndarray | None = None
) -> np.ndarray:
    """Per series; ``scale`` (``scales(history)[0]``) saves recomputing it for many forecasts."""
    return np.sqrt(_mean((actual - forecast) ** 2) / (_scales(history)[0] if scale is None else scale))


def mase(
    actual: np.ndarray, forecast: np.ndarray, history: np.ndarray | None = None, *, scale: np.ndarray | None = None
) -> np.ndarray:
    """Per series; ``scale`` (``scales(history)[1]``) saves recomputing it."""
    return _mean(np.abs(actual - forecast)) / (_scales(history)[1] if scale is None else scale)


def wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """Total absolute error over total actual demand (pooled over all series)."""
    total = np.nansum(np.abs(actual))
    return float(np.nansum(np.abs(actual - forecast)) / total) if total > 0 else float("nan")


def bias(actual: np.ndarray, forecast: np.ndarray) -> float:
    """(forecast - actual) summed over total actual: > 0 over-forecasts."""
    total = np.nansum(np.abs(actual))
    return float(np.nansum(forecast - actual) / total) if total > 0 else float("nan")


def pinball(actual: np.ndarray, quantile: np.ndarray, tau: float) -> float:
    """Mean pinball (quantile) loss of the ``tau`` quantile forecasts, units."""
    diff = actual - quantile
    return float(np.nanmean(np.maximum(tau * diff, (tau - 1) * diff)))


def scaled_pinball(actual: np.ndarray, quantiles: dict[float, np.ndarray], history: np.ndarray) -> np.ndarray:
    """Per series: the pinball loss averaged over the levels ``tau -> quantile`` (n_series x h
    each) and the steps, divided by the mean absolute naive change of ``history`` (M5's scaled
    pinball loss); NaN where that scale is undefined."""
    losses = []
    for tau, q in quantiles.items():
        diff = actual - q
        losses.append(_mean(np.maximum(tau * diff, (tau - 1) * diff)))
    return np.mean(losses, axis=0) / scales(history)[1]


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actuals inside [lower, upper]."""
    seen = ~np.isnan(actual)
    return float(((actual >= lower) & (actual <= upper))[seen].mean()) if seen.any() else float("nan")
