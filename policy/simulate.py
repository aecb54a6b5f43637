"""Replay demand period by period through an ordering policy: stock, orders, shortages, costs.

Vectorised over SKUs, one loop over periods. Each period, in this order: deliveries due arrive;
stock serves the oldest waiting customers first, then this period's demand; of the demand left
unserved an item's ``backorder_share`` waits (served when stock arrives) and the rest is lost;
at the end of the period the policy reviews the inventory position (on hand + on order -
waiting) and orders; holding and obsolescence are charged on the stock left.

The clock is true: an order placed at the end of period t with a lead time of L days arrives
(t + 1)·P + L days after the start (P days a period) and serves demand only from the first
period that starts at or after its arrival. It never serves a period it could not have reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from jitjic.policy.inventory import replenishment_qty

__all__ = ["Plan", "ReplayItems", "Scenario", "SCENARIOS", "arrival_period", "replay", "scenarios_for", "too_short"]


@dataclass(frozen=True)
class Plan:
    """One period's policy per SKU (units): JIC orders max(Q, S - IP) when IP <= s; JIT orders
    up to S when at least one unit short. Arrays of length n_sku."""

    is_jic: np.ndarray
    reorder_point: np.ndarray
    order_up_to: np.ndarray
    order_qty: np.ndarray
    max_order: np.ndarray | None = None  # the most one order may be (units; inf or None: no cap)


@dataclass(frozen=True)
class ReplayItems:
    """What the replay needs per SKU (arrays of length n_sku).

    lead_days, lead_sd_days: supplier lead time and its spread (days); unit_cost (currency);
    lost_margin: currency lost per unit a customer does not wait for; waiting_cost: currency per
    unit and day a customer waits (goodwill, expediting); backorder_share: share of unserved demand
    that waits (0 lost sales .. 1 backorders); holding_rate, obsolescence_rate: share of unit
    cost per year of stock; order_cost: currency per purchase order to the supplier; line_cost:
    currency per order line; supplier: integer group per SKU (one purchase order per group and
    period carries all its lines; give each SKU its own group when suppliers are unknown);
    moq, pack: units.
    """

    lead_days: np.ndarray
    lead_sd_days: np.ndarray
    unit_cost: np.ndarray
    lost_margin: np.ndarray
    waiting_cost: np.ndarray
    backorder_share: np.ndarray
    holding_rate: np.ndarray
    obsolescence_rate: np.ndarray
    order_cost: np.ndarray
    line_cost: np.ndarray
    supplier: np.ndarray
    moq: np.ndarray
    pack: np.ndarray
    # whole periods between two reviews (an item orders only at the end of periods t with
    # t % review == 0); None: every period
    review_periods: np.ndarray | None = None
    # currency per unit that waits, once, besides its days (a machine stopped); None: none
    backorder_cost: np.ndarray | None = None

    @classmethod
    def simple(cls, n: int, **values) -> ReplayItems:
        """n SKUs, each its own supplier, no costs but those given (scalars broadcast)."""
        zero: dict[str, Any] = {f: 0.0 for f in cls.__dataclass_fields__}
        zero["review_periods"] = 1.0
        zero.update(moq=1.0, pack=1.0, unit_cost=1.0, supplier=np.arange(n))
        zero.update(values)
        return cls(
            **{
                k: np.broadcast_to(np.asarray(v, float if k != "supplier" else int), (n,)).copy()
                for k, v in zero.items()
            }
        )


@dataclass(frozen=True)
class Scenario:
    """A disruption: orders placed in periods [delay_from, delay_from + delay_periods) arrive
    ``delay_days`` late; demand in [spike_from, spike_from + spike_periods) is x(1 + spike);
    every order costs x``freight``; with ``lead_time_spread`` each order's lead time is drawn
    from a normal with the item's spread (seeded, the same draws for every strategy)."""

    name: str = "plain"
    delay_days: float = 0.0
    delay_from: int = 0
    delay_periods: int = 0
    spike: float = 0.0
    spike_from: int = 0
    spike_periods: int = 0
    freight: float = 1.0
    lead_time_spread: bool = False
    seed: int = 0


