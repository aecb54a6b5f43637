"""Every forecast model: a kernel from ``forecasting.kernels`` behind one thin estimator class."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from forecasting import kernels as k
from forecasting.ets import holt_winters
from forecasting.global_model import global_gbm

__all__ = ["Model", "MODELS", "make_model"]


class Model:
    """``fit(y)`` stores the history and returns self; ``predict(h)`` gives n_series x h units.

    ``forecast(y, h)`` equals ``fit(y).predict(h)``. Parameters are stored as given.
    """

    def __init__(self, alias: str, kernel: Callable[..., np.ndarray], **params: float):
        self.alias, self.kernel, self.params = alias, kernel, params

    def fit(self, y: np.ndarray) -> Model:
        self.y_ = np.asarray(y, dtype=float)
        return self

    def predict(self, h: int) -> np.ndarray:
        return np.maximum(self.kernel(self.y_, h, **self.params), 0.0)

    def forecast(self, y: np.ndarray, h: int) -> np.ndarray:
        return self.fit(y).predict(h)

    def __repr__(self) -> str:
        return self.alias


def _ses(y: np.ndarray, h: int) -> np.ndarray:
    return np.repeat(np.nan_to_num(k.ses_optimised(y)[1])[:, None], h, axis=1)


def _croston(y: np.ndarray, h: int, alpha: float = 0.1, debias: bool = False) -> np.ndarray:
    return np.repeat(k.croston_sba(y, alpha, debias=debias)[1][:, None], h, axis=1)


def _history_mean(y: np.ndarray, h: int) -> np.ndarray:
    n = (~np.isnan(y)).sum(axis=1)
    return np.repeat((np.nansum(y, axis=1) / np.maximum(n, 1))[:, None], h, axis=1)


# alias -> factory; the aliases are what the forecasts and accuracy tables show
MODELS: dict[str, Callable[[], Model]] = {
    "Naive": lambda: Model("Naive", k.naive),
    "SeasonalNaive": lambda: Model("SeasonalNaive", k.seasonal_naive),
    "MA4": lambda: Model("MA4", k.moving_average, window=4),
    "MA8": lambda: Model("MA8", k.moving_average, window=8),
    "SES": lambda: Model("SES", _ses),
    "HoltDamped": lambda: Model("HoltDamped", k.holt_damped_optimised),
    "Croston": lambda: Model("Croston", _croston),
    "SBA": lambda: Model("SBA", _croston, debias=True),
    "TSB": lambda: Model("TSB", k.tsb),
    "ADIDA": lambda: Model("ADIDA", k.adida),
    "IMAPA": lambda: Model("IMAPA", k.imapa),
    "HistoryMean": lambda: Model("HistoryMean", _history_mean),
    # expensive: statsmodels fits in worker processes, only where two seasons of history exist
    "HoltWinters": lambda: Model("HoltWinters", holt_winters),
    # one scikit-learn model across all SKUs; off by default (see README: it lost the backtest)
    "GlobalGBM": lambda: Model("GlobalGBM", global_gbm),
}


SEASONAL = ("SeasonalNaive", "HoltWinters")


def make_model(alias: str, season: int | None = None) -> Model:
    """A fresh model; ``season`` (periods per cycle) reaches the seasonal ones."""
    if alias not in MODELS:
        raise ValueError(f"unknown model {alias!r}; known: {sorted(MODELS)}")
    model = MODELS[alias]()
    if season is not None and alias in SEASONAL:
        model.params["season"] = season
    return model
