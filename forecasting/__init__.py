"""Demand forecasts per SKU from a SKU x period matrix: kernels, backtest selection, quantiles."""

from forecasting.auto import AutoForecast, ForecastResult, forecast_demand
from forecasting.intermittency import adi_cv2
from forecasting.matrix import from_matrix, to_matrix
from forecasting.models import MODELS, Model, make_model

__all__ = [
    "AutoForecast", "ForecastResult", "forecast_demand", "adi_cv2", "to_matrix", "from_matrix",
    "MODELS", "Model", "make_model",
]
