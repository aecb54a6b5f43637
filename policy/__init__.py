"""JIT or JIC per SKU: buffers, reorder points, order quantities, capital, and the reason why."""

from jitjic.policy.exceptions import ExceptionRules, exceptions
from jitjic.policy.exceptions import per_item as exceptions_per_item
from jitjic.policy.inputs import protection_horizon
from jitjic.policy.inventory import eoq, lead_time_sigma, round_order_qty, safety_stock
from jitjic.policy.params import PolicyParams
from jitjic.policy.proposal import order_proposal
from jitjic.policy.recommend import recommend

__all__ = [
    "PolicyParams",
    "recommend",
    "order_proposal",
    "exceptions",
    "exceptions_per_item",
    "ExceptionRules",
    "protection_horizon",
    "eoq",
    "lead_time_sigma",
    "round_order_qty",
    "safety_stock",
]
