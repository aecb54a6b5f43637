"""XYZ: how predictable per-period demand is, by its coefficient of variation."""

from __future__ import annotations

import numpy as np

__all__ = ["coefficient_of_variation", "xyz_classes"]


def coefficient_of_variation(y: np.ndarray) -> np.ndarray:
    """Population std / mean of each row of ``y`` (SKU x period, NaN = not observed).

    No trend or seasonality is removed first: purchasing feels the raw swings, and a buffer
    must cover them (a seasonal item with a good forecast is still harder to buffer than a flat
    one). NaN when the mean is not positive.
    """
    n = (~np.isnan(y)).sum(axis=1)
    total = np.nansum(y, axis=1)
    mean = total / np.maximum(n, 1)
    var = np.nansum((y - mean[:, None]) ** 2, axis=1) / np.maximum(n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(mean > 0, np.sqrt(var) / mean, np.nan)


def xyz_classes(cv: np.ndarray, cutoffs: tuple[float, float] = (0.5, 1.0)) -> np.ndarray:
    """X below the first cut-off, Y below the second, Z above it or with no demand (NaN)."""
    return np.select([cv < cutoffs[0], cv < cutoffs[1]], ["X", "Y"], "Z")
