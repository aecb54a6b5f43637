"""Forecast every SKU: SES for smooth demand, SBA for intermittent, a labelled method for new items."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from forecasting.intermittency import adi_cv2
from forecasting.matrix import to_matrix
from forecasting.models import SBA, SES

__all__ = ["forecast_demand", "PERIOD_FREQ", "MIN_HISTORY"]

PERIOD_FREQ = {"day": "D", "week": "7D", "month": "MS"}
# fewer observed periods than this: too little history to fit, the mean is used and labelled
MIN_HISTORY = 4
# fewer one-step errors than this: interval from a normal approximation, not empirical quantiles
MIN_ERRORS_EMPIRICAL = 8


def forecast_demand(
    demand: pd.DataFrame,
    horizon: int,
    *,
    period: str = "week",
    level: float = 0.9,
    intermittent_adi: float = 1.32,
    id_col: str = "sku",
    time_col: str = "period_start",
    target_col: str = "qty",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Forecast ``horizon`` periods for every series of long ``demand`` (units per period).

    Net returns can make a period negative; forecasts use demand floored at zero.
    Returns ``(forecasts, summary)``:
    forecasts: ``sku, step, period_start, model, mean, lower, upper, level, sigma`` (units per period);
    summary: one row per SKU with ``model, mean, sigma`` (RMSE of one-step in-sample errors,
    units per period), ``n_periods, adi, cv2``.
    """
    if period not in PERIOD_FREQ:
        raise ValueError(f"period must be one of {sorted(PERIOD_FREQ)}, got {period!r}")
    ids, periods, y = to_matrix(demand, id_col, time_col, target_col)
    if len(ids) == 0:
        raise ValueError("no demand to forecast: the demand frame is empty")
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    adi, cv2 = adi_cv2(y)
    n_obs = (~np.isnan(y)).sum(axis=1)

    ses, sba = SES().fit(y), SBA().fit(y)
    intermittent = adi > intermittent_adi
    new = n_obs < MIN_HISTORY
    fitted = np.where(intermittent[:, None], sba.fitted_, ses.fitted_)
    mean = np.where(intermittent, sba.forecast_, ses.forecast_)
    hist_mean = np.nansum(y, axis=1) / np.maximum(n_obs, 1)
    mean = np.where(new, hist_mean, mean)
    model = np.where(new, "NEW_ITEM_MEAN", np.where(intermittent, SBA.alias, SES.alias))

    errors = y - fitted
    n_err = (~np.isnan(errors)).sum(axis=1)
    rmse = np.sqrt(np.nansum(errors**2, axis=1) / np.maximum(n_err, 1))
    # new items: no error history, assume a coefficient of variation of one
    sigma = np.where(new | (n_err == 0), np.maximum(hist_mean, 0.0), rmse)
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    z = norm.ppf(hi_q)
    lower = mean - z * sigma
    upper = mean + z * sigma
    empirical = (n_err >= MIN_ERRORS_EMPIRICAL) & ~new
    if empirical.any():
        q = np.nanquantile(errors[empirical], [lo_q, hi_q], axis=1)
        lower[empirical] = mean[empirical] + q[0]
        upper[empirical] = mean[empirical] + q[1]
    lower = np.clip(lower, 0.0, None)
    upper = np.maximum(upper, mean)

    future = pd.date_range(pd.Timestamp(periods[-1]), periods=horizon + 1, freq=PERIOD_FREQ[period])[1:]
    n = len(ids)
    forecasts = pd.DataFrame(
        {
            id_col: np.repeat(ids, horizon),
            "step": np.tile(np.arange(1, horizon + 1), n),
            time_col: np.tile(future.date, n),
            "model": np.repeat(model, horizon),
            "mean": np.repeat(mean, horizon),
            "lower": np.repeat(lower, horizon),
            "upper": np.repeat(upper, horizon),
            "level": level,
            "sigma": np.repeat(sigma, horizon),
        }
    )
    summary = pd.DataFrame(
        {id_col: ids, "model": model, "mean": mean, "sigma": sigma, "n_periods": n_obs,
         "adi": adi, "cv2": cv2}
    )
    return forecasts, summary
