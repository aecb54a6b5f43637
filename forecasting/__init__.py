"""Demand forecasts per SKU from a SKU x period matrix: kernels, backtest selection, quantiles."""

from forecasting.auto import AutoForecast, ForecastResult, lead_time_table, summary_table
from forecasting.intermittency import adi_cv2
from forecasting.matrix import from_matrix, to_matrix
from forecasting.models import MODELS, Model, make_model
from forecasting.paths import SeasonalJob, run_seasonal_job
from forecasting.pipeline import (
    Partition,
    forecast_demand,
    forecast_partitions,
    prepare_partition,
    seasonal_jobs,
)

__all__ = [
    "AutoForecast", "ForecastResult", "forecast_demand", "adi_cv2", "to_matrix", "from_matrix",
    "MODELS", "Model", "make_model", "Partition", "prepare_partition", "seasonal_jobs", "forecast_partitions",
    "SeasonalJob", "run_seasonal_job", "lead_time_table", "summary_table",
]