def scenarios_for(periods: int, period_days: float = 7.0) -> tuple[Scenario, ...]:
    """The plain replay and its disruptions, placed inside a replay of ``periods`` periods of
    ``period_days``: orders placed over two weeks (or two periods, if longer) from a third of the
    way in arrive a week (or a period) late; demand is 50% higher for as long from halfway."""
    unit = "week" if period_days <= 7.0 else "month" if abs(period_days - 365 / 12) < 0.5 else f"{period_days:g} days"
    step = max(period_days, 7.0)
    # never past the replay's end
    window = max(1, min(int(round(2 * step / period_days)), periods - periods // 2))
    return (
        Scenario("plain"),
        Scenario(
            f"supplier delay +1 {unit} for 2 {unit}s",
            delay_days=step,
            delay_from=periods // 3,
            delay_periods=window,
        ),
        Scenario(f"demand spike +50% for 2 {unit}s", spike=0.5, spike_from=periods // 2, spike_periods=window),
        Scenario("freight cost x2", freight=2.0),
        Scenario("lead-time spread (each order ± supplier's σ)", lead_time_spread=True),
    )


# the disruptions of a 26-week replay (their names are the same on every weekly replay)
SCENARIOS = scenarios_for(26)


def too_short(scenarios: tuple[Scenario, ...], periods: int, lead_periods: float) -> list[str]:
    """Why the disruptions of a replay of ``periods`` cannot be judged: a late order must arrive,
    and be felt, inside the replay (``lead_periods``: a typical item's lead time in periods)."""
    out = []
    for s in scenarios:
        end = s.delay_from + s.delay_periods + lead_periods + 1 if s.delay_periods else s.spike_from + s.spike_periods
        if (s.delay_periods or s.spike_periods) and end > periods:
            out.append(f"{s.name}: a replay of {periods} periods ends before its effect shows ({end:.0f} needed)")
    return out


_TOTALS = (
    "demand",
    "served",
    "short",
    "lost",
    "backordered",
    "stockout_periods",
    "demand_periods",
    "cycles",
    "stockout_cycles",
    "stock_value",
    "orders",
    "purchase_orders",
    "holding_cost",
    "obsolescence_cost",
    "ordering_cost",
    "lost_margin",
    "waiting_cost",
)


def arrival_period(t: int | np.ndarray, lead_days, period_days: float):
    """The first period an order placed at the end of period ``t`` can serve: the first that
    starts at or after (t + 1)·P + L days."""
    whole = np.ceil(np.asarray(lead_days, float) / period_days - 1e-9)
    return np.asarray(t) + 1 + np.maximum(whole, 0).astype(int)


def replay(
    actual: np.ndarray,
    plans: list[Plan],
    items: ReplayItems,
    *,
    period_days: float = 7.0,
    scenario: Scenario = SCENARIOS[0],
    start_on_hand: np.ndarray | None = None,
    start_on_order: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Run ``actual`` (SKU x period, units) through ``plans`` (one per period; the last repeats).

    Starts with ``start_on_hand`` (default: the first plan's order-up-to level) and
    ``start_on_order`` (SKU x k: units arriving at the start of periods 0..k-1, ordered before
    the replay; default nothing). ``served`` counts demand met from stock in its own period (the fill rate's
    numerator); the rest is ``short``, split into ``lost`` and ``backordered`` (served later,
    still short for the fill rate). A replenishment cycle runs from one delivery to the next (the
    first from the start, the last to the end); ``cycles`` counts those with demand and
    ``stockout_cycles`` those in which some demand went unserved. Costs (currency over the
    replay): holding_cost, obsolescence_cost, ordering_cost (each purchase order's cost shared
    by its lines, plus the line cost), lost_margin, waiting_cost, shortage_cost (the last two
    together). Returns per SKU: those, demand, served, short, lost, backordered,
    stockout_periods, demand_periods, cycles, stockout_cycles, avg_stock_value, orders (lines),
    purchase_orders (its share of them).
    """
    n, periods = actual.shape
    lead = np.broadcast_to(np.asarray(items.lead_days, float)[:, None], (n, periods))
    if scenario.lead_time_spread:  # one draw per SKU and period, whichever strategy replays
        rng = np.random.default_rng(scenario.seed)
        lead = np.maximum(rng.normal(lead, np.asarray(items.lead_sd_days, float)[:, None], (n, periods)), 0.0)
    delay = np.zeros(periods)
    delay[scenario.delay_from : scenario.delay_from + scenario.delay_periods] = scenario.delay_days
    due = arrival_period(np.arange(periods)[None, :], lead + delay[None, :], period_days)  # n x periods
    horizon = int(due.max(initial=periods)) + 1
    arriving = np.zeros((n, horizon))
    if start_on_order is not None:
        pipeline = np.asarray(start_on_order, float)[:, :horizon]
        arriving[:, : pipeline.shape[1]] += pipeline
    on_hand = np.array(plans[0].order_up_to if start_on_hand is None else start_on_hand, dtype=float).copy()
    waiting = np.zeros(n)
    share = np.clip(np.asarray(items.backorder_share, float), 0.0, 1.0)
    penalty = np.zeros(n) if items.backorder_cost is None else np.asarray(items.backorder_cost, float)
    per_period = period_days / 365.0
    supplier = np.unique(np.asarray(items.supplier), return_inverse=True)[1]
    out = {k: np.zeros(n) for k in _TOTALS}
    rows = np.arange(n)
    review = None if items.review_periods is None else np.maximum(np.asarray(items.review_periods).astype(int), 1)
    open_cycle = {"demand": np.zeros(n, dtype=bool), "short": np.zeros(n, dtype=bool)}
    for t in range(periods):
        delivered = arriving[:, t] > 0  # ends the cycle that ran until now
        out["cycles"] += delivered & open_cycle["demand"]
        out["stockout_cycles"] += delivered & open_cycle["short"]
        for flags in open_cycle.values():
            flags &= ~delivered
        on_hand += arriving[:, t]
        demand = actual[:, t].copy()
        if scenario.spike_from <= t < scenario.spike_from + scenario.spike_periods:
            demand = demand * (1 + scenario.spike)
        # stock goes to the customers already waiting first, then to this period's demand
        to_waiting = np.minimum(on_hand, waiting)
        served = np.minimum(on_hand - to_waiting, demand)
        on_hand -= to_waiting + served
        short = demand - served
        waiting += short * share - to_waiting
        _add(
            out,
            demand=demand,
            served=served,
            short=short,
            lost=short * (1 - share),
            backordered=short * share,
            lost_margin=short * (1 - share) * items.lost_margin,
            # every unit still waiting at the period's end has waited the period (those short in
            # it half of it): the cost grows with the days waited, so a year's lead time is no
            # cheaper to wait for than a week's
            waiting_cost=(waiting - short * share / 2) * items.waiting_cost * period_days + short * share * penalty,
        )
        asked = demand > 0
        stocked_out = (short > 1e-9) & asked
        out["stockout_periods"] += stocked_out
        out["demand_periods"] += asked
        open_cycle["demand"] |= asked
        open_cycle["short"] |= stocked_out

        plan = plans[min(t, len(plans) - 1)]
        position = on_hand + arriving[:, t + 1 :].sum(axis=1) - waiting
        qty = replenishment_qty(
            plan.is_jic,
            position,
            plan.reorder_point,
            plan.order_up_to,
            plan.order_qty,
            items.moq,
            items.pack,
            plan.max_order,
        )
        if review is not None:  # between its reviews an item orders nothing
            qty = np.where(t % review == 0, qty, 0.0)
        ordered = qty > 0
        np.add.at(arriving, (rows[ordered], due[ordered, t]), qty[ordered])
        # one purchase order per supplier and period carries all its lines; its cost is shared
        lines = np.bincount(supplier[ordered], minlength=supplier.max(initial=0) + 1)
        po_cost = np.zeros(len(lines))
        np.maximum.at(po_cost, supplier[ordered], np.asarray(items.order_cost, float)[ordered])
        with np.errstate(divide="ignore", invalid="ignore"):
            po_share = np.where(ordered, po_cost[supplier] / lines[supplier], 0.0)
            po_count = np.where(ordered, 1.0 / lines[supplier], 0.0)
        value = on_hand * items.unit_cost
        _add(
            out,
            orders=ordered,
            purchase_orders=po_count,
            ordering_cost=(po_share + ordered * items.line_cost) * scenario.freight,
            stock_value=value,
            holding_cost=value * items.holding_rate * per_period,
            obsolescence_cost=value * items.obsolescence_rate * per_period,
        )
    # customers still waiting at the end wait on until the next delivery (or, with none on its
    # way, an order's lead time): a wait is charged whole, however late in the replay it began
    future = arriving[:, periods:] > 0
    # (a first delivery smaller than the wait leaves the rest waiting longer: not charged)
    review_days = (np.ones(n) if review is None else review) * period_days
    until = np.where(
        future.any(axis=1), future.argmax(axis=1) * period_days, np.asarray(items.lead_days, float) + review_days / 2
    )
    out["waiting_cost"] += waiting * items.waiting_cost * until
    out["cycles"] += open_cycle["demand"]  # the cycle still open at the end
    out["stockout_cycles"] += open_cycle["short"]
    out["avg_stock_value"] = out.pop("stock_value") / max(periods, 1)
    out["shortage_cost"] = out["lost_margin"] + out["waiting_cost"]
    return out


def _add(out: dict[str, np.ndarray], **values) -> None:
    for key, value in values.items():
        out[key] += value
