"""Inventory formulas, vectorised over SKUs. Units are given per argument."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

__all__ = ["lead_time_sigma", "safety_stock", "eoq", "round_order_qty"]


def lead_time_sigma(mean_demand, sd_demand, lead_time, sd_lead_time):
    """Std of demand over a random lead time: sqrt(L·σd² + d²·σL²).

    Demand mean/std per period; lead time mean/std in the same periods. Result in units.
    """
    mean_demand, sd_demand = np.asarray(mean_demand, float), np.asarray(sd_demand, float)
    lead_time, sd_lead_time = np.asarray(lead_time, float), np.asarray(sd_lead_time, float)
    return np.sqrt(lead_time * sd_demand**2 + mean_demand**2 * sd_lead_time**2)


def safety_stock(service_level, sigma_lead_time):
    """Safety stock (units) for a cycle service level: z(service level) x σ over the lead time."""
    return norm.ppf(np.asarray(service_level, float)) * np.asarray(sigma_lead_time, float)


def eoq(annual_demand, order_cost, holding_cost_per_unit_year):
    """Economic order quantity sqrt(2·D·S / H), units; 0 where there is no demand."""
    d = np.asarray(annual_demand, float)
    h = np.asarray(holding_cost_per_unit_year, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.sqrt(2.0 * d * np.asarray(order_cost, float) / h)
    return np.where((d > 0) & (h > 0), q, 0.0)


def round_order_qty(qty, moq, pack_size):
    """Raise ``qty`` to the MOQ, then up to whole packs (units); 0 stays 0."""
    qty, moq, pack = np.asarray(qty, float), np.asarray(moq, float), np.asarray(pack_size, float)
    raised = np.maximum(qty, moq)
    return np.where(qty > 0, np.ceil(raised / pack - 1e-9) * pack, 0.0)
