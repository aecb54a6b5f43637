"""Judge the forecasts on a holdout: every candidate and the automatic choice, side by side."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from jitjic.forecasting import metrics
from jitjic.forecasting.auto import SEASON, AutoForecast
from jitjic.forecasting.matrix import to_matrix
from jitjic.forecasting.models import make_model
from jitjic.forecasting.outliers import cap_outliers

__all__ = ["evaluate_holdout"]

_TAUS = (0.5, 0.8, 0.9, 0.95, 0.99)


def _row(method, train, actual, mean, seconds, lower=None, upper=None, quantiles=None) -> dict:
    return {
        "method": method,
        "rmsse": float(np.nanmean(metrics.rmsse(actual, mean, train))),
        "mase": float(np.nanmean(metrics.mase(actual, mean, train))),
        "wape": metrics.wape(actual, mean),
        "bias": metrics.bias(actual, mean),
        "coverage_90": metrics.coverage(actual, lower, upper) if lower is not None else None,
        "pinball": float(np.mean([metrics.pinball(actual, q, t) for t, q in quantiles.items()])) if quantiles else None,
        "seconds": seconds,
    }


def evaluate_holdout(
    demand: pd.DataFrame,
    holdout: int,
    *,
    horizon: int | None = None,
    id_col: str = "sku",
    time_col: str = "period_start",
    target_col: str = "qty",
    period: str | None = None,
    **auto_params,
) -> pd.DataFrame:
    """Fit on all but the last ``holdout`` periods, forecast them, score every method.

    ``horizon`` (default ``holdout``) is the planning horizon the automatic selection
    backtests on; the scores cover the first ``min(horizon, holdout)`` holdout periods. Returns
    one row per candidate and one for ``auto`` (the automatic choice): RMSSE, MASE (means over
    series), WAPE, bias (pooled), 90% interval coverage and mean pinball loss over the 50-99%
    quantiles (auto only), and wall time in seconds. With ``period`` (day, week, month) the
    automatic choice learns calendar effects from the training periods' dates.
    """
    horizon = horizon or holdout
    ids, periods, y = to_matrix(demand, id_col, time_col, target_col)
    if holdout < 1 or y.shape[1] - holdout < 4:
        raise ValueError(f"holdout of {holdout} periods leaves {y.shape[1] - holdout} to fit on; need at least 4")
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    train, actual = y[:, :-holdout], y[:, -holdout:][:, : min(horizon, holdout)]
    keep = ~np.isnan(train).all(axis=1)  # SKUs that start inside the holdout cannot be judged
    train, actual = train[keep], actual[keep]
    steps = actual.shape[1]
    rows = []
    if period is not None:
        auto_params.setdefault("season", SEASON[period])
    auto = AutoForecast(horizon, period=period, **auto_params)
    for alias in auto.models:
        t0 = time.perf_counter()
        mean = make_model(alias, auto.season).forecast(train, horizon)[:, :steps]
        rows.append(_row(alias, train, actual, mean, time.perf_counter() - t0))
    t0 = time.perf_counter()
    capped, _ = cap_outliers(train)
    auto.fit(capped, dates=periods[: train.shape[1]] if period is not None else None)
    q = auto.period_quantiles()[:, :steps, :]
    seconds = time.perf_counter() - t0
    idx = {t: int(np.argmin(np.abs(auto.taus_ - t))) for t in (*_TAUS, 0.05)}
    rows.append(
        _row(
            "auto",
            train,
            actual,
            auto.mean_[:, :steps],
            seconds,
            q[:, :, idx[0.05]],
            q[:, :, idx[0.95]],
            {t: q[:, :, idx[t]] for t in _TAUS},
        )
    )
    return pd.DataFrame(rows)
