"""One scikit-learn model trained across all SKUs at once (direct multi-horizon).

Features per SKU and origin, all divided by the SKU's mean demand so fast and slow movers share
one model: the last 8 periods, moving means over 4, 8, 13 and 26 periods, the share of periods
with demand, the length of the history, the log of the scale, and the step ahead. Target: the
scaled demand ``step`` periods after the origin; Poisson loss (demand is a count, never negative).
"""

from __future__ import annotations

import warnings

import numpy as np
from jitjic.forecasting.kernels import moving_average

__all__ = ["global_gbm", "MIN_ROWS"]

MIN_ROWS = 500


def _features(y: np.ndarray, origin: int) -> tuple[np.ndarray, np.ndarray]:
    hist = y[:, :origin]
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        scale = np.nanmean(hist, axis=1)
        scale = np.where(np.isfinite(scale) & (scale > 0.1), scale, 0.1)
        lags = np.full((len(y), 8), np.nan)
        width = min(8, origin)
        lags[:, :width] = hist[:, -width:][:, ::-1]
        means = [np.nanmean(hist[:, -k:], axis=1) for k in (4, 8, 13, 26)]
        active = np.nanmean(hist[:, -13:] > 0, axis=1)
    feats = np.column_stack(
        [lags / scale[:, None], *(m / scale for m in means), active, (~np.isnan(hist)).sum(axis=1), np.log(scale)]
    )
    return feats, scale


def global_gbm(y: np.ndarray, h: int, n_origins: int = 20, max_iter: int = 150, random_state: int = 0) -> np.ndarray:
    """Train on the last ``n_origins`` origins of ``y`` and forecast ``h`` periods (units)."""
    periods = y.shape[1]
    rows: list[np.ndarray] = []
    targets: list[np.ndarray] = []
    for origin in range(max(4, periods - h - n_origins + 1), periods - h + 1):
        feats, scale = _features(y, origin)
        for step in range(1, h + 1):
            rows.append(np.column_stack([feats, np.full(len(y), step)]))
            targets.append(y[:, origin + step - 1] / scale)
    if not rows:
        return np.zeros((len(y), h))
    X, target = np.vstack(rows), np.concatenate(targets)
    keep = np.isfinite(target)
    if keep.sum() < MIN_ROWS or target[keep].sum() <= 0:
        # too little to learn from: the mean of the last 8 periods
        return moving_average(y, h, 8) if y.shape[1] else np.zeros((len(y), h))
    from sklearn.ensemble import HistGradientBoostingRegressor  # heavy import, only when used

    model = HistGradientBoostingRegressor(
        loss="poisson", max_iter=max_iter, learning_rate=0.06, min_samples_leaf=50, random_state=random_state
    )
    model.fit(X[keep], np.maximum(target[keep], 0.0))
    feats, scale = _features(y, periods)
    future = np.vstack([np.column_stack([feats, np.full(len(y), s)]) for s in range(1, h + 1)])
    return model.predict(future).reshape(h, -1).T * scale[:, None]
