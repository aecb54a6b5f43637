"""Choose the catalogue's policy by backtest, as forecasting chooses its models: every candidate
a buyer could run (the per-item recommendation, JIT everywhere, JIC everywhere at one level, the
class rule's variants) replayed over the same past, the cheapest kept, and kept from night to
night unless another is clearly cheaper.

The per-item choices rest on each item's own costs and history, noisy evidence on lumpy
demand; the replay prices each candidate on the whole catalogue's realised demand.
``tuned_out_of_sample`` checks the procedure on periods it never saw.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from jitjic.policy.params import PolicyParams
from jitjic.replay.backtest import CURVE_LEVELS, Replay, equal_stock_level, strategy_params, uniform_jic
from jitjic.replay.judge import Run, class_rule_grid, policy_row, replay_run, unpriced

__all__ = [
    "RECOMMENDED",
    "PolicyChoice",
    "candidates",
    "choose_policy",
    "applied_params",
    "told_choice",
    "tuned_out_of_sample",
]

RECOMMENDED = "recommended"


def candidates(p: PolicyParams, levels: tuple[float, ...] = CURVE_LEVELS) -> dict[str, PolicyParams]:
    """Name -> parameters of every policy the choice weighs: the recommendation as configured,
    JIT everywhere, JIC everywhere at each of ``levels`` and the class rule's grid (which
    classes are buffered x their shortfalls halved, kept or doubled)."""
    out = {RECOMMENDED: p, "JIT everywhere": strategy_params(p)["JIT everywhere"]}
    out |= {f"JIC everywhere {lv * 100:.4g}%": uniform_jic(p, lv) for lv in levels}
    out |= {f"class rule {name}": q for name, q in class_rule_grid(p).items()}
    # priced as the nightly run would plan them: an item master's policy_override wins alike
    return {name: replace(q, item_policies=p.item_policies) for name, q in out.items()}


@dataclass(frozen=True)
class PolicyChoice:
    """The candidates' replay (``table``: one row each, default costs, per year) and the one
    chosen, with why in plain words."""

    table: pd.DataFrame
    chosen: str
    why: str
    runs: dict[str, Run] = field(default_factory=dict, repr=False)  # each candidate's replay, by name


def choose_policy(
    rp: Replay,
    p: PolicyParams | None = None,
    previous: str | None = None,
    margin: float = 0.02,
    levels: tuple[float, ...] = CURVE_LEVELS,
) -> PolicyChoice:
    """Replay every candidate (``candidates``) on ``rp`` (plain scenario, its costs) and keep the
    cheapest in total cost per year; ``previous`` (last night's choice) stays unless the cheapest
    costs at least ``margin`` (a share) less: a choice that does not flip on a small change in
    the replayed span. Rows: candidate, avg_stock_value, fill_rate, cycle_service_a, the cost
    terms and total_cost per year, chosen, previous."""
    p = rp.params if p is None else p
    runs = {name: replay_run(rp, q) for name, q in candidates(p, levels).items()}
    rows = [policy_row(run.per_sku, rp, "default", name) | {"candidate": name} for name, run in runs.items()]
    table = pd.DataFrame(rows).drop(columns=["setting", "policy", "detail"])
    cost = table.set_index("candidate")["total_cost"]
    cheapest = str(cost.idxmin())
    chosen = cheapest
    kept = previous in cost.index and previous != cheapest and cost[cheapest] >= cost[previous] * (1 - margin)
    if kept:
        chosen = str(previous)
    table = table.assign(chosen=table["candidate"] == chosen, previous=table["candidate"] == previous)
    return PolicyChoice(table, chosen, _why(cost, chosen, cheapest if kept else None, margin), runs)


def _why(cost: pd.Series, chosen: str, cheaper: str | None, margin: float) -> str:
    """The choice in words, with the figures it rests on."""

    def money(name: str) -> str:
        return f"{cost[name]:,.0f}/yr"

    jic = cost[[n for n in cost.index if n.startswith("JIC everywhere")]].idxmin()
    beside = [n for n in (RECOMMENDED, "JIT everywhere", jic) if n != chosen]
    text = f"{chosen} replayed at {money(chosen)}, against " + ", ".join(f"{n} {money(n)}" for n in beside)
    if cheaper is not None:
        text += f" (kept from the last run: {cheaper} at {money(cheaper)} is less than {margin:.0%} cheaper)"
    return text


def applied_params(p: PolicyParams, chosen: str, levels: tuple[float, ...] = CURVE_LEVELS) -> PolicyParams | None:
    """The parameters the nightly run plans with for the candidate ``chosen``: the ones it was
    replayed with. None for a name no candidate of ``p`` and ``levels`` has."""
    return candidates(p, levels).get(chosen)


def told_choice(recs: pd.DataFrame, chosen: str, params: PolicyParams) -> pd.DataFrame:
    """``recs`` (``policy.recommend``'s, planned with ``params`` for the candidate ``chosen``)
    told so: each item the rule decided is ``decided_by = "replay"`` and its reason ends on the
    policy the run planned with, and where the item's own expected costs (in the reason) favour
    the other choice, says so. Items the lifecycle or the item master decided, and every item
    under the recommendation, as they are."""
    if chosen == RECOMMENDED:
        return recs
    ruled = (recs["decided_by"] == params.decide_by).to_numpy()
    jic = (recs["policy"] == "JIC").to_numpy()
    cost_jic, cost_jit = recs["expected_cost_jic"].to_numpy(float), recs["expected_cost_jit"].to_numpy(float)
    priced = np.isfinite(cost_jic) & np.isfinite(cost_jit) & (cost_jic != cost_jit)
    against = ruled & priced & (jic != (cost_jic < cost_jit))
    alone = np.where(
        cost_jic < cost_jit, " (priced alone, a buffer would cost less)", " (priced alone, JIT would cost less)"
    )
    note = np.where(ruled, f"; planned by the catalogue's policy, chosen by replay: {chosen}", "")
    reason = recs["reason"] + note + np.where(against, alone, "")
    return recs.assign(reason=reason, decided_by=np.where(ruled, "replay", recs["decided_by"]))


def tuned_out_of_sample(rp: Replay, levels: tuple[float, ...] = CURVE_LEVELS) -> dict:
    """The choice judged on periods it never saw: ``choose_policy`` on the first half of ``rp``
    (under ``rp``'s costs: ``judge.recost`` it for another setting), its candidate replayed on
    the second half beside the recommendation, JIC everywhere at the chosen one's stock and the
    candidate that proves cheapest on the second half itself (hindsight: every baseline re-tuned
    on the span judged). Totals per year. Also returns the second half (``second``) and its
    choice (``later``: every candidate's replay there) for an oracle or subsets."""
    half = rp.actual.shape[1] // 2
    first, second = rp.periods(0, half), rp.periods(half, rp.actual.shape[1])
    p = rp.params
    chosen = choose_policy(first, p, levels=levels).chosen
    later = choose_policy(second, p, levels=levels)  # every candidate, the chosen one too, on the second half
    table = later.table.set_index("candidate")
    best = str(table["total_cost"].idxmin())
    target = later.runs[chosen].total("avg_stock_value")
    level, matched = equal_stock_level(second, unpriced(uniform_jic(p, 0.5)), target, tolerance=0.002)
    rows = {
        f"chosen on the first half: {chosen}": table.loc[chosen].to_dict() | {"policy": "tuned"},
        RECOMMENDED: table.loc[RECOMMENDED].to_dict() | {"policy": RECOMMENDED},
        f"JIC everywhere at equal stock ({level:.1%})": policy_row(matched, second, "default", "equal stock"),
        f"cheapest on the second half itself: {best}": table.loc[best].to_dict() | {"policy": "best"},
    }
    return {
        "chosen": chosen,
        "params": candidates(p, levels)[chosen],
        "best": best,
        "level": level,
        "periods": (half, rp.actual.shape[1] - half),
        "rows": rows,
        "second": second,
        "later": later,
    }
