"""Every forecast model: a kernel from ``forecasting.kernels`` behind one thin estimator class."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from jitjic.forecasting import kernels as k
from jitjic.forecasting.ets import holt_winters
from jitjic.forecasting.global_model import global_gbm

__all__ = ["Model", "MODELS", "make_model"]


class Model:
    """``fit(y)`` stores the history and returns self; ``predict(h)`` gives n_series x h units.

    ``forecast(y, h)`` equals ``fit(y).predict(h)``; ``forecast_cuts(y, cuts, h)`` gives the
    forecasts of ``y[:, :c]`` for every cut (one pass when the kernel has a ``*_cuts`` form).
    Parameters are stored as given.
    """

    def __init__(
        self, alias: str, kernel: Callable[..., np.ndarray], cuts_kernel: Callable | None = None, **params: float
    ):
        self.alias, self.kernel, self.cuts_kernel, self.params = alias, kernel, cuts_kernel, params

    def forecast_cuts(self, y: np.ndarray, cuts: list[int], h: int) -> np.ndarray:
        """cuts x n_series x h: what ``forecast(y[:, :c], h)`` gives for each ``c``."""
        y = np.asarray(y, dtype=float)
        if self.cuts_kernel is None:
            return np.stack([self.forecast(y[:, :c], h) for c in cuts])
        return np.maximum(self.cuts_kernel(y, h, cuts, **self.params), 0.0)

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


def _croston_cuts(y: np.ndarray, h: int, cuts: list[int], alpha: float = 0.1, debias: bool = False) -> np.ndarray:
    return k.croston_cuts(y, h, cuts, alpha, debias=debias)


def _history_mean(y: np.ndarray, h: int) -> np.ndarray:
    n = (~np.isnan(y)).sum(axis=1)
    return np.repeat((np.nansum(y, axis=1) / np.maximum(n, 1))[:, None], h, axis=1)


# alias -> factory; the aliases are what the forecasts and accuracy tables show
MODELS: dict[str, Callable[[], Model]] = {
    "Naive": lambda: Model("Naive", k.naive),
    "SeasonalNaive": lambda: Model("SeasonalNaive", k.seasonal_naive),
    "MA4": lambda: Model("MA4", k.moving_average, window=4),
    "MA8": lambda: Model("MA8", k.moving_average, window=8),
    "SES": lambda: Model("SES", _ses, k.ses_cuts),
    "HoltDamped": lambda: Model("HoltDamped", k.holt_damped_optimised, k.holt_damped_cuts),
    "Croston": lambda: Model("Croston", _croston, _croston_cuts),
    "SBA": lambda: Model("SBA", _croston, _croston_cuts, debias=True),
    "TSB": lambda: Model("TSB", k.tsb, k.tsb_cuts),
    "ADIDA": lambda: Model("ADIDA", k.adida, k.adida_cuts),
    "IMAPA": lambda: Model("IMAPA", k.imapa, k.imapa_cuts),
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
