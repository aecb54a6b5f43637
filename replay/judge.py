"""Judge the recommendation by more than the cost it optimises: under alternative plausible costs
with every baseline re-tuned for each, against a hindsight oracle of per-item levels, and on
random subsets of the catalogue.

The replay charges the costs the recommendation minimises; a baseline held at one untuned level
never gets that chance. Here each cost setting re-costs the prepared replay (the forecasts do not
depend on costs, so none is refitted), the recommendation plans under it, and JIC everywhere and
the class rule are each replayed over a small grid and the cheapest kept.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from jitjic.policy.inputs import expected_wait_days, review_periods_of
from jitjic.policy.params import PolicyParams
from jitjic.policy.simulate import Plan
from jitjic.replay.backtest import (
    CURVE_LEVELS,
    Replay,
    equal_stock_level,
    plan_weeks,
    run_strategy,
    strategy_params,
    summarise,
    uniform_jic,
)

__all__ = [
    "CostSetting",
    "COST_SETTINGS",
    "recost",
    "class_rule_grid",
    "policy_row",
    "Run",
    "unpriced",
    "replay_run",
    "judge_setting",
    "oracle_choice",
    "compose_plans",
    "hindsight_oracle",
    "subset_rows",
    "judge_subset",
    "jit_beyond_tolerance",
]

# per-unit shortage columns a shortage setting scales: the lost margin (with the item's shortage
# cost), the waiting cost per unit and day, the shortage cost of a unit that waits
_SHORTAGE = ("lost_margin", "waiting_cost", "shortage_cost", "backorder_cost")
# the replay's cost terms per SKU (currency over the replay); their sum is the total cost
_COST_TERMS = ("holding_cost", "obsolescence_cost", "ordering_cost", "shortage_cost")


@dataclass(frozen=True)
class CostSetting:
    """One plausible set of costs. ``order_cost`` (currency per purchase order) and
    ``holding_rate`` (share of unit cost per year) replace the configured defaults and scale every
    item's own figure by the same ratio (setting / default), so an item master's spread between
    items is kept and a catalogue whose item master gives every cost still feels the setting;
    ``shortage`` multiplies each item's lost margin and waiting cost per unit."""

    name: str
    order_cost: float | None = None
    holding_rate: float | None = None
    shortage: float = 1.0

    def factors(self, p: PolicyParams) -> dict[str, float]:
        """Column -> multiplier on the item rows (and ``ReplayItems``) under ``p``'s defaults."""
        out = {
            "order_cost": 1.0 if self.order_cost is None or not p.order_cost else self.order_cost / p.order_cost,
            "holding_rate": 1.0
            if self.holding_rate is None or not p.holding_rate
            else self.holding_rate / p.holding_rate,
        }
        return out | dict.fromkeys(_SHORTAGE, self.shortage)

    def params(self, p: PolicyParams) -> PolicyParams:
        """``p`` with this setting's defaults (for rows the item master leaves blank)."""
        f = self.factors(p)
        return replace(
            p,
            order_cost=p.order_cost * f["order_cost"],
            holding_rate=p.holding_rate * f["holding_rate"],
            waiting_cost_per_day=p.waiting_cost_per_day * self.shortage,
            shortage_cost={k: v * self.shortage for k, v in p.shortage_cost.items()},
        )


COST_SETTINGS = (
    CostSetting("default"),
    CostSetting("order cost 5", order_cost=5.0),
    CostSetting("order cost 100", order_cost=100.0),
    CostSetting("shortage x3", shortage=3.0),
    CostSetting("holding 15%/yr", holding_rate=0.15),
)


def recost(rp: Replay, setting: CostSetting) -> Replay:
    """``rp`` under ``setting``'s costs, forecasts kept: each period's item rows (what every plan
    is priced from) and the replay's charges scaled alike, so a strategy plans and is charged
    under the same costs."""
    f = setting.factors(rp.params)
    weeks = [(base.assign(**{c: base[c] * k for c, k in f.items() if c in base}), pr) for base, pr in rp.weeks]
    fields = rp.items.__dataclass_fields__
    items = replace(
        rp.items,
        **{c: getattr(rp.items, c) * k for c, k in f.items() if c in fields and getattr(rp.items, c) is not None},
    )
    return replace(rp, weeks=weeks, params=setting.params(rp.params), items=items, _inputs=None)


