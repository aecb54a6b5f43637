"""Per SKU: both choices priced (a buffer at its service level, or ordering to demand), the
choice, and its quantities. Vectorised; one call plans the whole catalogue.

The protection interval is lead time + review period: an order placed at a review must last
until the order placed at the next review arrives. The reorder point and the JIT order-up-to
level cover the demand over it; the buffer covers its calibrated quantile. With per-item targets
(``targets = "cost"``) every buffer sits at the cycle service level that minimises its expected
cost; a stock budget or fill target is met by one multiplier on the carrying cost (a Lagrange
multiplier), found by bisection, so the stock goes where it buys the most.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from jitjic.policy.costs import (
    cost_optimal_level,
    jic_yearly,
    jit_yearly,
    order_line_cost,
    supplier_busy,
    unit_shortage_cost,
)
from jitjic.policy.inputs import expected_wait_days, review_periods_of
from jitjic.policy.inventory import eoq, round_order_qty, safety_stock_fill_rate
from jitjic.policy.params import PolicyParams
from jitjic.policy.simulate import Plan, ReplayItems, replay
from jitjic.policy.uncertainty import Protection
from scipy.stats import norm

__all__ = ["Inputs", "plan_items", "allocate"]


@dataclass(frozen=True)
class Inputs:
    """The arrays a plan is computed from (one entry per SKU; units per period, days, currency).
    ``build`` reads them off the item rows once; ``under`` sets the fields that depend on the
    rules (targets, popular classes, the item master's say), so several strategies share one."""

    demand: np.ndarray  # mean demand per period over lead time + review
    unit_cost: np.ndarray
    carrying_rate: np.ndarray  # holding + obsolescence, per year
    lead_periods: np.ndarray
    lead_sd_periods: np.ndarray
    moq: np.ndarray
    pack: np.ndarray
    order_cost: np.ndarray  # per purchase order
    line_cost: float  # per order line
    supplier: np.ndarray  # integer groups
    lost_cost: np.ndarray  # cost of a unit lost: the margin and the item's shortage cost
    wait_cost_day: np.ndarray  # cost of a unit waiting, per day it waits
    penalty: np.ndarray  # cost of a unit that waits, once (the item's shortage cost)
    lost_share: np.ndarray  # share of unmet demand lost
    demand_share: np.ndarray  # share of periods with demand (1 / ADI)
    abc: np.ndarray
    lifecycle: np.ndarray  # new | active | dead
    override: np.ndarray  # the item master's policy_override ("JIC" / "JIT" / None)
    own_level: np.ndarray  # the item master's target, NaN where none
    protection: Protection  # demand over lead time + review
    previous: np.ndarray  # last run's choice: 1.0 JIC, 0.0 JIT, NaN none
    season_demand: np.ndarray  # forecast demand until a season ending ends (units), NaN otherwise
    review_periods: np.ndarray  # whole periods between two reviews of the item (at least 1)
    history: np.ndarray | None = None  # SKU x periods: the latest demand (NaN before an item started)
    # set by ``under`` from the rules (empty until then)
    class_level: np.ndarray = field(default_factory=lambda: np.empty(0))  # the class's (or the item master's) target
    popular: np.ndarray = field(default_factory=lambda: np.empty(0))  # ABC class among jic_classes
    eligible: np.ndarray = field(
        default_factory=lambda: np.empty(0)
    )  # may be buffered at all (live, with demand, new as the rule says)
    forced: np.ndarray = field(
        default_factory=lambda: np.empty(0)
    )  # "JIC" / "JIT" from the item master, None elsewhere
    always_jic: np.ndarray = field(default_factory=lambda: np.empty(0))  # new items where new_item_policy is "JIC"

    @classmethod
    def build(
        cls,
        base: pd.DataFrame,
        lead_time: pd.DataFrame | None,
        p: PolicyParams,
        protection: Protection | None = None,
        previous: np.ndarray | None = None,
        history: np.ndarray | None = None,
    ) -> Inputs:
        """From ``policy.inputs.item_inputs`` rows and the forecast's cumulative quantiles (or a
        ``protection`` built from them before, for the same rows and periods); ``previous``: last
        run's choice per row (1.0 JIC, 0.0 JIT, NaN none); ``history``: each row's latest demand
        per period (units), on which both choices are replayed where it is long enough."""
        first = base["mean"].clip(lower=0).to_numpy(float)
        lt = base["lead_time_days"].to_numpy(float) / p.period_days
        review = review_periods_of(base, p)
        protection = protection or Protection(
            base["sku"],
            lead_time,
            lt + review,
            base["sigma"].clip(lower=0).to_numpy(float),
            history=p.recent(history) if history is not None and p.demand_distribution == "history" else None,
            mean=first,
        )
        # the mean demand per period over lead time + review, as the quantiles read it (the
        # forecast's next period alone where no path is known)
        d = np.where(np.isfinite(protection.rate), protection.rate, first)
        adi = base["adi"].to_numpy(float) if "adi" in base else np.ones(len(base))
        share = base["backorder_share"].to_numpy(float)
        override = base["policy_override"].to_numpy(object)
        x = cls(
            demand=d,
            unit_cost=base["unit_cost"].to_numpy(float),
            carrying_rate=(base["holding_rate"] + base["obsolescence_rate"]).to_numpy(float),
            lead_periods=lt,
            lead_sd_periods=base["lead_time_std_days"].to_numpy(float) / p.period_days,
            moq=base["moq"].to_numpy(float),
            pack=base["pack_size"].to_numpy(float),
            order_cost=base["order_cost"].to_numpy(float),
            line_cost=p.order_line_cost,
            supplier=base["supplier_group"].to_numpy(int),
            lost_cost=base["lost_margin"].to_numpy(float),
            wait_cost_day=base["waiting_cost"].to_numpy(float),
            penalty=(base["shortage_cost"] if "shortage_cost" in base else pd.Series(0.0, index=base.index))
            .fillna(0.0)
            .to_numpy(float),
            lost_share=1.0 - share,
            demand_share=np.where(np.isfinite(adi) & (adi > 0), np.minimum(1.0 / adi, 1.0), 1.0),
            abc=base["abc"].astype(str).to_numpy(),
            lifecycle=(base["lifecycle"] if "lifecycle" in base else pd.Series("active", index=base.index)).to_numpy(),
            override=np.where(np.isin(override.astype(str), ["JIC", "JIT"]), override, None),  # type: ignore[call-overload,arg-type]  # numpy stubs: no object-array where
            own_level=base["target_service_level"].to_numpy(float),
            protection=protection,
            previous=np.full(len(base), np.nan) if previous is None else np.asarray(previous, float),
            season_demand=np.where(
                base["season_ending"].fillna(False).to_numpy(bool), base["season_demand"].to_numpy(float), np.nan
            )
            if {"season_ending", "season_demand"} <= set(base)
            else np.full(len(base), np.nan),
            review_periods=review,
            history=history,
        )
        return x.under(p)

    def under(self, p: PolicyParams, previous: np.ndarray | None = None) -> Inputs:
        """These inputs under the rules of ``p`` (and last run's choices, when given)."""
        eligible = (self.demand > 0) & (self.lifecycle != "dead")
        if p.new_item_policy == "JIT":
            eligible &= self.lifecycle != "new"
        class_level = pd.Series(self.abc).map(p.service_level).astype(float).to_numpy()
        return replace(
            self,
            class_level=np.where(np.isnan(self.own_level), class_level, self.own_level),
            popular=np.isin(self.abc, p.jic_classes),
            eligible=eligible,
            forced=self.override if p.item_policies else np.full(len(self.demand), None),
            always_jic=eligible & (self.lifecycle == "new") & (p.new_item_policy == "JIC"),
            previous=self.previous if previous is None else np.asarray(previous, float),
        )


def unit_short(x: Inputs, wait_days: np.ndarray) -> np.ndarray:
    """Expected cost of a unit short when a customer who waits waits ``wait_days`` (currency)."""
    return unit_shortage_cost(x.lost_cost, x.penalty + x.wait_cost_day * wait_days, 1 - x.lost_share)


def _level(
    x: Inputs, p: PolicyParams, holding: np.ndarray, q: np.ndarray, annual: np.ndarray, shortage: np.ndarray
) -> np.ndarray:
    if p.targets == "class":
        return np.nan_to_num(x.class_level, nan=p.level_bounds[0])
    level = np.clip(cost_optimal_level(holding, q, annual, shortage), *p.level_bounds)
    if p.class_floor:
        level = np.fmax(level, x.class_level)
    return np.where(np.isnan(x.own_level), level, x.own_level)


def plan_items(x: Inputs, p: PolicyParams, carrying_scale: float = 1.0) -> dict[str, Any]:
    """Both choices for every SKU, the choice, and its quantities (units, currency per year).

    ``carrying_scale`` multiplies the carrying cost in the choices (1: the true cost; above 1:
    stock is scarcer, as under a budget); the costs returned are always at the true rate.
    """
    periods_per_year = 365.0 / p.period_days
    review = x.review_periods
    annual = x.demand * periods_per_year
    holding = x.unit_cost * x.carrying_rate
    # an order line costs the purchase order too, unless the supplier gets one that period anyway
    full = x.order_cost + x.line_cost
    first = _order_qty(x, p, eoq(annual, full, holding * carrying_scale), review)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_period = np.where(first > 0, x.demand / first, 0.0)
    line = order_line_cost(x.order_cost, x.line_cost, supplier_busy(x.supplier, per_period))
    raw = eoq(annual, line, holding * carrying_scale)
    capped = raw > _cap(x, p, review)
    q = _order_qty(x, p, raw, review)
    # a season that is ending: an order covers at most what the forecast sees until it ends
    ending = np.isfinite(x.season_demand) & (q > round_order_qty(np.maximum(x.season_demand, 0), x.moq, x.pack))
    q = np.where(ending, round_order_qty(np.maximum(x.season_demand, 0), x.moq, x.pack), q)
    max_order = np.where(capped | ending, q, np.inf)  # a capped order's size binds a top-up too
    protection_demand = x.demand * x.protection.periods
    jit_level = protection_demand
    # a unit short waits for the next delivery: about half a review for stock held ahead, the
    # whole lead time (and half a review) for an item bought only on request
    half_review = review * p.period_days / 2
    on_request = expected_wait_days(x.lead_periods * p.period_days, review, p.period_days)
    short_jic = unit_short(x, half_review)
    short_jit = unit_short(x, np.where(jit_level >= 1.0, half_review, on_request))
    if p.allocate_by == "fill":  # every unit short weighs the same: the most fill for the stock
        weight = annual * x.eligible
        mean_short = float(np.average(short_jic, weights=weight)) if weight.sum() > 0 else 1.0
        level = _level(x, p, holding * carrying_scale, q, annual, np.full(len(q), mean_short))
    else:
        level = _level(x, p, holding * carrying_scale, q, annual, short_jic)
    supplier = x.demand * x.lead_sd_periods
    sigma = np.sqrt(x.protection.one_sigma**2 + supplier**2)
    if p.targets == "class" and p.service_measure == "fill_rate":
        ss = safety_stock_fill_rate(level, q, sigma, x.lost_share)
    else:
        demand_part = x.protection.excess(level)
        supplier_part = norm.ppf(np.clip(level, 1e-4, 0.9999)) * supplier
        ss = np.sign(demand_part + supplier_part) * np.hypot(demand_part, supplier_part)
    jit_qty = round_order_qty(np.maximum(x.demand * review, 1.0), x.moq, x.pack)
    reviews = periods_per_year / review

    def both(scale: float) -> tuple[dict, dict]:
        jic = jic_yearly(annual, q, ss, sigma, x.unit_cost, x.carrying_rate * scale, line, short_jic)
        jit = jit_yearly(
            annual,
            reviews,
            jit_level,
            jit_qty,
            protection_demand,
            sigma,
            x.unit_cost,
            x.carrying_rate * scale,
            line,
            short_jit,
            1 - x.lost_share,
            x.demand / x.demand_share,
        )
        return jic, jit

    jic_c, jit_c = both(carrying_scale)
    # an item with a year or more of history is priced by replaying both plans on it (a backtest
    # of this plan): what its lumps, packs and lost or waiting customers really cost
    replayed = np.zeros(len(x.demand), dtype=bool)
    if x.history is not None and p.replay_history and x.history.shape[1] >= p.replay_history:
        hist = x.history[:, -p.replay_history :]
        replayed = np.isfinite(hist).all(axis=1) & x.eligible
        if replayed.any():
            jic_r, jit_r = _replay_both(
                x, p, hist, protection_demand + ss, q, line, jit_level, jit_qty, carrying_scale, max_order
            )
            jic_c = {k: np.where(replayed, jic_r[k], v) for k, v in jic_c.items()}
            jit_c = {k: np.where(replayed, jit_r[k], v) for k, v in jit_c.items()}
    by_rule = x.popular & x.eligible
    # the other choice must be clearly cheaper to change last run's (no flip on a small change)
    # or to depart from the class's choice (one item's noisy costs are weak evidence)
    keep = 1.0 + p.switch_margin
    lean = np.where(x.previous == 1.0, keep, np.where(x.previous == 0.0, 1.0 / keep, 1.0))
    lean = lean * np.where(by_rule, 1.0 + p.class_margin, 1.0 / (1.0 + p.class_margin))
    by_cost = x.eligible & (jic_c["total"] < lean * jit_c["total"])
    chosen = (by_cost if p.decide_by == "cost" else by_rule) | x.always_jic
    is_jic = np.where(x.forced != None, x.forced == "JIC", chosen)  # noqa: E711 (element-wise)
    if carrying_scale != 1.0:
        jic, jit = both(1.0)
        if replayed.any():
            jic_r, jit_r = _replay_both(x, p, hist, protection_demand + ss, q, line, jit_level, jit_qty, 1.0, max_order)
            jic = {k: np.where(replayed, jic_r[k], v) for k, v in jic.items()}
            jit = {k: np.where(replayed, jit_r[k], v) for k, v in jit.items()}
    else:
        jic, jit = jic_c, jit_c
    ss = np.where(is_jic, ss, 0.0)
    reorder_point = np.where(is_jic, protection_demand + ss, protection_demand)
    order_qty = np.where(is_jic, q, jit_qty)
    pick = {k: np.where(is_jic, jic[k], jit[k]) for k in jic}
    return {
        "is_jic": is_jic,
        "by_rule": by_rule,
        "by_cost": by_cost,
        "rule_choice": chosen,
        "forced": x.forced,
        "level": level,
        "safety_stock": ss,
        "reorder_point": reorder_point,
        "order_up_to": np.where(is_jic, reorder_point + q, jit_level),
        "order_qty": order_qty,
        "capped": capped & is_jic & ~ending,
        "season_capped": ending & is_jic,
        "max_order": np.where(is_jic, max_order, np.inf),  # the reason's cap is the line's
        "line_cost": line,
        "sigma": sigma,
        "costs_replayed": replayed,
        "protection_demand": protection_demand,
        "jic": jic,
        "jit": jit,
        "chosen": pick,
        "stock_value": pick["stock"] * x.unit_cost,
    }


def _replay_both(
    x: Inputs,
    p: PolicyParams,
    hist: np.ndarray,
    reorder_point: np.ndarray,
    q: np.ndarray,
    line: np.ndarray,
    jit_level: np.ndarray,
    jit_qty: np.ndarray,
    scale: float,
    max_order: np.ndarray | None = None,
) -> tuple[dict, dict]:
    """Each item's JIC and JIT plan replayed alone on ``hist`` (SKU x periods, units), started
    stocked as planned, the JIC plan's orders held to ``max_order`` as the nightly plan's are;
    yearly costs as ``costs.jic_yearly`` returns them."""
    n = len(x.demand)
    items = ReplayItems(
        lead_days=x.lead_periods * p.period_days,
        lead_sd_days=x.lead_sd_periods * p.period_days,
        unit_cost=x.unit_cost,
        lost_margin=x.lost_cost,
        waiting_cost=x.wait_cost_day,
        backorder_cost=x.penalty,
        backorder_share=1 - x.lost_share,
        holding_rate=x.carrying_rate * scale,
        obsolescence_rate=np.zeros(n),
        order_cost=line,
        line_cost=np.zeros(n),
        supplier=np.arange(n),
        moq=x.moq,
        pack=x.pack,
        review_periods=x.review_periods,
    )
    years = hist.shape[1] * p.period_days / 365.0
    data = np.nan_to_num(hist)
    out = []
    for jic in (True, False):
        s, big_s, qty = (reorder_point, reorder_point + q, q) if jic else (jit_level, jit_level, jit_qty)
        plan = Plan(np.full(n, jic), s, big_s, qty, max_order if jic else None)
        start = s + q / 2 if jic else jit_level
        r = replay(data, [plan], items, period_days=p.period_days, start_on_hand=np.maximum(np.nan_to_num(start), 0))
        holding, ordering, shortage = r["holding_cost"] / years, r["ordering_cost"] / years, r["shortage_cost"] / years
        out.append(
            {
                "holding": holding,
                "ordering": ordering,
                "shortage": shortage,
                "total": holding + ordering + shortage,
                "units_short": r["short"] / years,
                "stock": np.where(x.unit_cost > 0, r["avg_stock_value"] / np.maximum(x.unit_cost, 1e-12), 0.0),
            }
        )
    return out[0], out[1]


def _cap(x: Inputs, p: PolicyParams, review: np.ndarray) -> np.ndarray:
    if p.max_order_cover_days is None:
        return np.full(len(x.demand), np.inf)
    # never below one review period's demand
    return np.maximum(x.demand * p.max_order_cover_days / p.period_days, x.demand * review)


def _order_qty(x: Inputs, p: PolicyParams, raw: np.ndarray, review: np.ndarray) -> np.ndarray:
    return round_order_qty(np.minimum(raw, _cap(x, p, review)), x.moq, x.pack)


def allocate(x: Inputs, p: PolicyParams) -> tuple[dict[str, Any], float]:
    """The plan that meets ``p.stock_budget`` (planned average stock value, currency) or
    ``p.fill_target`` (expected fill rate over all demand) at the least expected cost, and the
    carrying-cost multiplier that does it (1.0 without either)."""
    if p.stock_budget is None and p.fill_target is None:
        return plan_items(x, p), 1.0
    p = replace(p, targets="cost")
    annual = x.demand.sum() * 365.0 / p.period_days

    def gap(scale: float) -> float:  # positive: too much stock (or more fill than asked)
        plan = plan_items(x, p, scale)
        if p.stock_budget is not None:
            return plan["stock_value"].sum() - p.stock_budget
        return (1.0 - plan["chosen"]["units_short"].sum() / max(annual, 1e-12)) - p.fill_target

    lo, hi = np.log(1e-3), np.log(1e3)  # a higher multiplier means less stock
    for _ in range(40):
        mid = (lo + hi) / 2
        if gap(float(np.exp(mid))) > 0:
            lo = mid
        else:
            hi = mid
    # the side that keeps within the budget, or that reaches the fill
    scale = float(np.exp(hi if p.stock_budget is not None else lo))
    return plan_items(x, p, scale), scale
