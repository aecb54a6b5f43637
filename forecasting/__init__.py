"""Demand forecasts per SKU from a SKU x period matrix: vectorised kernels, selection, intervals."""

from forecasting.auto import forecast_demand
from forecasting.intermittency import adi_cv2
from forecasting.matrix import from_matrix, to_matrix
from forecasting.models import SBA, SES, croston_sba, ses

__all__ = ["forecast_demand", "adi_cv2", "to_matrix", "from_matrix", "SES", "SBA", "ses", "croston_sba"]
