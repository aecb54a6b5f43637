"""Demand forecasts per SKU from a SKU x period matrix: kernels, backtest selection, quantiles."""

from jitjic.forecasting.auto import AutoForecast, ForecastResult, lead_time_table, summary_table
from jitjic.forecasting.intermittency import adi_cv2
from jitjic.forecasting.matrix import from_matrix, to_matrix
from jitjic.forecasting.models import MODELS, Model, make_model
from jitjic.forecasting.paths import SeasonalJob, run_seasonal_job
from jitjic.forecasting.pipeline import (
    Partition,
    forecast_demand,
    forecast_partitions,
    prepare_partition,
    seasonal_jobs,
)

__all__ = [
    "AutoForecast",
    "ForecastResult",
    "forecast_demand",
    "adi_cv2",
    "to_matrix",
    "from_matrix",
    "MODELS",
    "Model",
    "make_model",
    "Partition",
    "prepare_partition",
    "seasonal_jobs",
    "forecast_partitions",
    "SeasonalJob",
    "run_seasonal_job",
    "lead_time_table",
    "summary_table",
]