def class_rule_grid(
    p: PolicyParams,
    classes: tuple[tuple[str, ...], ...] = (("A",), ("A", "B"), ("A", "B", "C")),
    scales: tuple[float, ...] = (0.5, 1.0, 2.0),
) -> dict[str, PolicyParams]:
    """The class rule's variants a buyer could tune: which classes are buffered x every class's
    shortfall (1 - level) scaled (0.5: A 95% -> 97.5%), within ``p.level_bounds``."""
    rule = strategy_params(p)["class rule"]
    lo, hi = p.level_bounds
    return {
        f"JIC {'+'.join(c)}, shortfall x{k:g}": replace(
            rule,
            jic_classes=c,
            service_level={cls: float(np.clip(1 - (1 - level) * k, lo, hi)) for cls, level in p.service_level.items()},
        )
        for c in classes
        for k in scales
    }


def policy_row(per_sku: pd.DataFrame, rp: Replay, setting: str, policy: str, detail: str = "") -> dict:
    """One strategy's replay summed (weighted): avg_stock_value (currency), fill_rate,
    cycle_service_a (pooled cycle service of A items), and per year (currency): holding_cost,
    obsolescence_cost, ordering_cost, shortage_cost (lost margin + waiting), total_cost."""
    periods = rp.actual.shape[1]
    s = summarise(per_sku.assign(strategy=policy), periods, rp.params.period_days)
    overall = s[s["abc"] == "all"].iloc[0]
    a = s[s["abc"] == "A"]
    years = periods * rp.params.period_days / 365.0
    costs = ("holding_cost", "obsolescence_cost", "ordering_cost", "shortage_cost", "total_cost")
    return {
        "setting": setting,
        "policy": policy,
        "detail": detail,
        "avg_stock_value": float(overall["avg_stock_value"]),
        "fill_rate": float(overall["fill_rate"]),
        "cycle_service_a": float(a["cycle_service_level"].iloc[0]) if len(a) else np.nan,
        **{c: float(overall[c]) / years for c in costs},
    }


@dataclass
class Run:
    """One strategy's plans (per period, and the planned levels) and per-SKU replay."""

    params: PolicyParams
    plans: tuple[list[Plan], list[np.ndarray]]
    per_sku: pd.DataFrame

    def by_sku(self, column: str) -> np.ndarray:
        """A per-SKU column over the replay, weighted ("total_cost": of every cost term)."""
        cols = list(_COST_TERMS) if column == "total_cost" else [column]
        return self.per_sku[cols].sum(axis=1).mul(self.per_sku["weight"]).to_numpy(float)

    def total(self, column: str) -> float:
        """Weighted sum of a per-SKU column over the replay ("total_cost": of every cost term)."""
        return float(self.by_sku(column).sum())


def unpriced(p: PolicyParams) -> PolicyParams:
    """``p`` without the per-item replay pricing where its plans never read it: a strategy that
    buffers by class (no stock budget or fill target) uses the replayed prices only to report
    them, so its plans are the same, several times faster."""
    if p.decide_by == "class" and p.stock_budget is None and p.fill_target is None:
        return replace(p, replay_history=0)
    return p


def replay_run(rp: Replay, params: PolicyParams) -> Run:
    """Plan and replay one strategy (plain scenario), keeping its plans."""
    params = unpriced(params)
    plans = plan_weeks(rp, params)
    return Run(params, plans, run_strategy(rp, params, plans=plans))


def _bracket(stock_by_level: dict[float, float], target: float) -> tuple[float, float]:
    """The grid levels either side of ``target`` stock (the search's default bounds beyond)."""
    levels = sorted(stock_by_level)
    below = [lv for lv in levels if stock_by_level[lv] <= target]
    above = [lv for lv in levels if stock_by_level[lv] >= target]
    return (max(below) if below else 0.05), (min(above) if above else 0.999)


