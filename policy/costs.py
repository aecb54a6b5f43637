"""Expected yearly cost of buffering an item (JIC) or ordering it to demand (JIT), per SKU.

Every function is vectorised over SKUs; money is in the catalogue's currency, quantities in
units, rates per year. The costs are the ones the replay charges, so the plan and its test speak
the same language: holding and obsolescence on the stock held, a cost per order line plus the
purchase order's cost where the line does not ride on an order the supplier gets anyway, and per
unit short either the lost margin (the customer goes elsewhere) or a waiting cost (the customer
waits for the supplier's delivery).
"""

from __future__ import annotations

import numpy as np
from jitjic.policy.inventory import standard_normal_loss

__all__ = [
    "shortage_cost",
    "unit_shortage_cost",
    "order_line_cost",
    "supplier_busy",
    "cost_optimal_level",
    "jic_yearly",
    "jit_yearly",
]


def shortage_cost(price, unit_cost, cost_ratio):
    """Lost margin per unit short (currency): price - cost; where the price is unknown, the
    margin implied by the default cost ratio (cost = ratio x price). Never negative."""
    price, unit_cost = np.asarray(price, float), np.asarray(unit_cost, float)
    return np.maximum(np.where(np.isnan(price), unit_cost * (1 / cost_ratio - 1), price - unit_cost), 0.0)


def unit_shortage_cost(lost_margin, waiting_cost, backorder_share):
    """Expected cost of one unit short: the waiting share costs ``waiting_cost``, the rest the
    lost margin (currency per unit)."""
    share = np.clip(np.asarray(backorder_share, float), 0.0, 1.0)
    return (1 - share) * np.asarray(lost_margin, float) + share * np.asarray(waiting_cost, float)


def supplier_busy(supplier: np.ndarray, orders_per_period: np.ndarray) -> np.ndarray:
    """Chance that an item's supplier gets a purchase order in a period anyway, from the other
    items' order frequencies (independent): 1 - prod over the others of (1 - f). ``supplier``
    holds integer groups; an item alone in its group (e.g. supplier unknown) gets 0."""
    f = np.clip(np.asarray(orders_per_period, float), 0.0, 1.0 - 1e-12)
    groups = np.unique(supplier, return_inverse=True)[1]
    log_idle = np.bincount(groups, weights=np.log1p(-f))  # log of prod (1 - f) per supplier
    return 1.0 - np.exp(log_idle[groups] - np.log1p(-f))


def order_line_cost(order_cost, line_cost, busy):
    """Expected cost of one more order line: the line, plus the purchase order when the supplier
    would not have had one that period (currency)."""
    return np.asarray(line_cost, float) + np.asarray(order_cost, float) * (1 - np.asarray(busy, float))


def cost_optimal_level(holding_per_unit_year, order_qty, annual_demand, shortage_per_unit):
    """Cycle service level that minimises holding + shortage cost per year for a reorder-point
    policy with lost sales (Hadley-Whitin): P(stock-out in a cycle) = hQ / (hQ + bD), with h the
    cost of a unit held a year, Q the order quantity, D the yearly demand and b the cost of a unit
    short. Items with many short cycles (small Q/D) or a dear shortage get a high level."""
    hq = np.asarray(holding_per_unit_year, float) * np.asarray(order_qty, float)
    bd = np.asarray(shortage_per_unit, float) * np.asarray(annual_demand, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        risk = np.where(hq + bd > 0, hq / (hq + bd), 0.5)
    return 1.0 - risk


def jic_yearly(
    annual_demand, order_qty, safety_stock, sigma_protection, unit_cost, carrying_rate, line_cost, shortage_per_unit
) -> dict[str, np.ndarray]:
    """A buffered item: holding and obsolescence on safety stock + half an order (``carrying_rate``
    per year, share of unit cost), D/Q order lines, and σ·G(SS/σ) units short per order cycle
    (normal loss over the protection interval). Returns holding, ordering, shortage, total and
    units_short per year, and stock (units held on average)."""
    q = np.asarray(order_qty, float)
    sigma = np.asarray(sigma_protection, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cycles = np.where(q > 0, np.asarray(annual_demand, float) / q, 0.0)
        k = np.where(sigma > 0, safety_stock / sigma, 10.0)
    short = np.minimum(cycles * np.where(sigma > 0, sigma * standard_normal_loss(k), 0.0), annual_demand)
    stock = np.maximum(safety_stock + q / 2, 0.0)
    return _total(stock, unit_cost, carrying_rate, cycles * line_cost, short, shortage_per_unit)


def jit_yearly(
    annual_demand,
    reviews_per_year,
    order_up_to,
    lot,
    protection_mean,
    sigma_protection,
    unit_cost,
    carrying_rate,
    line_cost,
    shortage_per_unit,
    backorder_share,
    demand_size,
) -> dict[str, np.ndarray]:
    """An item ordered to demand: at a review it orders when the position is a unit or more below
    ``order_up_to`` (the mean demand over lead time + review, no buffer), at least ``lot`` units
    (the review's demand rounded up to the MOQ and pack: a pack bought for one request serves
    the next ones). So it runs like a reorder point of order_up_to - 1 with order quantity
    ``lot``: lot / 2 on hand, D / lot order lines, and σ·G(k) units short per order.

    A level under one unit never orders ahead: an order goes out only for a customer who waits
    (``backorder_share`` of them); until one comes every request is lost, and each such order
    is short the demand over the protection interval. ``demand_size``: units per period with
    demand (mean non-zero demand). Returns as ``jic_yearly``."""
    d = np.asarray(annual_demand, float)
    lot = np.maximum(np.asarray(lot, float), 1.0)
    level = np.asarray(order_up_to, float)
    share = np.clip(np.asarray(backorder_share, float), 0.0, 1.0)
    sigma = np.asarray(sigma_protection, float)
    mean = np.asarray(protection_mean, float)
    ahead = level >= 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(sigma > 0, (level - 1.0 - mean) / sigma, -10.0)
        per_order = np.where(sigma > 0, sigma * standard_normal_loss(k), np.maximum(mean - level + 1.0, 0.0))
        # on request only: requests lost before the first who waits, then the wait for the order
        waiting = mean + (1 - share) / np.maximum(share, 1e-9) * np.asarray(demand_size, float)
        per_order = np.where(ahead, per_order, np.minimum(waiting, d))
        orders = np.where(d > 0, np.minimum(d / (lot + np.where(ahead, 0.0, per_order)), reviews_per_year), 0.0)
    # nobody waits: nothing is ever ordered and every request is lost
    orders = np.where(ahead | (share > 0), orders, 0.0)
    short = np.where(ahead | (share > 0), np.minimum(orders * per_order, d), d)
    stock = np.where(d > 0, lot / 2 * (1 - np.where(d > 0, short / np.maximum(d, 1e-12), 0.0)), 0.0)
    return _total(stock, unit_cost, carrying_rate, orders * line_cost, short, shortage_per_unit)


def _total(stock, unit_cost, carrying_rate, ordering, short, shortage_per_unit) -> dict[str, np.ndarray]:
    holding = stock * np.asarray(unit_cost, float) * np.asarray(carrying_rate, float)
    shortage = short * np.asarray(shortage_per_unit, float)
    return {
        "holding": holding,
        "ordering": ordering,
        "shortage": shortage,
        "total": holding + ordering + shortage,
        "units_short": short,
        "stock": stock,
    }
