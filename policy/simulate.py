"""Replay demand week by week through an ordering policy: stock, orders, shortages and costs.

Vectorised over SKUs, one loop over periods. Each period, in this order: deliveries due arrive;
demand is served from stock (unserved demand is lost, or back-ordered when ``backorders``);
the policy reviews the inventory position (on hand + on order - backorders) and orders;
holding cost is charged on the stock left at the end of the period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from policy.inventory import replenishment_qty

__all__ = ["Plan", "Scenario", "replay", "SCENARIOS"]


@dataclass(frozen=True)
class Plan:
    """One period's policy per SKU (units): JIC orders max(Q, S - IP) when IP <= s; JIT orders
    up to S when at least one unit short. Arrays of length n_sku."""

    is_jic: np.ndarray
    reorder_point: np.ndarray
    order_up_to: np.ndarray
    order_qty: np.ndarray


@dataclass(frozen=True)
class Scenario:
    """A disruption: deliveries ordered in [delay_from, delay_from + delay_periods) arrive
    ``delay`` periods late; demand in [spike_from, spike_from + spike_periods) is x(1 + spike);
    every order costs x``freight``; with ``lead_time_spread`` each order's lead time is drawn
    from a normal with the item's spread (seeded, the same draws for every strategy)."""

    name: str = "plain"
    delay: int = 0
    delay_from: int = 0
    delay_periods: int = 0
    spike: float = 0.0
    spike_from: int = 0
    spike_periods: int = 0
    freight: float = 1.0
    lead_time_spread: bool = False
    seed: int = 0


SCENARIOS = (
    Scenario("plain"),
    Scenario("supplier delay +1 week for 2 weeks", delay=1, delay_from=2, delay_periods=2),
    Scenario("demand spike +50% for 2 weeks", spike=0.5, spike_from=4, spike_periods=2),
    Scenario("freight cost x2", freight=2.0),
    Scenario("lead-time spread (each order ± supplier's σ)", lead_time_spread=True),
)


def replay(
    actual: np.ndarray,
    plans: list[Plan],
    lead_periods: np.ndarray,
    unit_cost: np.ndarray,
    shortage_cost: np.ndarray,
    moq: np.ndarray,
    pack: np.ndarray,
    *,
    order_cost: float | np.ndarray,
    holding_rate_per_period: float | np.ndarray,
    backorders: bool = False,
    scenario: Scenario = SCENARIOS[0],
    start_on_hand: np.ndarray | None = None,
    lead_sd_periods: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Run ``actual`` (SKU x period, units) through ``plans`` (one per period).

    Lead times are whole periods (an order placed in period t arrives at the start of t + L); a
    ``lead_time_spread`` scenario draws each order's L from N(lead_periods, lead_sd_periods),
    rounded, at least 0.
    Starts with ``start_on_hand`` (default: the first plan's order-up-to level) and nothing on
    order. ``served`` counts demand met from stock in its own period (the fill rate's numerator);
    with backorders the rest is delivered later but still counts as short, and costs
    ``shortage_cost`` per unit once. A replenishment cycle runs from one delivery to the next (the
    first from the start, the last to the end); ``cycles`` counts those with demand and
    ``stockout_cycles`` those in which some demand went unserved. Returns per SKU: demand, served,
    short, stockout_periods, demand_periods, cycles, stockout_cycles, avg_stock_value, orders,
    holding_cost, ordering_cost, shortage_cost (currency). ``order_cost`` (currency per order) and
    ``holding_rate_per_period`` (share of unit cost) are one value or one per SKU.
    """
    n, periods = actual.shape
    lead_periods = np.broadcast_to(np.asarray(lead_periods, float), (n,))
    lead = np.broadcast_to(np.maximum(np.round(lead_periods).astype(int), 0)[:, None], (n, periods))
    if scenario.lead_time_spread:  # one draw per SKU and period, whichever strategy replays
        spread = np.zeros(n) if lead_sd_periods is None else np.asarray(lead_sd_periods, float)
        drawn = np.random.default_rng(scenario.seed).normal(lead_periods[:, None], spread[:, None], (n, periods))
        lead = np.maximum(np.round(drawn).astype(int), 0)
    horizon = periods + int(lead.max(initial=0)) + scenario.delay + 2
    arriving = np.zeros((n, horizon))
    on_hand = np.array(plans[0].order_up_to if start_on_hand is None else start_on_hand, dtype=float).copy()
    backlog = np.zeros(n)
    out = {k: np.zeros(n) for k in ("demand", "served", "short", "stockout_periods", "demand_periods",
                                     "cycles", "stockout_cycles", "stock_value", "orders", "holding_cost",
                                     "ordering_cost", "shortage_cost")}
    rows = np.arange(n)
    in_cycle = {"demand": np.zeros(n, dtype=bool), "short": np.zeros(n, dtype=bool)}
    for t in range(periods):
        delivered = arriving[:, t] > 0  # ends the cycle that ran until now
        out["cycles"] += delivered & in_cycle["demand"]
        out["stockout_cycles"] += delivered & in_cycle["short"]
        for flags in in_cycle.values():
            flags &= ~delivered
        on_hand += arriving[:, t]
        demand = actual[:, t].copy()
        if scenario.spike and scenario.spike_from <= t < scenario.spike_from + scenario.spike_periods:
            demand = demand * (1 + scenario.spike)
        # stock goes to the oldest backorders first, then to this period's demand
        shipped = np.minimum(on_hand, demand + backlog)
        on_hand -= shipped
        immediate = np.clip(shipped - backlog, 0.0, demand)
        short = demand - immediate
        backlog = backlog + demand - shipped if backorders else np.zeros(n)
        out["demand"] += demand
        out["served"] += immediate
        out["short"] += short
        asked = demand > 0
        stocked_out = (short > 1e-9) & asked
        out["stockout_periods"] += stocked_out
        out["demand_periods"] += asked
        in_cycle["demand"] |= asked
        in_cycle["short"] |= stocked_out
        out["shortage_cost"] += short * shortage_cost

        plan = plans[min(t, len(plans) - 1)]
        on_order = arriving[:, t + 1:].sum(axis=1)
        position = on_hand + on_order - backlog
        qty = replenishment_qty(plan.is_jic, position, plan.reorder_point, plan.order_up_to, plan.order_qty,
                                moq, pack)
        ordered = qty > 0
        late = scenario.delay if scenario.delay_from <= t < scenario.delay_from + scenario.delay_periods else 0
        lead_t = lead[:, t]
        arrive_at = np.minimum(t + lead_t + late + (lead_t == 0), horizon - 1)  # L = 0: next period
        np.add.at(arriving, (rows[ordered], arrive_at[ordered]), qty[ordered])
        out["orders"] += ordered
        out["ordering_cost"] += ordered * order_cost * scenario.freight
        out["stock_value"] += on_hand * unit_cost
        out["holding_cost"] += on_hand * unit_cost * holding_rate_per_period
    out["cycles"] += in_cycle["demand"]  # the cycle still open at the end
    out["stockout_cycles"] += in_cycle["short"]
    out["avg_stock_value"] = out.pop("stock_value") / max(periods, 1)
    return out
