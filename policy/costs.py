"""Expected yearly cost of holding a JIC buffer versus ordering JIT, per SKU (currency per year)."""

from __future__ import annotations

import numpy as np

from policy.inventory import standard_normal_loss

__all__ = ["annual_cost_jic", "annual_cost_jit", "shortage_cost"]


def shortage_cost(price, unit_cost, cost_ratio):
    """Lost margin per unit short (currency): price - cost; where the price is unknown, the
    margin implied by the default cost ratio (cost = ratio x price). Never negative."""
    price, unit_cost = np.asarray(price, float), np.asarray(unit_cost, float)
    return np.maximum(np.where(np.isnan(price), unit_cost * (1 / cost_ratio - 1), price - unit_cost), 0.0)


def annual_cost_jic(annual_demand, order_qty, safety_stock, sigma_lead_time, unit_cost, holding_rate,
                    order_cost, shortage_cost):
    """Holding (safety stock + half an order) + ordering (D/Q orders) + expected shortage.

    Shortage per order cycle: σ·G(SS/σ) units, each costing ``shortage_cost`` (lost margin).
    """
    q = np.asarray(order_qty, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cycles = np.where(q > 0, annual_demand / q, 0.0)
        k = np.where(sigma_lead_time > 0, safety_stock / sigma_lead_time, 10.0)
    short = np.where(sigma_lead_time > 0, sigma_lead_time * standard_normal_loss(k), 0.0)
    return (safety_stock + q / 2) * unit_cost * holding_rate + cycles * order_cost + cycles * short * shortage_cost


def annual_cost_jit(annual_demand, review_cycles_per_year, order_qty, sigma_protection, unit_cost,
                    holding_rate, order_cost, shortage_cost, demand_share=1.0):
    """JIT orders up to the mean demand over lead time + review, no buffer, in the reviews that
    follow demand (``demand_share`` of them: 1 / ADI): half an order on hand on average, and
    σ·G(0) units short per review."""
    ordering = np.where(annual_demand > 0, review_cycles_per_year * np.clip(demand_share, 0, 1) * order_cost, 0.0)
    short = sigma_protection * standard_normal_loss(0.0)
    return order_qty / 2 * unit_cost * holding_rate + ordering + review_cycles_per_year * short * shortage_cost
