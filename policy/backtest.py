"""Prove the advice on history: JIT everywhere, JIC everywhere and the hybrid, replayed over the
last weeks with no look-ahead, plain and under each disruption scenario.

Every week of the replay the forecasts are refitted on the demand known by then and the three
policies re-planned; classes are fixed at the start (what the planner knew then).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from classification import classify_skus
from forecasting import AutoForecast
from forecasting.matrix import to_matrix
from policy.costs import shortage_cost
from policy.recommend import PolicyParams, recommend
from policy.simulate import SCENARIOS, Plan, Scenario, replay

__all__ = ["STRATEGIES", "backtest_policies", "plan_weeks", "summarise"]

STRATEGIES = ("JIT everywhere", "JIC everywhere", "hybrid")


def _strategy_params(params: PolicyParams) -> dict[str, PolicyParams]:
    return {
        "JIT everywhere": replace(params, jic_classes=(), cost_override_margin=None, item_policies=False),
        "JIC everywhere": replace(params, jic_classes=("A", "B", "C"), new_item_policy="JIC",
                                  cost_override_margin=None, item_policies=False),
        "hybrid": params,
    }


def _lead_time_frame(ids: np.ndarray, auto: AutoForecast) -> pd.DataFrame:
    cum_mean, q = auto.lead_time_quantiles()
    n, h = cum_mean.shape
    frame = pd.DataFrame({"sku": np.repeat(ids, h), "periods": np.tile(np.arange(1, h + 1), n),
                          "mean": cum_mean.ravel()})
    for name, tau in {"q50": 0.5, "q80": 0.8, "q90": 0.9, "q95": 0.95, "q99": 0.99}.items():
        frame[name] = q[:, :, int(np.argmin(np.abs(auto.taus_ - tau)))].ravel()
    return frame


def _plan(recs: pd.DataFrame) -> Plan:
    return Plan(
        is_jic=(recs["policy"] == "JIC").to_numpy(),
        reorder_point=recs["reorder_point"].to_numpy(float),
        order_up_to=recs["order_up_to"].to_numpy(float),
        order_qty=recs["order_qty"].to_numpy(float),
    )


def plan_weeks(
    y: np.ndarray,
    ids: np.ndarray,
    classes: pd.DataFrame,
    items: pd.DataFrame,
    params: PolicyParams,
    origin: int,
    weeks: int,
    horizon: int,
    forecast_params: dict | None = None,
) -> tuple[dict[str, list[Plan]], dict[str, pd.DataFrame]]:
    """Each strategy's plan for each replayed period ``origin + t``, made from ``y[:, :origin + t]``
    only (refitted forecasts, fixed classes); also each strategy's first recommendations."""
    strategy_params = _strategy_params(params)
    plans: dict[str, list[Plan]] = {s: [] for s in STRATEGIES}
    first: dict[str, pd.DataFrame] = {}
    for t in range(weeks):
        auto = AutoForecast(horizon, **(forecast_params or {})).fit(y[:, : origin + t])
        lead_time = _lead_time_frame(ids, auto)
        summary = pd.DataFrame({"sku": ids, "model": auto.model_names(), "mean": auto.mean_[:, 0],
                                "sigma": np.nan_to_num(auto.scale_)})
        for name, p in strategy_params.items():
            recs = recommend(classes, summary, items, None, p, lead_time=lead_time).set_index("sku").reindex(ids)
            recs["policy"] = recs["policy"].fillna("JIT")
            recs = recs.fillna({"reorder_point": 0.0, "order_up_to": 0.0, "order_qty": 0.0})
            plans[name].append(_plan(recs))
            first.setdefault(name, recs)
    return plans, first


