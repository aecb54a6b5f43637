"""JIT or JIC per SKU: buffers, reorder points, order quantities, capital, and the reason why."""

from policy.exceptions import ExceptionRules, exceptions
from policy.inputs import protection_horizon
from policy.inventory import eoq, lead_time_sigma, round_order_qty, safety_stock
from policy.params import PolicyParams
from policy.proposal import order_proposal
from policy.recommend import recommend

__all__ = ["PolicyParams", "recommend", "order_proposal", "exceptions", "ExceptionRules", "protection_horizon", "eoq", "lead_time_sigma", "round_order_qty",
           "safety_stock"]