def judge_setting(
    rp: Replay, setting: CostSetting, levels: tuple[float, ...] = CURVE_LEVELS, grid: bool = True
) -> tuple[list[dict], dict[str, Run]]:
    """Under ``setting``: the recommendation (planning with the setting's costs), JIT everywhere,
    JIC everywhere re-tuned (the grid level of least total cost), the class rule re-tuned (the
    cheapest of ``class_rule_grid``) and JIC everywhere at the recommendation's stock value.
    Returns the rows (``policy_row``) and every run by name ("JIC 90%", ...) for the oracle."""
    sp = recost(rp, setting)
    p = sp.params
    runs = {"recommended": replay_run(sp, p), "JIT everywhere": replay_run(sp, strategy_params(p)["JIT everywhere"])}
    runs |= {f"JIC {lv:.1%}": replay_run(sp, uniform_jic(p, lv)) for lv in levels}
    rules = class_rule_grid(p) if grid else {"as set": strategy_params(p)["class rule"]}
    runs |= {f"class rule {name}": replay_run(sp, rp_) for name, rp_ in rules.items()}
    total = {name: run.total("total_cost") for name, run in runs.items()}

    def cheapest(prefix: str) -> str:
        return min((n for n in runs if n.startswith(prefix)), key=total.__getitem__)

    jic, rule = cheapest("JIC "), cheapest("class rule ")
    target = runs["recommended"].total("avg_stock_value")
    stock = {lv: runs[f"JIC {lv:.1%}"].total("avg_stock_value") for lv in levels}
    level, matched = equal_stock_level(
        sp, unpriced(uniform_jic(p, 0.5)), target, *_bracket(stock, target), tolerance=0.002
    )
    runs["equal stock JIC"] = replay_run(sp, uniform_jic(p, level))
    name = setting.name
    rows = [
        policy_row(runs["recommended"].per_sku, sp, name, "recommended"),
        policy_row(runs["JIT everywhere"].per_sku, sp, name, "JIT everywhere"),
        policy_row(runs[jic].per_sku, sp, name, "JIC everywhere re-tuned", jic.removeprefix("JIC ")),
        policy_row(runs[rule].per_sku, sp, name, "class rule re-tuned", rule.removeprefix("class rule ")),
        policy_row(matched, sp, name, "JIC everywhere equal stock", f"{level:.1%}"),
    ]
    return rows, runs


def oracle_choice(
    served: np.ndarray, stock: np.ndarray, cost: np.ndarray, budget: float, objective: str = "fill"
) -> np.ndarray:
    """Per SKU, the option (column index) of SKU x option arrays (weighted units served, average
    stock value, total cost) that maximises units served ("fill") or minimises total cost
    ("cost") with total stock value at most ``budget`` (a budget, not a quota: stock that buys
    nothing is not forced on any SKU): one multiplier on stock value (a Lagrange multiplier)
    bisected, each SKU then choosing alone (items independent)."""
    rows = np.arange(len(stock))
    gain = served if objective == "fill" else -cost

    def pick(lam: float) -> np.ndarray:
        return _argmax(gain - lam * stock, stock)

    def used(lam: float) -> float:
        return float(stock[rows, pick(lam)].sum())

    lo = 0.0
    if used(lo) <= budget:  # the budget does not bind: each SKU takes its best option
        return pick(lo)
    hi = 1.0
    while used(hi) > budget and hi < 1e12:
        hi *= 4
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if used(mid) <= budget else (mid, hi)
    return pick(hi)


def _argmax(score: np.ndarray, stock: np.ndarray) -> np.ndarray:
    """Row-wise argmax of ``score``, ties (within 1e-9) to the column of least ``stock``: a free
    extra unit of stock buys nothing, and the budget is left to items it helps."""
    best = score.max(axis=1, keepdims=True)
    tied = score >= best - 1e-9 * np.maximum(np.abs(best), 1.0)
    return np.where(tied, stock, np.inf).argmin(axis=1)


def compose_plans(
    options: list[tuple[list[Plan], list[np.ndarray]]], choice: np.ndarray
) -> tuple[list[Plan], list[np.ndarray]]:
    """One plan per period taking each SKU's row from its chosen option's plan (and levels)."""
    rows = np.arange(len(choice))

    def pick(arrays: list[np.ndarray]) -> np.ndarray:
        return np.stack(arrays)[choice, rows]

    plans, levels = [], []
    for t in range(len(options[0][0])):
        at = [o[0][t] for o in options]
        plans.append(
            Plan(
                is_jic=pick([pl.is_jic for pl in at]),
                reorder_point=pick([pl.reorder_point for pl in at]),
                order_up_to=pick([pl.order_up_to for pl in at]),
                order_qty=pick([pl.order_qty for pl in at]),
                max_order=pick([np.full(len(choice), np.inf) if pl.max_order is None else pl.max_order for pl in at]),
            )
        )
        levels.append(pick([o[1][t] for o in options]))
    return plans, levels


