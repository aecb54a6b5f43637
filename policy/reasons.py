"""The reason for each SKU's policy in plain words, with the numbers it rests on."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.policy.params import PolicyParams

__all__ = ["reasons"]


def _days(value: float) -> str:
    """Days in a reason: at most one decimal, no trailing zero (14, 14.7)."""
    return f"{value:.1f}".removesuffix(".0")


def _pct(value: float) -> str:
    return f"{value:.1%}".replace(".0%", "%")


def _money(values) -> pd.Series:
    return pd.Series(values).map("{:,.2f}".format)


def _count(n: float) -> str:
    """Whole units, rounded up: "1 unit", "12 units"."""
    whole = np.ceil(np.nan_to_num(n))
    return f"{whole:,.0f} unit" + ("" if whole == 1 else "s")


def _describe_abc(abc: pd.Series, basis: pd.Series, cut: tuple[float, float]) -> pd.Series:
    band = abc.map({"A": f"top {cut[0]:.0%}", "B": f"next {cut[1] - cut[0]:.0%}", "C": f"last {1 - cut[1]:.0%}"})
    words = basis.map({"hits": "order lines", "volume": "units"}).fillna(basis)
    return abc + "-item (" + band + " of " + words + ")"


def _describe_demand(xyz: pd.Series, cv: pd.Series, pattern: pd.Series) -> pd.Series:
    word = xyz.map({"X": "steady", "Y": "variable", "Z": "erratic"})
    text = word + " demand (CV " + cv.map(lambda v: f"{v:.1f}" if np.isfinite(v) else "n/a") + ")"
    rare = pattern.isin(["intermittent", "lumpy"])
    return text.where(~rare, text + ", " + pattern + " (sold in few periods)").where(pattern != "none", "no demand")


def reasons(
    base: pd.DataFrame,
    plan: dict[str, np.ndarray],
    p: PolicyParams,
    dead: np.ndarray,
    new: np.ndarray,
    demand: np.ndarray | None = None,
) -> pd.Series:
    """One sentence per SKU: what it is (class, demand, supplier), the choice, and its numbers:
    the buffer and its service level, the capital, the order lines seen, how long the buffer's
    stock would sit, and both choices' expected yearly cost. ``demand``: the plan's mean demand
    per period over lead time + review (default: the forecast's next period)."""
    idx = base.index
    jic = plan["is_jic"]
    d = base["mean"].clip(lower=0).to_numpy(float) if demand is None else np.asarray(demand, float)
    lead, spread = base["lead_time_days"].to_numpy(float), base["lead_time_std_days"].to_numpy(float)
    why = (
        _describe_abc(base["abc"], base["abc_basis"], p.abc_cutoffs)
        + ", "
        + _describe_demand(base["xyz"], base["cv"], base["pattern"])
        + ", supplier "
        + pd.Series(lead, index=idx).map(_days)
        + "±"
        + pd.Series(spread, index=idx).map(_days)
        + " days -> "
    )
    capital = pd.Series(plan["chosen"]["stock"] * base["unit_cost"].to_numpy(float), index=idx)
    level = pd.Series(plan["level"], index=idx).map(_pct)
    jic_text = (
        "JIC: buffer "
        + pd.Series(plan["safety_stock"], index=idx).map(_count)
        + " for "
        + level
        + " cycle service, ties up "
        + capital.map("{:,.2f}".format)
    )
    if p.max_order_cover_days is not None:
        jic_text = jic_text.where(
            ~plan["capped"], jic_text + f", orders capped at {p.max_order_cover_days:g} days of demand"
        )
    if "season_capped" in plan:
        left = pd.Series(plan["order_qty"], index=idx).map(_count)
        jic_text = jic_text.where(
            ~plan["season_capped"],
            jic_text + ", season ending: an order covers at most the " + left + " forecast until it ends",
        )
    popular = base["abc"].isin(p.jic_classes).to_numpy()
    jit_text = pd.Series(
        np.where(
            d > 0,
            np.where(popular, "JIT: order to demand, no buffer", "JIT: order to demand, no buffer (rarely requested)"),
            "JIT: no forecast demand, order only on request",
        ),
        index=idx,
    )
    jit_text = jit_text.where(~(popular & (d <= 0)), "JIT: popular by history but no demand forecast")
    text = pd.Series(np.where(jic, why + jic_text, why + jit_text), index=idx)

    # the numbers behind the choice: how often it is asked for, how long a buffer would sit, costs
    lines = base["order_lines"].to_numpy(float) if "order_lines" in base else np.full(len(base), np.nan)
    window = base["periods"].to_numpy(float) if "periods" in base else np.full(len(base), np.nan)
    unit = {1.0: "days", 7.0: "weeks"}.get(p.period_days, "periods")
    seen = pd.Series(
        np.where(
            np.isfinite(lines) & np.isfinite(window),
            [
                f"{v:,.0f} order lines in {w:.0f} {unit}; " if np.isfinite(v) and np.isfinite(w) else ""
                for v, w in zip(lines, window, strict=True)
            ],
            "",
        ),
        index=idx,
    )
    held = plan["jic"]["stock"]
    with np.errstate(divide="ignore", invalid="ignore"):
        sits = np.where(d > 0, held / d, np.nan)
    sit_text = pd.Series(
        [
            f"a buffer would hold {_count(h)}, {s:,.0f} {unit} of demand: " if np.isfinite(s) else ""
            for h, s in zip(held, sits, strict=True)
        ],
        index=idx,
    )
    cost_jit, cost_jic = _money(plan["jit"]["total"]).set_axis(idx), _money(plan["jic"]["total"]).set_axis(idx)
    costs = pd.Series(
        np.where(
            jic,
            "JIC " + cost_jic + "/yr vs JIT " + cost_jit + "/yr",
            "JIT " + cost_jit + "/yr vs JIC " + cost_jic + "/yr",
        ),
        index=idx,
    )
    replayed = plan.get("costs_replayed", np.zeros(len(idx), dtype=bool))
    costs = costs.where(~replayed, costs + f" (both replayed on its last {p.replay_history} {unit})")
    forced = plan["forced"] != None  # noqa: E711 (element-wise)
    text = text.where(
        ~forced,
        text
        + np.where(
            jic != plan["rule_choice"], " (set in the item master, overriding the rule)", " (set in the item master)"
        ),
    )
    live = ~dead & ~new & (d > 0)
    text = text.where(~live, text + "; " + seen + sit_text.where(~jic, "") + costs)
    decided_by_cost = (plan["by_cost"] != plan["by_rule"]) & (p.decide_by == "cost") & ~forced
    rule_said = np.where(
        plan["by_rule"], "; the class rule alone would buffer it", "; the class rule alone would order it JIT"
    )
    text = text.where(~decided_by_cost, text + rule_said)
    new_text = (
        "new item ("
        + base.get("periods_since_first", pd.Series(0, index=idx)).astype(int).astype(str)
        + " periods of history) -> JIT until its history can size a buffer"
    )
    stock_value = pd.Series(
        np.nan_to_num(base["on_hand"].to_numpy(float)) * base["unit_cost"].to_numpy(float), index=idx
    )
    dead_text = (
        "dead item: no demand in the last "
        + base.get("periods_since_demand", pd.Series(0, index=idx)).astype(int).astype(str)
        + " periods -> phase out, do not reorder; on hand "
        + base["on_hand"].fillna(0).map("{:,.0f}".format)
        + " units worth "
        + stock_value.map("{:,.2f}".format)
    )
    return text.where(~(new & ~jic), new_text).where(~dead, dead_text)
