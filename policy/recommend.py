"""JIT or JIC per SKU where each pays, with buffers, order quantities, reorder-now and the reason."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.policy.inputs import item_inputs, joined_notes
from jitjic.policy.inventory import replenishment_qty
from jitjic.policy.params import PolicyParams
from jitjic.policy.quantities import Inputs, allocate
from jitjic.policy.reasons import reasons

__all__ = ["PolicyParams", "recommend"]

# a supplier whose lead-time spread exceeds this share of the mean is not reliable enough for JIT
UNRELIABLE_SUPPLIER_CV = 0.3


def _until(forecast: pd.DataFrame, lead_time: pd.DataFrame) -> np.ndarray:
    """Per forecast row, the cumulative mean demand over its ``season_end_periods`` (units; NaN
    where none), read off the forecast's lead-time table."""
    periods = np.clip(np.ceil(forecast["season_end_periods"].to_numpy(float)), 1, lead_time["periods"].max())
    keys = pd.DataFrame({"sku": forecast["sku"].to_numpy(), "periods": np.nan_to_num(periods, nan=1).astype(int)})
    found = keys.merge(lead_time[["sku", "periods", "mean"]], on=["sku", "periods"], how="left")["mean"].to_numpy()
    return np.where(np.isfinite(forecast["season_end_periods"].to_numpy(float)), found, np.nan)


