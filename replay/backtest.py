"""Prove the advice on history: JIT everywhere, JIC everywhere, the class rule and the
recommendation, replayed period by period with no look-ahead, plain and under each disruption,
and the exchange curve of stock against service and cost.

Every period of the replay the forecasts are refitted and the SKUs classified on the demand known
by then, and every strategy re-planned from them, as the nightly run would have; results are
grouped by the classes known at the start.
The forecasts do not depend on the strategy, so each period is fitted once and every strategy
(and every point of the exchange curve) is planned from the same fit.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from jitjic.classification import classify_skus
from jitjic.forecasting import AutoForecast, lead_time_table, summary_table
from jitjic.forecasting.auto import SEASON
from jitjic.forecasting.matrix import to_matrix
from jitjic.forecasting.paths import cheap_paths
from jitjic.policy.inputs import item_inputs, protection_horizon, review_periods_of
from jitjic.policy.params import PolicyParams
from jitjic.policy.quantities import Inputs, allocate
from jitjic.policy.simulate import SCENARIOS, Plan, ReplayItems, Scenario, arrival_period, replay, scenarios_for
from jitjic.policy.uncertainty import Protection

__all__ = [
    "STRATEGIES",
    "CURVE_LEVELS",
    "Replay",
    "prepare_replay",
    "strategy_params",
    "uniform_jic",
    "plan_weeks",
    "steady_state",
    "run_strategy",
    "backtest_policies",
    "exchange_curve",
    "equal_stock_level",
    "summarise",
]

STRATEGIES = ("JIT everywhere", "JIC everywhere", "class rule", "recommended")
# the uniform cycle service levels JIC everywhere is replayed at for the exchange curve
CURVE_LEVELS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99)
_SUMS = [
    "demand",
    "served",
    "short",
    "lost",
    "backordered",
    "stockout_periods",
    "demand_periods",
    "cycles",
    "stockout_cycles",
    "avg_stock_value",
    "orders",
    "purchase_orders",
    "holding_cost",
    "obsolescence_cost",
    "ordering_cost",
    "lost_margin",
    "waiting_cost",
    "shortage_cost",
    "target_cycles",
    "jic_cycles",
    "jic_stockout_cycles",
    "skus",
    "served_cycles_share",
    "switched",
    "switches",
]


def uniform_jic(params: PolicyParams, level: float) -> PolicyParams:
    """JIC everywhere at one cycle service level: every live item buffered at ``level``."""
    return replace(
        params,
        decide_by="class",
        targets="class",
        jic_classes=("A", "B", "C"),
        new_item_policy="JIC",
        service_level={"A": level, "B": level, "C": level},
        item_policies=False,
        class_floor=False,
        stock_budget=None,
        fill_target=None,
        service_measure="cycle",
    )


def strategy_params(params: PolicyParams, jic_level: float | None = None) -> dict[str, PolicyParams]:
    """The four strategies: JIT everywhere; JIC everywhere at ``jic_level`` (default: the A
    class's level); the plain class rule (popular classes JIC at the class levels); and the
    recommendation as configured."""
    level = params.service_level.get("A", 0.95) if jic_level is None else jic_level
    return {
        "JIT everywhere": replace(params, decide_by="class", jic_classes=(), item_policies=False),
        "JIC everywhere": uniform_jic(params, level),
        "class rule": replace(params, decide_by="class", targets="class", stock_budget=None, fill_target=None),
        "recommended": params,
    }


@dataclass
class Replay:
    """Everything a strategy's replay needs, fitted once: per replayed period the item inputs
    (forecast, item master, defaults) and their protection-interval quantiles; the actual demand
    of the replayed periods; the classes known at the start; each SKU's replay inputs."""

    ids: np.ndarray
    classes: pd.DataFrame
    weight: np.ndarray
    actual: np.ndarray
    weeks: list[tuple[pd.DataFrame, Protection]]  # (item_inputs rows, protection-interval demand) per period
    params: PolicyParams
    items: ReplayItems
    skus_total: int
    history: np.ndarray | None = None  # SKU x every period: what each replayed week knew
    _inputs: list[Inputs] | None = None

    def inputs(self) -> list[Inputs]:
        """Each period's plan inputs, read off its item rows once (strategies set their rules)."""
        if self._inputs is None:
            history, start = self.history, 0
            if history is not None:
                start = history.shape[1] - self.actual.shape[1]
            self._inputs = [
                Inputs.build(
                    base, None, self.params, protection, history=None if history is None else history[:, : start + t]
                )
                for t, (base, protection) in enumerate(self.weeks)
            ]
        return self._inputs

    def periods(self, start: int, stop: int) -> Replay:
        """The same replay over periods [start, stop) only: what each of them knew, as fitted (the
        history cut where the span ends, so nothing after it is known)."""
        cut = None if self.history is None else self.history.shape[1] - self.actual.shape[1] + stop
        return replace(
            self,
            actual=self.actual[:, start:stop],
            weeks=self.weeks[start:stop],
            history=None if self.history is None else self.history[:, :cut],
            _inputs=None if self._inputs is None else self._inputs[start:stop],
        )

    def subset(self, rows: np.ndarray) -> Replay:
        """The same replay cut to the SKUs at ``rows`` (row indexes into ``ids``), forecasts as
        fitted: each period's item rows and protection, the demand, the classes and the replay
        inputs, weights kept (so a subset's sums are the sample's, not the catalogue's)."""
        rows = np.asarray(rows, int)
        return replace(
            self,
            ids=self.ids[rows],
            classes=self.classes.iloc[rows].reset_index(drop=True),
            weight=self.weight[rows],
            actual=self.actual[rows],
            weeks=[(base.iloc[rows].reset_index(drop=True), _protection_rows(pr, rows)) for base, pr in self.weeks],
            items=replace(
                self.items,
                **{
                    f: getattr(self.items, f)[rows]
                    for f in self.items.__dataclass_fields__
                    if getattr(self.items, f) is not None
                },
            ),
            history=None if self.history is None else self.history[rows],
            _inputs=None,
        )


def _protection_rows(protection: Protection, rows: np.ndarray) -> Protection:
    """``protection`` cut to ``rows``: every per-SKU array sliced (``levels`` is the quantile grid)."""
    out = copy.copy(protection)
    n = len(protection.periods)
    for name, value in vars(protection).items():
        if name != "levels" and isinstance(value, np.ndarray) and value.shape[:1] == (n,):
            setattr(out, name, value[rows])
    return out


def prepare_replay(
    demand: pd.DataFrame,
    items: pd.DataFrame,
    params: PolicyParams,
    *,
    weeks: int = 26,
    horizon: int = 8,
    forecast_params: dict | None = None,
    classify_params: dict | None = None,
    max_skus: int | None = None,
    seed: int = 0,
    period: str = "week",
    period_totals: bool = False,
) -> Replay:
    """Hold out the last ``weeks`` periods of ``demand`` (``sku, period_start, qty, order_lines,
    revenue``) and fit the forecasts each replayed period would have had. The forecast horizon is
    raised to cover the longest lead time + review period, so every buffer is read off quantiles
    of its own interval. With more than ``max_skus`` SKUs a seeded sample stratified by ABC class
    is replayed, weighted by its class's inverse sampling share. ``period_totals``: each order
    line is one SKU's whole period (as the nightly run passes it to the classes)."""
    ids, periods, y = to_matrix(demand, "sku", "period_start", "qty")
    if y.shape[1] <= weeks + 8:
        raise ValueError(f"{y.shape[1]} periods of demand: too few to hold out {weeks} and still forecast")
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    origin = y.shape[1] - weeks
    history = demand[demand["period_start"].isin(set(periods[:origin]))]
    # classified as the nightly run classifies: by value at the item master's unit cost
    unit_cost = items.set_index("sku")["unit_cost"].dropna() if "unit_cost" in items else None
    classes = classify_skus(history, unit_cost, period_totals=period_totals, **(classify_params or {}))
    # SKUs first sold during the replay were unknown at its start: they are left out
    known = pd.Index(classes["sku"]).get_indexer(ids) >= 0
    ids, y = ids[known], y[known]
    classes = classes.set_index("sku").reindex(ids).reset_index()
    total = len(ids)
    keep, weight = _stratified_sample(classes["abc"].to_numpy(), max_skus, seed)
    ids, y, classes = ids[keep], y[keep], classes.iloc[keep].reset_index(drop=True)
    horizon = max(horizon, protection_horizon(items, ids, params))
    fitted = []
    known_then = classes
    # the nightly forecast's season for the grain (7 days, 52 weeks, 12 months)
    fp = {"period": period, "season": SEASON[period]} | (forecast_params or {})
    paths = _PathCache(y, AutoForecast(horizon, **fp))
    for t in range(weeks):
        auto = AutoForecast(horizon, **fp)
        # with the period dates, as the nightly forecast: calendar factors learnt from history
        auto.fit(y[:, : origin + t], paths=paths.at(origin + t), dates=pd.to_datetime(periods[: origin + t]))
        summary = summary_table(auto, ids).assign(season_demand=_season_demand(auto))
        # the planner classifies every night: an item dead in summer sells again by Christmas
        if t:  # last week's classes: an item near a border keeps its class
            known_then = classify_skus(
                demand[demand["period_start"].isin(set(periods[: origin + t]))],
                unit_cost,
                period_totals=period_totals,
                previous=known_then,
                **(classify_params or {}),
            )
        known_then = known_then.set_index("sku").reindex(ids).reset_index()
        base, _ = item_inputs(known_then, summary, items, None, params)
        periods_t = base["lead_time_days"].to_numpy(float) / params.period_days + review_periods_of(base, params)
        fitted.append(
            (
                base,
                Protection(
                    base["sku"],
                    lead_time_table(auto, ids),
                    periods_t,
                    base["sigma"].clip(lower=0).to_numpy(float),
                    history=params.recent(y[:, : origin + t]) if params.demand_distribution == "history" else None,
                    mean=base["mean"].clip(lower=0).to_numpy(float),
                ),
            )
        )
    first = fitted[0][0]
    return Replay(ids, classes, weight, y[:, origin:], fitted, params, _replay_items(first, params), total, y)


class _PathCache:
    """Every candidate's forecast from each history length, computed once: consecutive replayed
    periods share all but their newest backtest origins, and a path depends only on the history
    before its origin (row-wise), so each is fitted once for the whole replay."""

    def __init__(self, y: np.ndarray, auto: AutoForecast):
        self.y, self.auto = y, auto
        self.cache: dict[int, dict[str, np.ndarray]] = {}

    def at(self, periods: int) -> dict[str, np.ndarray]:
        """model -> (origins + 1) x sku x h, as ``forecasting.paths.candidate_paths`` of
        ``y[:, :periods]`` (statsmodels Holt-Winters left out: damped Holt stands in)."""
        cuts = [*self.auto.origins(periods), periods]
        for cut in cuts:
            if cut not in self.cache:
                self.cache[cut] = cheap_paths(
                    self.y[:, :cut], self.auto.models, [], self.auto.horizon, self.auto.season
                )
        for old in [c for c in self.cache if c < min(cuts)]:  # origins only move forward
            del self.cache[old]
        return {m: np.concatenate([self.cache[c][m] for c in cuts]) for m in self.auto.models}


def _season_demand(auto: AutoForecast) -> np.ndarray:
    """Per SKU, the forecast demand until its season ends (units; NaN where no season is ending):
    what an order of a season-ending item may cover at most."""
    periods = auto.season_columns()["season_end_periods"]
    cum = np.cumsum(auto.mean_, axis=1)
    at = np.clip(np.nan_to_num(periods, nan=1).astype(int), 1, cum.shape[1]) - 1
    return np.where(np.isfinite(periods), cum[np.arange(len(cum)), at], np.nan)


def _replay_items(base: pd.DataFrame, p: PolicyParams) -> ReplayItems:
    return ReplayItems(
        lead_days=base["lead_time_days"].to_numpy(float),
        lead_sd_days=base["lead_time_std_days"].to_numpy(float),
        unit_cost=base["unit_cost"].to_numpy(float),
        lost_margin=base["lost_margin"].to_numpy(float),
        waiting_cost=base["waiting_cost"].to_numpy(float),
        backorder_cost=base["shortage_cost"].to_numpy(float),
        backorder_share=base["backorder_share"].to_numpy(float),
        holding_rate=base["holding_rate"].to_numpy(float),
        obsolescence_rate=base["obsolescence_rate"].to_numpy(float),
        order_cost=base["order_cost"].to_numpy(float),
        line_cost=np.full(len(base), p.order_line_cost),
        supplier=base["supplier_group"].to_numpy(int),
        moq=base["moq"].to_numpy(float),
        pack=base["pack_size"].to_numpy(float),
        review_periods=review_periods_of(base, p),
    )


def plan_weeks(rp: Replay, params: PolicyParams) -> tuple[list[Plan], list[np.ndarray]]:
    """The strategy's plan for each replayed period, and each period's planned service levels
    (NaN for items not buffered)."""
    plans, levels = [], []
    previous = None
    for x in rp.inputs():
        plan, _ = allocate(x.under(params, previous), params)
        dead = (x.lifecycle == "dead") & (plan["forced"] == None)  # noqa: E711 (element-wise)
        jic = plan["is_jic"] & ~dead
        plans.append(
            Plan(
                is_jic=jic,
                reorder_point=np.where(dead, 0.0, plan["reorder_point"]),
                order_up_to=np.where(dead, 0.0, plan["order_up_to"]),
                order_qty=np.where(dead, 0.0, plan["order_qty"]),
                max_order=plan["max_order"],
            )
        )
        levels.append(np.where(jic, plan["level"], np.nan))
        previous = jic.astype(float)
    return plans, levels


def steady_state(
    plan: Plan, demand: np.ndarray, items: ReplayItems, period_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """(on hand, SKU x k on order by arrival period): where each item's plan would stand had it run
    before the replay. Its inventory position sits at its middle (JIC: the reorder point plus half
    an order; JIT: the order-up-to level), of which the mean ``demand`` (units per period) of each
    whole lead period is still on its way, one period's worth arriving at the start of each of the
    first periods, the rest on hand. So a long lead time flatters no strategy's first periods."""
    review = np.ones(len(demand)) if items.review_periods is None else np.asarray(items.review_periods, float)
    # JIT: up to its level at a review, a review's demand lower just before the next one
    jit_middle = plan.order_up_to - (review - 1) * np.maximum(demand, 0.0) / 2
    position = np.maximum(
        np.nan_to_num(np.where(plan.is_jic, plan.reorder_point + plan.order_qty / 2, jit_middle)), 0.0
    )
    whole = arrival_period(0, items.lead_days, period_days) - 1  # lead periods of an order placed before period 0
    width = int(whole.max(initial=0))
    pipeline = np.where(np.arange(1, width + 1)[None, :] <= whole[:, None], np.maximum(demand, 0.0)[:, None], 0.0)
    # never more on order than the position holds
    pipeline *= np.where(pipeline.sum(axis=1) > position, position / np.maximum(pipeline.sum(axis=1), 1e-12), 1.0)[
        :, None
    ]
    on_order = np.concatenate([np.zeros((len(position), 1)), pipeline], axis=1)
    return position - pipeline.sum(axis=1), on_order


def run_strategy(
    rp: Replay,
    params: PolicyParams,
    scenarios: tuple[Scenario, ...] = (SCENARIOS[0],),
    name: str = "",
    plans: tuple[list[Plan], list[np.ndarray]] | None = None,
) -> pd.DataFrame:
    """Per-SKU replay results of one strategy under ``scenarios`` (rows: scenario x SKU)."""
    weekly, levels = plans or plan_weeks(rp, params)
    on_hand, on_order = steady_state(weekly[0], rp.inputs()[0].demand, rp.items, params.period_days)
    stacked = np.stack(levels)
    seen = np.isfinite(stacked).sum(axis=0)
    # an item's planned level: the mean over the periods it was buffered (NaN: never buffered);
    # its cycles are held to it only when it was buffered throughout (a JIT week has no target)
    target = np.where(seen > 0, np.nansum(stacked, axis=0) / np.maximum(seen, 1), np.nan)
    buffered = seen == len(levels)
    switches = (np.diff(np.stack([pl.is_jic for pl in weekly]).astype(int), axis=0) != 0).sum(axis=0)
    rows = []
    for scenario in scenarios:
        out = replay(
            rp.actual,
            weekly,
            rp.items,
            period_days=params.period_days,
            scenario=scenario,
            start_on_hand=on_hand,
            start_on_order=on_order,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            per_item = np.where(out["cycles"] > 0, 1 - out["stockout_cycles"] / out["cycles"], np.nan)
        rows.append(
            pd.DataFrame(
                {
                    "scenario": scenario.name,
                    "strategy": name,
                    "sku": rp.ids,
                    "abc": rp.classes["abc"].to_numpy(),
                    "weight": rp.weight,
                    **out,
                    "target_level": target,
                    "target_cycles": np.where(buffered, np.nan_to_num(target) * out["cycles"], 0.0),
                    "jic_cycles": np.where(buffered, out["cycles"], 0.0),
                    "jic_stockout_cycles": np.where(buffered, out["stockout_cycles"], 0.0),
                    "skus": 1.0,
                    "served_cycles_share": np.nan_to_num(per_item),
                    "cycle_service_item": per_item,
                    "switched": (switches > 0).astype(float),
                    "switches": switches.astype(float),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def backtest_policies(
    demand: pd.DataFrame,
    items: pd.DataFrame,
    params: PolicyParams,
    *,
    weeks: int = 26,
    horizon: int = 8,
    scenarios: tuple[Scenario, ...] | None = None,
    forecast_params: dict | None = None,
    classify_params: dict | None = None,
    max_skus: int | None = None,
    seed: int = 0,
    jic_level: float | None = None,
    period_totals: bool = False,
) -> pd.DataFrame:
    """Replay the last ``weeks`` periods of ``demand`` per strategy and scenario.

    items: as for ``recommend`` (``sku, description, unit_cost, lead_time_days, ...,
    avg_price``). Returns one row per scenario x strategy x ABC class (and ``all``); see
    ``summarise`` for the columns.
    """
    rp = prepare_replay(
        demand,
        items,
        params,
        weeks=weeks,
        horizon=horizon,
        forecast_params=forecast_params,
        classify_params=classify_params,
        max_skus=max_skus,
        seed=seed,
        period={1.0: "day", 7.0: "week"}.get(params.period_days, "month"),
        period_totals=period_totals,
    )
    scenarios = scenarios or scenarios_for(weeks, params.period_days)
    per_sku = pd.concat(
        [run_strategy(rp, p, scenarios, name) for name, p in strategy_params(params, jic_level).items()],
        ignore_index=True,
    )
    return summarise(per_sku, weeks, params.period_days).assign(skus_total=rp.skus_total, skus_replayed=len(rp.ids))


def exchange_curve(
    rp: Replay, params: PolicyParams, levels: tuple[float, ...] = CURVE_LEVELS, equal_stock: bool = True
) -> pd.DataFrame:
    """Stock against service and cost, plain scenario: JIT everywhere, JIC everywhere at each of
    ``levels``, the class rule, the recommendation and (``equal_stock``) JIC everywhere at the
    level whose stock matches the recommendation's. One row each: policy, setting,
    avg_stock_value, fill_rate, cycle_service_a, orders_per_year, total_cost (per year) and the
    cost terms."""
    runs = {("JIT everywhere", ""): strategy_params(params)["JIT everywhere"]}
    runs |= {("JIC everywhere", f"{level:.1%}".replace(".0%", "%")): uniform_jic(params, level) for level in levels}
    runs |= {("class rule", ""): strategy_params(params)["class rule"], ("recommended", ""): params}
    rows = [_curve_row(run_strategy(rp, p), rp, policy, setting) for (policy, setting), p in runs.items()]
    if equal_stock:
        target = rows[-1]["avg_stock_value"]
        level, matched = equal_stock_level(rp, params, target)
        rows.append(_curve_row(matched, rp, "JIC everywhere", f"{level:.1%} (equal stock)"))
    return pd.DataFrame(rows)


def equal_stock_level(
    rp: Replay, params: PolicyParams, stock_value: float, lo: float = 0.05, hi: float = 0.999, tolerance: float = 0.001
) -> tuple[float, pd.DataFrame]:
    """The uniform JIC level whose replayed average stock value matches ``stock_value`` (within
    ``tolerance`` as a share, or the nearest bound), and its per-SKU replay."""

    def stock(level: float) -> tuple[float, pd.DataFrame]:
        out = run_strategy(rp, uniform_jic(params, level))
        return float((out["avg_stock_value"] * out["weight"]).sum()), out

    for _ in range(30):
        mid = (lo + hi) / 2
        value, out = stock(mid)
        if abs(value - stock_value) <= tolerance * stock_value:
            return mid, out
        lo, hi = (mid, hi) if value < stock_value else (lo, mid)
    return mid, out


def _curve_row(per_sku: pd.DataFrame, rp: Replay, policy: str, setting: str) -> dict:
    s = summarise(per_sku.assign(strategy=policy), len(rp.actual[0]), rp.params.period_days)
    overall = s[s["abc"] == "all"].iloc[0]
    a = s[s["abc"] == "A"]
    years = len(rp.actual[0]) * rp.params.period_days / 365.0
    return {
        "policy": policy,
        "setting": setting,
        "avg_stock_value": overall["avg_stock_value"],
        "fill_rate": overall["fill_rate"],
        "cycle_service_a": a["cycle_service_level"].iloc[0] if len(a) else np.nan,
        "orders_per_year": overall["orders"] / years,
        "purchase_orders_per_year": overall["purchase_orders"] / years,
        "holding_cost": overall["holding_cost"] / years,
        "obsolescence_cost": overall["obsolescence_cost"] / years,
        "ordering_cost": overall["ordering_cost"] / years,
        "shortage_cost": overall["shortage_cost"] / years,
        "total_cost": overall["total_cost"] / years,
    }


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


def summarise(per_sku: pd.DataFrame, weeks: int, period_days: float = 7.0) -> pd.DataFrame:
    """Sum per-SKU replay results (times ``weight`` when given) per scenario x strategy x class
    and overall. Columns: fill_rate, cycle_service_level (pooled: replenishment cycles with demand
    and no stock-out / cycles with demand), cycle_service_per_item (the mean of each item's own),
    cycles_per_item, target_cycle_service (the planned levels of the items buffered throughout,
    weighted by their cycles) beside jic_cycle_service_level (what those items reached),
    switched_items (items whose JIT/JIC choice changed during the replay), period_service_level,
    stockout_periods, avg_stock_value, orders (lines), purchase_orders, lost, backordered, and
    the costs over the replay: holding, obsolescence, ordering, shortage (lost margin + waiting),
    total."""
    if "weight" in per_sku:
        per_sku = per_sku.assign(**{c: per_sku[c] * per_sku["weight"] for c in _SUMS})
    per_sku = per_sku.assign(
        served_cycles_share=np.where(per_sku["cycles"] > 0, per_sku["served_cycles_share"], 0.0),
        items_with_cycles=(per_sku["cycles"] > 0) * per_sku.get("weight", 1.0),
    )
    sums = [*_SUMS, "items_with_cycles"]
    by_class = per_sku.groupby(["scenario", "strategy", "abc"], sort=False)[sums].sum().reset_index()
    overall = per_sku.groupby(["scenario", "strategy"], sort=False)[sums].sum().reset_index().assign(abc="all")
    out = pd.concat([overall, by_class], ignore_index=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["fill_rate"] = out["served"] / out["demand"]
        out["cycle_service_level"] = 1 - out["stockout_cycles"] / out["cycles"]
        out["cycle_service_per_item"] = out["served_cycles_share"] / out["items_with_cycles"]
        out["cycles_per_item"] = out["cycles"] / out["skus"]
        out["target_cycle_service"] = out["target_cycles"] / out["jic_cycles"]
        out["jic_cycle_service_level"] = 1 - out["jic_stockout_cycles"] / out["jic_cycles"]
        out["switched_items"] = out["switched"]
        out["period_service_level"] = 1 - out["stockout_periods"] / out["demand_periods"]
    out["total_cost"] = out["holding_cost"] + out["obsolescence_cost"] + out["ordering_cost"] + out["shortage_cost"]
    out["weeks"] = weeks
    cols = [
        "scenario",
        "strategy",
        "abc",
        "fill_rate",
        "cycle_service_level",
        "cycle_service_per_item",
        "cycles_per_item",
        "target_cycle_service",
        "jic_cycle_service_level",
        "switched_items",
        "period_service_level",
        "stockout_periods",
        "avg_stock_value",
        "orders",
        "purchase_orders",
        "lost",
        "backordered",
        "holding_cost",
        "obsolescence_cost",
        "ordering_cost",
        "shortage_cost",
        "total_cost",
        "weeks",
    ]
    return out[cols]
