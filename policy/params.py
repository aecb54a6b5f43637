"""The policy's rules and the defaults it assumes where the item master is silent."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["PolicyParams"]


@dataclass(frozen=True)
class PolicyParams:
    """Rules, costs and defaults (see README, [policy]). Money in the catalogue's currency, rates
    per year as shares of unit cost, times in days."""

    # "cost": an item is buffered (JIC) where that costs less per year than ordering it to demand
    # (JIT); "class": the popular classes (jic_classes) are buffered, the rest JIT
    decide_by: str = "cost"
    # "class": service_level per ABC class (the item master's own target wins); "cost": each buffer
    # at the cycle service level that minimises its expected cost. A stock_budget or fill_target
    # always sets per-item levels: those that meet it at the least expected cost
    targets: str = "class"
    jic_classes: tuple[str, ...] = ("A", "B")
    service_level: dict[str, float] = field(default_factory=lambda: {"A": 0.95, "B": 0.90, "C": 0.85})
    # with per-item levels: none below its class's level (the class levels as a floor)
    class_floor: bool = False
    # per-item levels set so that the planned average stock value meets this budget (currency),
    # or the expected fill rate this share, at the least expected cost
    stock_budget: float | None = None
    fill_target: float | None = None
    # an item keeps last run's choice unless the other costs this share less a year: advice that
    # does not flip back and forth on a small change in the forecast
    switch_margin: float = 0.1
    # with decide_by = "cost", an item departs from its class's choice (jic_classes buffered)
    # only where the other choice costs this share less: one item's costs are noisy evidence
    class_margin: float = 0.0
    # per-item levels (targets = "cost", a budget or a fill target) weigh a unit short at its
    # cost ("cost": the least expected cost) or all alike ("fill": the most fill for the stock)
    allocate_by: str = "cost"
    # an item with at least this many periods of history is priced by replaying both choices on
    # its latest periods (0: always by the formulas)
    replay_history: int = 52
    # demand over lead time + review: the forecast's calibrated quantiles ("forecast") or the
    # item's own sums over the interval, drawn from its last distribution_window_days of history
    # ("history", where it has 13 periods or more: lumps and zero periods as they came)
    demand_distribution: str = "forecast"
    distribution_window_days: float = 730.0
    # cost-optimal levels are kept within these bounds
    level_bounds: tuple[float, float] = (0.5, 0.995)
    period_days: float = 7.0
    # days between two reviews of an item's position (None: one planning period, as the replay
    # and the nightly run review); never under one period. The item master's review_period_days
    # (a supplier's order cycle) wins
    review_period_days: float | None = None
    holding_rate: float = 0.25
    # stock that sits becomes obsolete: share of its value lost per year it sits, per ABC class
    obsolescence_rate: dict[str, float] = field(default_factory=lambda: {"A": 0.05, "B": 0.10, "C": 0.20})
    # currency per purchase order to a supplier (freight included) and per order line on it
    order_cost: float = 25.0
    order_line_cost: float = 1.0
    # share of unmet demand that waits for the supplier's delivery (the rest buys elsewhere), per
    # ABC class: rarely requested items are usually special-ordered
    backorder_share: dict[str, float] = field(default_factory=lambda: {"A": 0.0, "B": 0.25, "C": 0.5})
    # what a customer's wait costs per unit and day waited (discount, expediting), as a share of
    # the selling price: 0.5% a day is 3.5% a week, 15% a month
    waiting_cost_per_day: float = 0.005
    # the longest a customer waits, per ABC class (days): where the supplier's lead time + review
    # is longer, nobody waits and every unit short is lost (the item master's max_wait_days wins)
    # (B and C wait for the default 14-day lead time and half a weekly review: 17.5 days)
    max_wait_days: dict[str, float] = field(default_factory=lambda: {"A": 7.0, "B": 21.0, "C": 42.0})
    # what a unit short costs beyond the lost margin or the wait, per ABC class (currency per unit:
    # a machine stopped for a missing part; the item master's shortage_cost wins)
    shortage_cost: dict[str, float] = field(default_factory=lambda: {"A": 0.0, "B": 0.0, "C": 0.0})
    default_lead_time_days: float = 14.0
    default_lead_time_std_days: float = 3.0
    default_cost_ratio: float = 0.6
    default_moq: float = 1.0
    default_pack_size: float = 1.0
    abc_cutoffs: tuple[float, float] = (0.8, 0.95)
    # a new item (classification's lifecycle): decided like any other ("rule"), or always "JIT"
    # (until its history is longer) or "JIC"
    new_item_policy: str = "rule"
    # with targets = "class": service_level is a cycle service level ("cycle") or a fill rate
    service_measure: str = "cycle"
    # an order never covers more than this many days of forecast demand (None: no cap): EOQ
    # knows no obsolescence and would buy years of a cheap slow mover at once
    max_order_cover_days: float | None = 365.0
    # how late a late delivery is: turns an item's on-time rate into a lead-time mean and spread
    late_delivery_days: float = 7.0
    # an item master's policy_override wins over every rule (False: the simulator's JIT- and
    # JIC-everywhere baselines, which ignore it)
    item_policies: bool = True
    # force every item's backorder share (None: per item and class, as above): the replay's
    # "lost" (0) or "backorders" (1)
    unmet_demand_share: float | None = None

    @property
    def review_days(self) -> float:
        """The default review period in days: the setting, or one planning period."""
        return self.period_days if self.review_period_days is None else max(self.review_period_days, self.period_days)

    def recent(self, history: np.ndarray) -> np.ndarray:
        """The columns of ``history`` (SKU x periods) the demand distribution is drawn from."""
        return history[:, -max(1, int(round(self.distribution_window_days / self.period_days))) :]

    def review_periods(self, days=None) -> np.ndarray:
        """Whole planning periods between reviews per item (at least one) for ``days`` (per item,
        NaN: the default review period)."""
        days = np.full(1, np.nan) if days is None else np.asarray(days, float)
        days = np.where(np.isnan(days), self.review_days, days)
        return np.maximum(np.rint(days / self.period_days), 1.0)

    def __post_init__(self) -> None:
        if self.decide_by not in ("cost", "class"):
            raise ValueError(f"decide_by must be cost or class, got {self.decide_by!r}")
        if self.targets not in ("cost", "class"):
            raise ValueError(f"targets must be cost or class, got {self.targets!r}")
        if self.demand_distribution not in ("forecast", "history"):
            raise ValueError(f"demand_distribution must be forecast or history, got {self.demand_distribution!r}")
        if self.allocate_by not in ("cost", "fill"):
            raise ValueError(f"allocate_by must be cost or fill, got {self.allocate_by!r}")
        if self.stock_budget is not None and self.fill_target is not None:
            raise ValueError("set stock_budget or fill_target, not both")
