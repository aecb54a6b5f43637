"""The hybrid rule: JIC buffers on popular items, JIT ordering on rare ones, each with a reason."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import norm

from policy.costs import annual_cost_jic, annual_cost_jit, shortage_cost
from policy.inventory import eoq, replenishment_qty, round_order_qty, safety_stock_fill_rate
from policy.uncertainty import lead_time_excess

__all__ = ["PolicyParams", "recommend"]

# a supplier whose lead-time spread exceeds this share of the mean is not reliable enough for JIT
UNRELIABLE_SUPPLIER_CV = 0.3


@dataclass(frozen=True)
class PolicyParams:
    """Rules and the defaults assumed where the item master is silent (see README, [policy])."""

    jic_classes: tuple[str, ...] = ("A", "B")
    service_level: dict[str, float] = field(default_factory=lambda: {"A": 0.95, "B": 0.90, "C": 0.85})
    period_days: float = 7.0
    review_period_days: float = 7.0
    holding_rate: float = 0.25
    order_cost: float = 25.0
    default_lead_time_days: float = 14.0
    default_lead_time_std_days: float = 3.0
    default_cost_ratio: float = 0.6
    default_moq: float = 1.0
    default_pack_size: float = 1.0
    abc_cutoffs: tuple[float, float] = (0.8, 0.95)
    # a new item has too little history to size a buffer: JIT until it has (or "JIC")
    new_item_policy: str = "JIT"
    # service_level means a cycle service level ("cycle") or a fill rate ("fill_rate")
    service_measure: str = "cycle"
    # switch JIT <-> JIC where the other costs this share less per year (None: never, the
    # default: the costs are still computed and shown)
    cost_override_margin: float | None = None
    # an order never covers more than this many days of forecast demand (None: no cap): EOQ
    # knows no obsolescence and would buy years of a cheap slow mover at once
    max_order_cover_days: float | None = 365.0
    # how late a late delivery is: turns an item's on-time rate into a lead-time mean and spread
    late_delivery_days: float = 7.0
    # an item master's policy_override wins over every rule (False: the simulator's JIT- and
    # JIC-everywhere baselines, which ignore it)
    item_policies: bool = True


def _on_time_lead_times(lead_days, on_time_rate, late_days):
    """Lead time (days) of a supplier on time with probability ``on_time_rate`` and otherwise
    ``late_days`` late: (mean, std) = (L + (1 - r)·D, D·sqrt(r·(1 - r)))."""
    r = np.clip(np.asarray(on_time_rate, float), 0.0, 1.0)
    return np.asarray(lead_days, float) + (1 - r) * late_days, late_days * np.sqrt(r * (1 - r))


def _with_defaults(items: pd.DataFrame, p: PolicyParams) -> tuple[pd.DataFrame, list[tuple[np.ndarray, str]]]:
    """Fill item-master gaps from the defaults; also say what was assumed: (rows, note) pairs."""
    out = items.copy()
    for col in ("order_cost", "holding_rate", "on_time_rate", "policy_override", "target_service_level"):
        if col not in out:
            out[col] = np.nan
    notes = []
    # an on-time rate stands in for a missing spread: late deliveries come late_delivery_days late
    rated = (out["lead_time_std_days"].isna() & out["on_time_rate"].notna()).to_numpy()
    fills = {
        "unit_cost": (out["avg_price"] * p.default_cost_ratio, f"unit cost = {p.default_cost_ratio:.0%} of price"),
        "lead_time_days": (p.default_lead_time_days, f"lead time {p.default_lead_time_days:g} d"),
        "lead_time_std_days": (p.default_lead_time_std_days, f"lead-time spread {p.default_lead_time_std_days:g} d"),
        "moq": (p.default_moq, None),
        "pack_size": (p.default_pack_size, None),
        "order_cost": (p.order_cost, f"order cost {p.order_cost:,.2f}"),
        "holding_rate": (p.holding_rate, f"holding {p.holding_rate:.0%}/yr"),
    }
    for col, (default, note) in fills.items():
        missing = out[col].isna().to_numpy()
        if col == "lead_time_std_days":
            missing &= ~rated
        out[col] = out[col].where(~missing, default)
        if note:
            notes.append((missing, note))
    if rated.any():
        mean, std = _on_time_lead_times(out["lead_time_days"], out["on_time_rate"], p.late_delivery_days)
        out["lead_time_days"] = out["lead_time_days"].where(~rated, mean)
        out["lead_time_std_days"] = out["lead_time_std_days"].where(~rated, std)
        said = out["on_time_rate"].map(lambda r: f"{r:.0%}" if pd.notna(r) else "")
        notes.append((rated, ("lead time and spread from " + said + f" on time (late ones {p.late_delivery_days:g} d "
                              "late)").to_numpy()))
    out["unit_cost"] = out["unit_cost"].fillna(0.0)
    return out, notes


def _days(value: float) -> str:
    """Days in a reason: at most one decimal, no trailing zero (14, 14.7)."""
    return f"{value:.1f}".removesuffix(".0")


def _joined_notes(notes: list[tuple[np.ndarray, str]], n: int) -> np.ndarray:
    """Per row, the notes whose rows include it, joined by "; " (None when there are none)."""
    text = np.full(n, "", dtype=object)
    for rows, note in notes:
        text = np.where(rows, np.where(text == "", note, text + "; " + note), text)
    return np.where(text == "", None, text)


def _describe_abc(abc: pd.Series, basis: pd.Series, cut: tuple[float, float]) -> pd.Series:
    band = abc.map({"A": f"top {cut[0]:.0%}", "B": f"next {cut[1] - cut[0]:.0%}", "C": f"last {1 - cut[1]:.0%}"})
    words = basis.map({"hits": "order lines", "volume": "units"}).fillna(basis)
    return abc + "-item (" + band + " of " + words + ")"


def _describe_demand(xyz: pd.Series, cv: pd.Series, pattern: pd.Series) -> pd.Series:
    word = xyz.map({"X": "steady", "Y": "variable", "Z": "erratic"})
    text = word + " demand (CV " + cv.map(lambda v: f"{v:.1f}" if np.isfinite(v) else "n/a") + ")"
    rare = pattern.isin(["intermittent", "lumpy"])
    return text.where(~rare, text + ", " + pattern + " (sold in few periods)").where(pattern != "none", "no demand")


def recommend(
    classes: pd.DataFrame,
    forecast: pd.DataFrame,
    items: pd.DataFrame,
    stock: pd.DataFrame | None,
    params: PolicyParams,
    lead_time: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One recommendation per SKU.

    classes: ``sku, abc, xyz, pattern, abc_basis, cv`` and optionally ``lifecycle,
    periods_since_first, periods_since_demand`` (classification): dead items are phased out
    (policy PHASE_OUT, never reordered), new items go JIT unless ``new_item_policy`` is "JIC";
    forecast: ``sku, model, mean, sigma`` (units per period);
    items: ``sku, description, unit_cost, lead_time_days, lead_time_std_days, moq, pack_size,
    avg_price`` (gaps filled from ``params``); stock: ``sku, on_hand, on_order`` (units) or None;
    lead_time: the forecast's cumulative quantiles (``sku, periods, mean, q50..q99``): the buffer
    is read off them (not off a normal curve) where given.
    Returns the columns of the ``recommendations`` table (see sql/schema/003_results.sql).
    """
    p = params
    base = classes.merge(forecast[["sku", "model", "mean", "sigma"]], on="sku", how="inner")
    base = base.merge(items, on="sku", how="left")
    if "avg_price" not in base:
        base["avg_price"] = np.nan
    base, notes = _with_defaults(base, p)
    if stock is not None and len(stock):
        base = base.merge(stock[["sku", "on_hand", "on_order"]], on="sku", how="left")
    else:
        base["on_hand"], base["on_order"] = np.nan, np.nan
    no_count = base["on_hand"].isna().to_numpy()
    notes.append((no_count, "no stock count"))

    d = base["mean"].clip(lower=0).to_numpy()
    sd = base["sigma"].clip(lower=0).to_numpy()
    cost = base["unit_cost"].to_numpy()
    lt_days, lt_sd_days = base["lead_time_days"].to_numpy(), base["lead_time_std_days"].to_numpy()
    order_cost, holding_rate = base["order_cost"].to_numpy(float), base["holding_rate"].to_numpy(float)
    lt, lt_sd = lt_days / p.period_days, lt_sd_days / p.period_days
    review = p.review_period_days / p.period_days
    periods_per_year = 365.0 / p.period_days
    annual = d * periods_per_year

    # the item master may set the policy (over every rule, the lifecycle included) and the target
    override = base["policy_override"].to_numpy(object) if p.item_policies else np.full(len(base), None)
    forced = (override == "JIC") | (override == "JIT")
    lifecycle = (base["lifecycle"] if "lifecycle" in base else pd.Series("active", index=base.index)).to_numpy()
    dead, new = (lifecycle == "dead") & ~forced, (lifecycle == "new") & ~forced
    jic = base["abc"].isin(p.jic_classes).to_numpy() & (d > 0) & ~dead
    if p.new_item_policy == "JIT":
        jic &= ~new
    own_level = base["target_service_level"].to_numpy(float)
    level = np.where(np.isnan(own_level), base["abc"].map(p.service_level).astype(float).to_numpy(), own_level)
    lt_demand = d * lt
    q_eoq = eoq(annual, order_cost, cost * holding_rate)
    capped = np.zeros(len(base), dtype=bool)
    if p.max_order_cover_days is not None:  # never below one review period's demand
        cap = np.maximum(d * p.max_order_cover_days / p.period_days, d * review)
        capped, q_eoq = q_eoq > cap, np.minimum(q_eoq, cap)
    q_eoq = round_order_qty(q_eoq, base["moq"], base["pack_size"])
    q_jit = round_order_qty(d * review, base["moq"], base["pack_size"])
    # demand uncertainty over the lead time, plus the supplier's: d x σL units, independent
    excess, one_sigma, _ = lead_time_excess(base["sku"], lead_time, lt, level, sd)
    supplier = d * lt_sd
    sigma_lt = np.sqrt(one_sigma**2 + supplier**2)
    if p.service_measure == "fill_rate":
        buffer = safety_stock_fill_rate(level, q_eoq, sigma_lt)
    else:
        buffer = np.sqrt(excess**2 + (norm.ppf(np.clip(level, 0.5, 0.9999)) * supplier) ** 2)
    _, sigma_ltr, _ = lead_time_excess(base["sku"], lead_time, lt + review, np.full(len(base), 0.5), sd)
    sigma_ltr = np.sqrt(sigma_ltr**2 + supplier**2)
    price = base["avg_price"].to_numpy()
    shortage = shortage_cost(price, cost, p.default_cost_ratio)
    cost_jic = annual_cost_jic(annual, q_eoq, buffer, sigma_lt, cost, holding_rate, order_cost, shortage)
    adi = base["adi"].to_numpy(dtype=float) if "adi" in base else np.ones(len(base))
    demand_share = np.where(np.isfinite(adi) & (adi > 0), 1.0 / adi, 1.0)
    cost_jit = annual_cost_jit(annual, 365.0 / p.review_period_days, q_jit, sigma_ltr, cost, holding_rate,
                               order_cost, shortage, demand_share)
    by_rule = jic.copy()
    if p.cost_override_margin is not None:
        eligible = (d > 0) & ~dead & ~(new & (p.new_item_policy == "JIT"))
        jic = np.where(eligible & ~by_rule & (cost_jic < (1 - p.cost_override_margin) * cost_jit), True, jic)
        jic = np.where(eligible & by_rule & (cost_jit < (1 - p.cost_override_margin) * cost_jic), False, jic)
    decided_by_cost = (jic != by_rule) & ~forced
    jic = np.where(forced, override == "JIC", jic)
    ss = np.where(jic, buffer, 0.0)
    order_qty = np.where(jic, q_eoq, q_jit)
    reorder_point = np.where(jic, lt_demand + ss, lt_demand)
    order_up_to = np.where(jic, reorder_point + order_qty, d * (lt + review))
    with np.errstate(divide="ignore", invalid="ignore"):
        orders_per_year = np.where(order_qty > 0, annual / order_qty, 0.0)
        days_cover = np.where(d > 0, ss / (d / p.period_days), np.nan)
    # a dead item is phased out: nothing is ordered, no buffer, no cycle stock planned
    order_qty = np.where(dead, 0.0, order_qty)
    reorder_point = np.where(dead, 0.0, reorder_point)
    order_up_to = np.where(dead, 0.0, order_up_to)
    orders_per_year = np.where(dead, 0.0, orders_per_year)
    capital = (ss + order_qty / 2.0) * cost

    position = (base["on_hand"] + base["on_order"].fillna(0)).to_numpy()
    has_count = ~no_count
    # only counted, live items with demand are ever reordered
    can_order = has_count & ~dead & (d > 0)
    reorder_qty = np.where(can_order, replenishment_qty(jic, np.nan_to_num(position), reorder_point, order_up_to,
                                                        order_qty, base["moq"], base["pack_size"]), 0.0)
    reorder = reorder_qty > 0

    unreliable = lt_sd_days > UNRELIABLE_SUPPLIER_CV * np.maximum(lt_days, 1e-9)
    unsteady = base["xyz"].eq("Z").to_numpy() & base["pattern"].isin(["erratic", "lumpy"]).to_numpy()
    risk = np.where(~jic & unreliable & unsteady, "JIT risk: unreliable supplier and erratic demand",
                    np.where(~jic & unreliable, "JIT risk: unreliable supplier",
                             np.where(~jic & unsteady & (base["abc"] != "C").to_numpy(),
                                      "JIT risk: erratic demand", None)))

    why = (
        _describe_abc(base["abc"], base["abc_basis"], p.abc_cutoffs) + ", "
        + _describe_demand(base["xyz"], base["cv"], base["pattern"]) + ", supplier "
        + pd.Series(lt_days).map(_days) + "±" + pd.Series(lt_sd_days).map(_days) + " days -> "
    )
    jic_text = (
        "JIC: buffer " + pd.Series(np.ceil(ss)).map("{:,.0f}".format) + " units for "
        + pd.Series(level).map(lambda v: f"{v:.1%}".replace(".0%", "%")) + " service, ties up "
        + pd.Series(capital).map("{:,.2f}".format)
    )
    popular = base["abc"].isin(p.jic_classes).to_numpy()
    jit_text = pd.Series(
        np.where(d > 0, np.where(popular, "JIT: order to demand, no buffer", "JIT: order to demand, no buffer (rarely requested)"),
                 "JIT: no forecast demand, order only on request"),
        index=base.index,
    )
    not_popular_enough = popular & (d <= 0)
    jit_text = jit_text.where(~not_popular_enough, "JIT: popular by history but no demand forecast")
    new_text = ("new item (" + base.get("periods_since_first", pd.Series(0, index=base.index)).astype(int).astype(str)
                + " periods of history) -> JIT until its history can size a buffer")
    stock_value = pd.Series(np.nan_to_num(base["on_hand"].to_numpy()) * cost, index=base.index)
    dead_text = ("dead item: no demand in the last "
                 + base.get("periods_since_demand", pd.Series(0, index=base.index)).astype(int).astype(str)
                 + " periods -> phase out, do not reorder; on hand " + base["on_hand"].fillna(0).map("{:,.0f}".format)
                 + " units worth " + stock_value.map("{:,.2f}".format))
    if p.max_order_cover_days is not None:
        jic_text = jic_text.where(~capped, jic_text + f", orders capped at {p.max_order_cover_days:g} days of demand")
    reason = pd.Series(np.where(jic, why + jic_text, why + jit_text), index=base.index)
    costs = (pd.Series(cost_jit).map("{:,.2f}".format) + "/yr JIT vs " + pd.Series(cost_jic).map("{:,.2f}".format)
             + "/yr JIC")
    reason = reason.where(~decided_by_cost, reason + " (by expected cost: " + costs + ", overriding the class rule)")
    reason = reason.where(~(new & ~jic), new_text).where(~dead, dead_text)
    reason = reason.where(~forced, reason + np.where(jic != by_rule, " (set in the item master, overriding the rule)",
                                                     " (set in the item master)"))

    return pd.DataFrame(
        {
            "sku": base["sku"],
            "description": base["description"],
            "supplier": base["supplier"] if "supplier" in base else None,
            "policy": np.where(dead, "PHASE_OUT", np.where(jic, "JIC", "JIT")),
            "reason": reason,
            "abc": base["abc"], "xyz": base["xyz"], "pattern": base["pattern"], "model": base["model"],
            "service_level": np.where(jic, level, np.nan),
            "mean_demand": d, "demand_std": sd, "unit_cost": cost,
            "lead_time_days": lt_days, "lead_time_std_days": lt_sd_days,
            "lead_time_demand": lt_demand, "safety_stock": ss, "reorder_point": reorder_point,
            "order_up_to": order_up_to, "order_qty": order_qty, "orders_per_year": orders_per_year,
            "order_cost": order_cost, "holding_rate": holding_rate,
            "ordering_cost_year": orders_per_year * order_cost,
            "holding_cost_year": capital * holding_rate,
            "capital_tied_up": capital, "days_of_cover": days_cover,
            "on_hand": base["on_hand"], "on_order": base["on_order"], "inventory_position": position,
            "reorder_now": reorder, "reorder_qty": reorder_qty, "reorder_value": reorder_qty * cost,
            "risk_flag": risk,
            "service_measure": np.where(jic, p.service_measure, None),
            "expected_cost_jic": cost_jic, "expected_cost_jit": cost_jit,
            "decided_by": np.where(forced, "item master", np.where(dead | (new & ~jic), "lifecycle",
                                                                   np.where(decided_by_cost, "cost", "class"))),
            "assumed": _joined_notes(notes, len(base)),
        }
    )
