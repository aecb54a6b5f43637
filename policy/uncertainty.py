"""How much demand over a lead time can exceed its mean, from the forecast's calibrated quantiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from policy.inventory import quantile_excess

__all__ = ["LEVEL_COLUMNS", "lead_time_excess"]

LEVEL_COLUMNS = {"q50": 0.5, "q80": 0.8, "q90": 0.9, "q95": 0.95, "q99": 0.99}
# the level whose excess over the mean is one standard deviation for normal demand
ONE_SIGMA = float(norm.cdf(1.0))


def lead_time_excess(
    skus: pd.Series,
    lead_time: pd.DataFrame | None,
    periods: np.ndarray,
    level: np.ndarray,
    sigma_per_period: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(excess at ``level``, one-sigma excess, from_quantiles flag) over ``periods`` (per SKU).

    With ``lead_time`` (forecast_lead_time rows: sku, periods, mean, q50..q99) the excess is read
    off the SKU's calibrated cumulative quantiles; SKUs without them fall back to a normal demand
    with ``sigma_per_period`` x sqrt(periods). Units.
    """
    n = len(skus)
    z = norm.ppf(np.clip(level, 0.5, 0.9999))
    excess = z * sigma_per_period * np.sqrt(periods)
    one_sigma = sigma_per_period * np.sqrt(periods)
    found = np.zeros(n, dtype=bool)
    if lead_time is None or lead_time.empty:
        return excess, one_sigma, found
    cols = list(LEVEL_COLUMNS)
    wide = lead_time.sort_values(["sku", "periods"])
    horizon = int(wide["periods"].max())
    index = {s: i for i, s in enumerate(wide["sku"].drop_duplicates())}
    rows = np.array([index.get(s, -1) for s in skus])
    found = rows >= 0
    if not found.any():
        return excess, one_sigma, found
    values = wide[cols].to_numpy() - wide[["mean"]].to_numpy()
    cube = values.reshape(len(index), horizon, len(cols))[rows[found]]
    levels = list(LEVEL_COLUMNS.values())
    excess[found] = quantile_excess(levels, cube, periods[found], level[found])
    one_sigma[found] = quantile_excess(levels, cube, periods[found], np.full(found.sum(), ONE_SIGMA))
    return np.maximum(excess, 0.0), np.maximum(one_sigma, 0.0), found
