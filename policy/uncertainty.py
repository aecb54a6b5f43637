"""How far demand over each item's protection interval can exceed its mean, from the forecast's
calibrated quantiles of cumulative demand (or a normal curve where an item has none)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.policy.inventory import excess_at_level, excess_at_periods
from scipy.stats import norm

__all__ = ["LEVEL_COLUMNS", "ONE_SIGMA", "Protection", "bootstrap_quantiles", "mean_rate"]

LEVEL_COLUMNS = {"q50": 0.5, "q80": 0.8, "q90": 0.9, "q95": 0.95, "q99": 0.99}
# the level whose excess over the mean is one standard deviation for normal demand
ONE_SIGMA = float(norm.cdf(1.0))


def bootstrap_quantiles(
    history: np.ndarray,
    periods: np.ndarray,
    levels: np.ndarray,
    *,
    draws: int = 500,
    min_periods: int = 13,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(quantiles SKU x levels, mean SKU) of demand over ``periods`` (per SKU, fractional) from
    the item's own history (SKU x W units per period, NaN before it started), in the manner of
    Willemain: ``draws`` sums of whole periods drawn with replacement from its observed periods,
    the last one weighted by the fraction. It keeps what a normal curve loses on lumpy demand:
    many zero periods, sizes that come as a few large orders. Items with fewer than
    ``min_periods`` observed periods get NaN (too little to draw from)."""
    n, width = history.shape
    periods = np.clip(np.asarray(periods, float), 0.0, None)
    whole = np.ceil(periods - 1e-9).astype(int)
    observed = np.isfinite(history)
    count = observed.sum(axis=1)
    # each row's observed values first (stable), so a draw is an index below its count
    order = np.argsort(~observed, axis=1, kind="stable")
    packed = np.take_along_axis(np.nan_to_num(history), order, axis=1)
    rng = np.random.default_rng(seed)
    out = np.full((n, len(levels)), np.nan)
    mean = np.full(n, np.nan)
    ok = count >= min_periods
    for h in np.unique(whole[ok]):
        rows = np.flatnonzero(ok & (whole == h))
        if h == 0:
            out[rows], mean[rows] = 0.0, 0.0
            continue
        pick = (rng.random((len(rows), draws, h)) * count[rows, None, None]).astype(int)
        values = packed[rows[:, None, None], pick]
        frac = periods[rows] - (h - 1)  # the last period counts by its share
        sums = values[..., :-1].sum(axis=2) + values[..., -1] * frac[:, None]
        out[rows] = np.quantile(sums, levels, axis=1).T
        mean[rows] = sums.mean(axis=1)
    return out, mean


def mean_rate(cumulative: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Per SKU, the mean demand per period over ``periods`` (fractional) from the cumulative mean
    forecast over 1..H periods (SKU x H): interpolated between whole periods, the first period's
    rate below one, the whole horizon's beyond H."""
    lt = np.clip(np.asarray(periods, float), 1e-9, None)
    total = excess_at_periods(np.asarray(cumulative, float)[:, :, None], lt, growth=1.0)[:, 0]
    return np.maximum(total / lt, 0.0)


class Protection:
    """Demand uncertainty over ``periods`` (per SKU, fractional: lead time + review period).

    ``lead_time``: forecast_lead_time rows (sku, periods, mean, q50..q99): an item's excess is read
    off its calibrated cumulative quantiles; items without them fall back to a normal demand with
    ``sigma_per_period`` x sqrt(periods). With ``history`` (SKU x periods, units, NaN before an
    item started) the excess comes from the item's own sums over the interval instead
    (``bootstrap_quantiles``), scaled to the forecast ``mean`` per period, where it has enough
    history. Built once per plan, then read at any level.
    """

    def __init__(
        self,
        skus: pd.Series,
        lead_time: pd.DataFrame | None,
        periods: np.ndarray,
        sigma_per_period: np.ndarray,
        *,
        history: np.ndarray | None = None,
        mean: np.ndarray | None = None,
        draws: int = 200,
    ):
        n = len(skus)
        self.periods = np.asarray(periods, float)
        self.sigma_normal = np.asarray(sigma_per_period, float) * np.sqrt(self.periods)
        self.found = np.zeros(n, dtype=bool)
        self.levels = np.array(list(LEVEL_COLUMNS.values()))
        self.table = np.zeros((n, len(self.levels)))
        # mean demand per period over the interval (NaN where no forecast path is known): a daily
        # forecast's next day may be a closed Sunday, a weekly one's next week before a peak
        self.rate = np.full(n, np.nan)
        if lead_time is not None and not lead_time.empty:
            wide = lead_time.sort_values(["sku", "periods"], kind="mergesort")
            horizon = int(wide["periods"].max())
            index = pd.Index(wide["sku"].drop_duplicates())
            rows = index.get_indexer(pd.Index(skus))
            self.found = rows >= 0
            values = wide[list(LEVEL_COLUMNS)].to_numpy(float) - wide[["mean"]].to_numpy(float)
            cube = values.reshape(len(index), horizon, len(self.levels))[rows[self.found]]
            self.table[self.found] = excess_at_periods(cube, self.periods[self.found])
            cumulative = wide["mean"].to_numpy(float).reshape(len(index), horizon)[rows[self.found]]
            self.rate[self.found] = mean_rate(cumulative, self.periods[self.found])
        if history is not None:  # the item's own demand over the interval, where it has enough
            q, boot_mean = bootstrap_quantiles(history, self.periods, self.levels, draws=draws)
            own = np.isfinite(boot_mean)
            # the shape of the item's own sums, at the forecast's level (within half to twice it)
            per_period = np.ones(n) if mean is None else np.asarray(mean, float)
            level = np.where(np.isfinite(self.rate), self.rate, per_period) * self.periods
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(boot_mean > 0, np.clip(level / boot_mean, 0.5, 2.0), 1.0)
            self.table[own] = (q[own] - boot_mean[own, None]) * scale[own, None]
            self.found |= own
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
