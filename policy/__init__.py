"""JIT or JIC per SKU: buffers, reorder points, order quantities, capital, and the reason why."""

from policy.inventory import eoq, lead_time_sigma, round_order_qty, safety_stock
from policy.recommend import PolicyParams, recommend

__all__ = ["PolicyParams", "recommend", "eoq", "lead_time_sigma", "round_order_qty", "safety_stock"]
