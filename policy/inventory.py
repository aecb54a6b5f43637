"""Inventory formulas, vectorised over SKUs. Units are given per argument."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

__all__ = [
    "lead_time_sigma",
    "safety_stock",
    "eoq",
    "round_order_qty",
    "standard_normal_loss",
    "fill_rate_k",
    "safety_stock_fill_rate",
    "quantile_excess",
    "excess_at_periods",
    "excess_at_level",
    "replenishment_qty",
]


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


def standard_normal_loss(z):
    """G(z) = E[(Z - z)+] = φ(z) - z·(1 - Φ(z)): expected units short per σ of demand."""
    z = np.asarray(z, float)
    return norm.pdf(z) - z * norm.sf(z)


def fill_rate_k(fill_rate, order_qty, sigma, lost_share=0.0):
    """Safety factor k with σ·G(k) = the expected shortage per order cycle a fill rate allows.

    With backorders every cycle's demand is Q and σ·G(k) = (1 - fill rate)·Q; where a share
    ``lost_share`` of unmet demand is lost, a cycle's demand is Q plus the lost units, so
    σ·G(k) = (1 - β)·Q / (1 - lost_share·(1 - β)) (the lost-sales form at 1: (1 - β)/β·Q).
    Solved by bisection on k in [-4, 8]."""
    beta = np.asarray(fill_rate, float)
    lost = np.clip(np.asarray(lost_share, float), 0.0, 1.0)
    target = (1.0 - beta) * np.asarray(order_qty, float) / (1.0 - lost * (1.0 - beta))
    sigma = np.asarray(sigma, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(sigma > 0, target / sigma, np.inf)
    lo, hi = np.full(g.shape, -4.0), np.full(g.shape, 8.0)
    for _ in range(60):  # G is decreasing: G(mid) > g means k must grow
        mid = (lo + hi) / 2
        above = standard_normal_loss(mid) > g
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return (lo + hi) / 2


def safety_stock_fill_rate(fill_rate, order_qty, sigma_lead_time, lost_share=0.0):
    """Safety stock (units, never negative) for a fill rate with order quantity Q (units)."""
    k = fill_rate_k(fill_rate, order_qty, sigma_lead_time, lost_share)
    return np.maximum(k * np.asarray(sigma_lead_time, float), 0.0)


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


def replenishment_qty(is_jic, position, reorder_point, order_up_to, order_qty, moq, pack_size, max_order=None):
    """Units to order now (rounded to MOQ and packs): a JIC item at or below its reorder point
    orders max(Q, S - position); a JIT item orders up to S when at least one unit short; never
    more than ``max_order`` (per item, units; None or inf: no cap) before the rounding: the cap
    an order's size was held to (a season ending, the longest cover) holds for a top-up too."""
    gap = np.asarray(order_up_to, float) - np.asarray(position, float)
    jic_due = is_jic & (np.asarray(position, float) <= reorder_point)
    jit_due = ~is_jic & (gap >= 1.0)
    raw = np.where(jic_due, np.maximum(order_qty, gap), np.where(jit_due, gap, 0.0))
    if max_order is not None:
        raw = np.minimum(raw, np.asarray(max_order, float))
    return round_order_qty(raw, moq, pack_size)


def excess_at_periods(excess, periods, growth: float = 0.5):
    """Per SKU, the excess over the mean at each level over ``periods`` (fractional): excess is
    SKU x L x levels for L = 1..H; interpolated between whole L, scaled by L**growth below one
    period and grown with (L / H)**growth beyond H (0.5: a spread, as sqrt(L); 1: a cumulative
    mean). Returns SKU x levels (units)."""
    n, horizon, _ = excess.shape
    lt = np.clip(np.asarray(periods, float), 1e-9, None)
    low = np.clip(np.floor(lt).astype(int), 1, horizon)
    high = np.clip(np.ceil(lt).astype(int), 1, horizon)
    rows = np.arange(n)
    frac = np.clip(lt - np.floor(lt), 0.0, 1.0)
    at_l = excess[rows, low - 1] + (excess[rows, high - 1] - excess[rows, low - 1]) * frac[:, None]
    at_l = np.where((lt < 1)[:, None], excess[:, 0] * (lt**growth)[:, None], at_l)
    return np.where((lt > horizon)[:, None], excess[:, -1] * ((lt / horizon) ** growth)[:, None], at_l)


def excess_at_level(levels, at_periods, target_level):
    """Per SKU, the excess (``at_periods``: SKU x levels) at ``target_level``: linear in the
    normal z of the level between the given levels, the end segments extended beyond them."""
    z = norm.ppf(np.asarray(levels, float))
    n = at_periods.shape[0]
    zt = norm.ppf(np.broadcast_to(np.asarray(target_level, float), (n,)))
    j = np.clip(np.searchsorted(z, zt) - 1, 0, len(z) - 2)
    rows = np.arange(n)
    slope = (at_periods[rows, j + 1] - at_periods[rows, j]) / (z[j + 1] - z[j])
    return at_periods[rows, j] + slope * (zt - z[j])


def quantile_excess(levels, excess, lead_time, target_level):
    """Units above the mean demand needed at ``target_level``, from calibrated quantiles.

    levels: quantile levels (e.g. 0.5 .. 0.99); excess: SKU x L x levels, quantile minus mean of
    cumulative demand over L = 1..H periods. For a lead time of ``lead_time`` periods (SKU,
    fractional), interpolate between whole L (beyond H: grow with sqrt(L / H)), then between
    levels linearly in the normal z of the level (extrapolated beyond the last level).
    """
    return excess_at_level(levels, excess_at_periods(excess, lead_time), target_level)