def recommend(
    classes: pd.DataFrame,
    forecast: pd.DataFrame,
    items: pd.DataFrame,
    stock: pd.DataFrame | None,
    params: PolicyParams,
    lead_time: pd.DataFrame | None = None,
    previous: pd.DataFrame | None = None,
    history: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One recommendation per SKU.

    classes: ``sku, abc, xyz, pattern, abc_basis, cv`` and optionally ``adi, order_lines, periods,
    lifecycle, periods_since_first, periods_since_demand`` (classification): dead items are phased
    out (policy PHASE_OUT, never reordered), new items go JIT unless ``new_item_policy`` is "JIC";
    forecast: ``sku, model, mean, sigma`` (units per period);
    items: ``sku, description, unit_cost, lead_time_days, lead_time_std_days, moq, pack_size,
    avg_price`` and optionally ``supplier, order_cost, holding_rate, on_time_rate,
    policy_override, target_service_level, obsolescence_rate, backorder_share`` (gaps filled from
    ``params``); stock: ``sku, on_hand, on_order`` (units) or None;
    lead_time: the forecast's cumulative quantiles (``sku, periods, mean, q50..q99``): buffers are
    read off them over lead time + review period (not off a normal curve) where given;
    previous: last run's ``sku, policy``: an item keeps its choice unless the other costs
    ``switch_margin`` less; history: demand ``sku, period_start, qty`` (zero-filled): an item
    with ``replay_history`` periods of it is priced by replaying both choices on them.
    Returns the columns of the ``recommendations`` table (see sql/schema/003_results.sql).
    """
    p = params
    if "season_end_periods" in forecast and "season_demand" not in forecast and lead_time is not None:
        forecast = forecast.assign(season_demand=_until(forecast, lead_time))
    base, notes = item_inputs(classes, forecast, items, stock, p)
    before = None
    if previous is not None and len(previous):
        said = previous.set_index("sku")["policy"].map({"JIC": 1.0, "JIT": 0.0})
        before = said.reindex(base["sku"]).to_numpy(float)
    matrix = None
    if history is not None and len(history) and (p.replay_history or p.demand_distribution == "history"):
        wide = history.pivot_table(index="sku", columns="period_start", values="qty", aggfunc="sum").sort_index(axis=1)
        matrix = wide.reindex(base["sku"]).to_numpy(float)
    x = Inputs.build(base, lead_time, p, previous=before, history=matrix)
    plan, _ = allocate(x, p)
    lifecycle = (base["lifecycle"] if "lifecycle" in base else pd.Series("active", index=base.index)).to_numpy()
    forced = plan["forced"] != None  # noqa: E711 (element-wise)
    dead, new = (lifecycle == "dead") & ~forced, (lifecycle == "new") & ~forced
    jic = plan["is_jic"] & ~dead
    d = x.demand
    periods_per_year = 365.0 / p.period_days
    annual = d * periods_per_year
    # a dead item is phased out: nothing is ordered, no buffer, no cycle stock planned
    order_qty = np.where(dead, 0.0, plan["order_qty"])
    reorder_point = np.where(dead, 0.0, plan["reorder_point"])
    order_up_to = np.where(dead, 0.0, plan["order_up_to"])
    ss = np.where(dead, 0.0, plan["safety_stock"])
    chosen = {k: np.where(dead, 0.0, v) for k, v in plan["chosen"].items()}
    cost = x.unit_cost
    capital = chosen["stock"] * cost
    with np.errstate(divide="ignore", invalid="ignore"):
        orders_per_year = np.where(order_qty > 0, annual / order_qty, 0.0)
        orders_per_year = np.where(jic | dead, orders_per_year, np.where(d > 0, periods_per_year * x.demand_share, 0.0))
        days_cover = np.where(d > 0, ss / (d / p.period_days), np.nan)
    orders_per_year = np.where(dead, 0.0, orders_per_year)

    position = (base["on_hand"] + base["on_order"].fillna(0)).to_numpy(float)
    can_order = ~np.isnan(position) & ~dead & (d > 0)
    reorder_qty = np.where(
        can_order,
        replenishment_qty(
            jic, np.nan_to_num(position), reorder_point, order_up_to, order_qty, x.moq, x.pack, plan["max_order"]
        ),
        0.0,
    )

    lt_days, lt_sd_days = base["lead_time_days"].to_numpy(float), base["lead_time_std_days"].to_numpy(float)
    unreliable = lt_sd_days > UNRELIABLE_SUPPLIER_CV * np.maximum(lt_days, 1e-9)
    unsteady = base["xyz"].eq("Z").to_numpy() & base["pattern"].isin(["erratic", "lumpy"]).to_numpy()
    risk = np.where(
        ~jic & unreliable & unsteady,
        "JIT risk: unreliable supplier and erratic demand",
        np.where(
            ~jic & unreliable,
            "JIT risk: unreliable supplier",
            np.where(~jic & unsteady & x.popular, "JIT risk: erratic demand", None),  # type: ignore[call-overload]
        ),
    )
    decided_by = np.where(forced, "item master", np.where(dead | (new & ~jic), "lifecycle", p.decide_by))
    plan = plan | {"is_jic": jic, "safety_stock": ss, "chosen": chosen}
    return pd.DataFrame(
        {
            "sku": base["sku"],
            "description": base["description"],
            "supplier": base["supplier"],
            "policy": np.where(dead, "PHASE_OUT", np.where(jic, "JIC", "JIT")),
            "reason": reasons(base, plan, p, dead, new, x.demand),
            "abc": base["abc"],
            "xyz": base["xyz"],
            "pattern": base["pattern"],
            "model": base["model"],
            "service_level": np.where(jic, plan["level"], np.nan),
            "mean_demand": d,
            "demand_std": base["sigma"].clip(lower=0).to_numpy(float),
            "unit_cost": cost,
            "lead_time_days": lt_days,
            "lead_time_std_days": lt_sd_days,
            "protection_days": x.protection.periods * p.period_days,
            "lead_time_demand": d * x.lead_periods,
            "safety_stock": ss,
            "reorder_point": reorder_point,
            "order_up_to": order_up_to,
            "order_qty": order_qty,
            "orders_per_year": orders_per_year,
            "order_cost": x.order_cost,
            "order_line_cost": plan["line_cost"],
            "holding_rate": base["holding_rate"],
            "obsolescence_rate": base["obsolescence_rate"],
            "backorder_share": base["backorder_share"],
            "ordering_cost_year": chosen["ordering"],
            "holding_cost_year": capital * base["holding_rate"].to_numpy(float),
            "obsolescence_cost_year": capital * base["obsolescence_rate"].to_numpy(float),
            "shortage_cost_year": chosen["shortage"],
            "expected_units_short": chosen["units_short"],
            "capital_tied_up": capital,
            "days_of_cover": days_cover,
            "on_hand": base["on_hand"],
            "on_order": base["on_order"],
            "inventory_position": position,
            "reorder_now": reorder_qty > 0,
            "reorder_qty": reorder_qty,
            "reorder_value": reorder_qty * cost,
            "risk_flag": risk,
            "season_ending": base["season_ending"].fillna(False).astype(bool) if "season_ending" in base else False,
            "service_measure": np.where(jic, "cycle" if p.targets == "cost" else p.service_measure, None),  # type: ignore[call-overload,arg-type]  # numpy stubs: no object-array where
            "expected_cost_jic": plan["jic"]["total"],
            "expected_cost_jit": plan["jit"]["total"],
            "costs_from": np.where(plan["costs_replayed"], "replay", "formulas"),
            "decided_by": decided_by,
            "assumed": joined_notes(notes, len(base)),
        }
    )