def hindsight_oracle(rp: Replay, runs: dict[str, Run], budget: float) -> dict[str, dict]:
    """Per-item levels chosen on the replayed span itself: each SKU takes one of ``runs``'
    options (JIT, each uniform level, ... replayed over the same span) so that total average
    stock value is at most ``budget`` (currency), maximising units served ("fill") or
    minimising total cost per year ("cost"). Items are treated as independent; shared purchase
    orders make that approximate, so the chosen options are replayed again as one plan
    (``replayed``). Per objective: the independent estimate and the replayed ``policy_row``, and
    the share of SKUs per option."""
    names = [n for n, r in runs.items() if r.plans[0]]
    w = runs[names[0]].per_sku["weight"].to_numpy(float)

    def col(c: str) -> np.ndarray:
        return np.stack([runs[n].per_sku[c].to_numpy(float) for n in names], axis=1) * w[:, None]

    served, stock, demand = col("served"), col("avg_stock_value"), col("demand")[:, 0]
    cost = np.sum([col(c) for c in _COST_TERMS], axis=0)
    years = rp.actual.shape[1] * rp.params.period_days / 365.0
    out = {}
    rows = np.arange(len(w))
    for objective in ("fill", "cost"):
        choice = oracle_choice(served, stock, cost, budget, objective)
        plans = compose_plans([runs[n].plans for n in names], choice)
        again = run_strategy(rp, rp.params, plans=plans)
        out[objective] = {
            "independent": {
                "avg_stock_value": float(stock[rows, choice].sum()),
                "fill_rate": float(served[rows, choice].sum() / demand.sum()),
                "total_cost": float(cost[rows, choice].sum()) / years,
            },
            "replayed": policy_row(again, rp, "default", f"oracle ({objective})"),
            "options": pd.Series(np.asarray(names)[choice]).value_counts(normalize=True).to_dict(),
        }
    return out


def subset_rows(n: int, size: int, seed: int) -> np.ndarray:
    """Sorted row indexes of a uniform random sample (seeded, without replacement) of
    ``min(size, n)`` of ``n`` replayed SKUs."""
    return np.sort(np.random.default_rng(seed).choice(n, size=min(size, n), replace=False))


def judge_subset(
    rp: Replay,
    rows: np.ndarray,
    stock_by_level: dict[float, np.ndarray] | None = None,
    params: PolicyParams | None = None,
) -> dict:
    """On the SKUs at ``rows`` (``rp``'s costs): ``params`` (default: the recommendation)
    against JIC everywhere at its stock value. ``stock_by_level``: per-SKU weighted stock of
    uniform levels on the whole replay, to bracket the search. Returns skus, level, fill (both),
    total_cost per year (both), fill_pts (rec - JIC, points) and cost_pct (rec / JIC - 1,
    percent)."""
    sub = rp.subset(rows)
    rec = policy_row(run_strategy(sub, unpriced(params or sub.params)), sub, "default", "recommended")
    target = rec["avg_stock_value"]
    lo, hi = _bracket({lv: float(s[rows].sum()) for lv, s in (stock_by_level or {}).items()}, target)
    level, matched = equal_stock_level(sub, unpriced(uniform_jic(sub.params, 0.5)), target, lo, hi, tolerance=0.002)
    jic = policy_row(matched, sub, "default", "JIC everywhere equal stock")
    return {
        "skus": len(rows),
        "level": level,
        "fill_rec": rec["fill_rate"],
        "fill_jic": jic["fill_rate"],
        "cost_rec": rec["total_cost"],
        "cost_jic": jic["total_cost"],
        "fill_pts": 100 * (rec["fill_rate"] - jic["fill_rate"]),
        "cost_pct": 100 * (rec["total_cost"] / jic["total_cost"] - 1),
    }


def jit_beyond_tolerance(rp: Replay, run: Run) -> pd.DataFrame:
    """Per ABC class: items with demand in the replay that ``run`` leaves JIT in its last
    replayed period although their lead time + half a review exceeds the customers' tolerance (the
    item's or its class's ``max_wait_days``), weighted to the catalogue, beside the items with
    demand. Each is priced so: every unit it runs short is charged as lost."""
    base = rp.weeks[-1][0]
    abc = base["abc"].astype(str).to_numpy()  # the classes the last plan was made with
    tolerance = base["max_wait_days"].to_numpy(float)
    wait = expected_wait_days(base["lead_time_days"], review_periods_of(base, rp.params), rp.params.period_days)
    asked = np.nansum(rp.actual, axis=1) > 0
    jit = ~run.plans[0][-1].is_jic.astype(bool)
    beyond = asked & jit & (wait > tolerance)
    frame = pd.DataFrame({"abc": abc, "beyond": beyond * rp.weight, "asked": asked * rp.weight})
    out = frame.groupby("abc")[["beyond", "asked"]].sum()
    # the class's tolerance: the most common one among its items (an item master may set its own)
    typical = (
        pd.Series(tolerance, index=abc).groupby(level=0).agg(lambda v: v.mode().iloc[0] if v.notna().any() else np.nan)
    )
    return out.assign(max_wait_days=typical.reindex(out.index))
