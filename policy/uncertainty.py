"""How far demand over each item's protection interval can exceed its mean, from the forecast's
calibrated quantiles of cumulative demand (or a normal curve where an item has none)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.policy.inventory import excess_at_level, excess_at_periods
from scipy.stats import norm

__all__ = ["LEVEL_COLUMNS", "ONE_SIGMA", "Protection"]

LEVEL_COLUMNS = {"q50": 0.5, "q80": 0.8, "q90": 0.9, "q95": 0.95, "q99": 0.99}
# the level whose excess over the mean is one standard deviation for normal demand
ONE_SIGMA = float(norm.cdf(1.0))


class Protection:
    """Demand uncertainty over ``periods`` (per SKU, fractional: lead time + review period).

    ``lead_time``: forecast_lead_time rows (sku, periods, mean, q50..q99): an item's excess is read
    off its calibrated cumulative quantiles; items without them fall back to a normal demand with
    ``sigma_per_period`` x sqrt(periods). Built once per plan, then read at any level.
    """

    def __init__(
        self, skus: pd.Series, lead_time: pd.DataFrame | None, periods: np.ndarray, sigma_per_period: np.ndarray
    ):
        n = len(skus)
        self.periods = np.asarray(periods, float)
        self.sigma_normal = np.asarray(sigma_per_period, float) * np.sqrt(self.periods)
        self.found = np.zeros(n, dtype=bool)
        self.levels = np.array(list(LEVEL_COLUMNS.values()))
        self.table = np.zeros((n, len(self.levels)))
        if lead_time is not None and not lead_time.empty:
            wide = lead_time.sort_values(["sku", "periods"], kind="mergesort")
            horizon = int(wide["periods"].max())
            index = pd.Index(wide["sku"].drop_duplicates())
            rows = index.get_indexer(pd.Index(skus))
            self.found = rows >= 0
            values = wide[list(LEVEL_COLUMNS)].to_numpy(float) - wide[["mean"]].to_numpy(float)
            cube = values.reshape(len(index), horizon, len(self.levels))[rows[self.found]]
            self.table[self.found] = excess_at_periods(cube, self.periods[self.found])
        self.one_sigma = self.sigma_normal.copy()
        if self.found.any():
            one = excess_at_level(self.levels, self.table[self.found], np.full(self.found.sum(), ONE_SIGMA))
            self.one_sigma[self.found] = np.maximum(one, 0.0)

    def excess(self, level) -> np.ndarray:
        """Units above the mean demand over the interval at cycle service ``level`` (per SKU;
        negative below the median, where the quantiles of a skewed demand say little: there
        the normal curve with the item's one-sigma excess)."""
        level = np.broadcast_to(np.clip(np.asarray(level, float), 1e-4, 0.9999), self.periods.shape)
        z = norm.ppf(level)
        out = z * self.sigma_normal
        if self.found.any():
            out[self.found] = excess_at_level(self.levels, self.table[self.found], level[self.found])
        return np.where(level < 0.5, z * self.one_sigma, out)