def backtest_policies(
    demand: pd.DataFrame,
    items: pd.DataFrame,
    params: PolicyParams,
    *,
    weeks: int = 12,
    horizon: int = 8,
    scenarios: tuple[Scenario, ...] = SCENARIOS,
    backorders: bool = False,
    forecast_params: dict | None = None,
    classify_params: dict | None = None,
    max_skus: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Replay the last ``weeks`` periods of ``demand`` (``sku, period_start, qty, order_lines,
    revenue``) per strategy and scenario.

    items: as for ``recommend`` (``sku, description, unit_cost, lead_time_days, ...,
    avg_price``). Returns one row per scenario x strategy x ABC class (and ``all``): fill_rate,
    cycle_service_level (share of replenishment cycles with demand and no stock-out: what a
    service target promises), period_service_level (the same per period), stockout_periods,
    avg_stock_value, orders, holding_cost, ordering_cost, shortage_cost, total_cost (currency
    over the replay), ``weeks``, ``skus_total`` (known at the start) and ``skus_replayed``.

    With more than ``max_skus`` SKUs a seeded sample stratified by ABC class is replayed (each
    week refits the forecasts, so cost grows with SKUs x weeks) and every sum is weighted by its
    class's inverse sampling share: totals estimate the whole catalogue.
    """
    ids, periods, y = to_matrix(demand, "sku", "period_start", "qty")
    if y.shape[1] <= weeks + 8:
        raise ValueError(f"{y.shape[1]} periods of demand: too few to hold out {weeks} and still forecast")
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    origin = y.shape[1] - weeks
    start_periods = set(periods[:origin])
    history = demand[demand["period_start"].isin(start_periods)]
    classes = classify_skus(history, **(classify_params or {}))
    # SKUs first sold during the replay were unknown at its start: they are left out
    known = pd.Index(classes["sku"]).get_indexer(ids) >= 0  # hashed: np.isin compares object arrays pairwise
    ids, y = ids[known], y[known]
    classes = classes.set_index("sku").reindex(ids).reset_index()
    total = len(ids)
    keep, weight = _stratified_sample(classes["abc"].to_numpy(), max_skus, seed)
    ids, y, classes = ids[keep], y[keep], classes.iloc[keep].reset_index(drop=True)
    plans, first = plan_weeks(y, ids, classes, items, params, origin, weeks, horizon, forecast_params)
    base = first["hybrid"]
    unit_cost = base["unit_cost"].fillna(0).to_numpy(float)
    master = items.set_index("sku").reindex(ids)
    price = master["avg_price"].to_numpy(float)
    shortage = shortage_cost(price, unit_cost, params.default_cost_ratio)
    lead = base["lead_time_days"].fillna(params.default_lead_time_days).to_numpy(float) / params.period_days
    order_cost = base["order_cost"].fillna(params.order_cost).to_numpy(float)
    holding_rate = base["holding_rate"].fillna(params.holding_rate).to_numpy(float)
    lead_sd = base["lead_time_std_days"].fillna(params.default_lead_time_std_days).to_numpy(float) / params.period_days
    moq = master["moq"].fillna(params.default_moq).to_numpy(float)
    pack = master["pack_size"].fillna(params.default_pack_size).to_numpy(float)
    actual = y[:, origin:]
    rows = []
    for scenario in scenarios:
        for name in STRATEGIES:
            recs = first[name]
            jic = (recs["policy"] == "JIC").to_numpy()
            # each strategy starts stocked as it plans: JIC at the reorder point plus half an
            # order, JIT at its order-up-to level (the forecast over lead time + review)
            start = np.where(jic, recs["reorder_point"] + recs["order_qty"] / 2, recs["order_up_to"])
            out = replay(actual, plans[name], lead, unit_cost, shortage, moq, pack,
                         order_cost=order_cost, holding_rate_per_period=holding_rate * params.period_days / 365.0,
                         backorders=backorders, scenario=scenario, start_on_hand=np.nan_to_num(start),
                         lead_sd_periods=lead_sd)
            rows.append(pd.DataFrame({"scenario": scenario.name, "strategy": name, "abc": classes["abc"].to_numpy(),
                                      "weight": weight, **out}))
    return summarise(pd.concat(rows, ignore_index=True), weeks).assign(skus_total=total, skus_replayed=len(ids))


def _stratified_sample(abc: np.ndarray, max_skus: int | None, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(sorted row indexes to replay, weight of each: class size / rows drawn from the class)."""
    n = len(abc)
    if max_skus is None or n <= max_skus:
        return np.arange(n), np.ones(n)
    rng = np.random.default_rng(seed)
    keep, weight = [], []
    labels = abc.astype(str)
    for cls in np.unique(labels):
        rows = np.flatnonzero(labels == cls)
        take = max(1, round(max_skus * len(rows) / n))
        chosen = np.sort(rng.choice(rows, size=min(take, len(rows)), replace=False))
        keep.append(chosen)
        weight.append(np.full(len(chosen), len(rows) / len(chosen)))
    order = np.argsort(np.concatenate(keep))
    return np.concatenate(keep)[order], np.concatenate(weight)[order]


def summarise(per_sku: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """Sum per-SKU replay results (times ``weight`` when given) per scenario x strategy x class
    and overall."""
    sums = ["demand", "served", "short", "stockout_periods", "demand_periods", "cycles", "stockout_cycles",
            "avg_stock_value", "orders", "holding_cost", "ordering_cost", "shortage_cost"]
    if "weight" in per_sku:
        per_sku = per_sku.assign(**{c: per_sku[c] * per_sku["weight"] for c in sums})
    by_class = per_sku.groupby(["scenario", "strategy", "abc"], sort=False)[sums].sum().reset_index()
    overall = per_sku.groupby(["scenario", "strategy"], sort=False)[sums].sum().reset_index().assign(abc="all")
    out = pd.concat([overall, by_class], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fill_rate"] = out["served"] / out["demand"]
        out["cycle_service_level"] = 1 - out["stockout_cycles"] / out["cycles"]
        out["period_service_level"] = 1 - out["stockout_periods"] / out["demand_periods"]
    out["total_cost"] = out["holding_cost"] + out["ordering_cost"] + out["shortage_cost"]
    out["weeks"] = weeks
    cols = ["scenario", "strategy", "abc", "fill_rate", "cycle_service_level", "period_service_level",
            "stockout_periods", "avg_stock_value", "orders", "holding_cost", "ordering_cost", "shortage_cost",
            "total_cost", "weeks"]
    return out[cols]
