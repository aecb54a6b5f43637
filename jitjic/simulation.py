"""Run the policy replay with the settings' forecast, classification and policy parameters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jitjic.policy import PolicyParams
from jitjic.policy.simulate import scenarios_for, too_short
from jitjic.replay import (
    PolicyChoice,
    choose_policy,
    exchange_curve,
    prepare_replay,
    run_strategy,
    strategy_params,
    summarise,
)
from jitjic.settings import Settings
from jitjic.wiring import classify_params, forecast_params, policy_params

__all__ = ["SimulationParams", "SimulationResult", "simulation_params", "replay_weeks", "prepare", "simulate_demand"]


@dataclass(frozen=True)
class SimulationParams:
    """What the replay takes from [simulation], [forecast], [classification] and [policy]."""

    policy: PolicyParams
    forecast: dict[str, Any]  # forecasting.AutoForecast's keywords
    classify: dict[str, Any]  # classification.classify_skus's keywords
    horizon: int
    period: str
    weeks: int  # 0: all but the warm-up, at most 104
    warmup_periods: int
    max_skus: int
    curve_levels: tuple[float, ...]
    grain: str = "auto"  # [demand] grain: "auto" reads the loaded order lines' (for abc_basis = "auto")
    # choose the catalogue's policy by this replay (replay.choose_policy), last night's kept
    # unless another is choice_margin cheaper
    choose_policy: bool = False
    choice_margin: float = 0.02

    def why_not_chosen(self) -> str | None:
        """Why the replay does not choose the policy (None: it does)."""
        if not self.choose_policy:
            return "simulation.choose_policy = false"
        if self.policy.stock_budget is not None or self.policy.fill_target is not None:
            return "a stock budget or fill target is set: the recommendation meets it"
        return None


def simulation_params(settings: Settings) -> SimulationParams:
    sim = settings.simulation
    return SimulationParams(
        policy=policy_params(settings),
        forecast=forecast_params(settings) | {"seasonal_limit": 0},
        classify=classify_params(settings),
        horizon=settings.forecast.horizon,
        period=settings.demand.period,
        weeks=sim.weeks,
        warmup_periods=sim.warmup_periods,
        max_skus=sim.max_skus,
        curve_levels=tuple(sim.curve_levels),
        grain=settings.demand.grain,
        choose_policy=sim.choose_policy,
        choice_margin=sim.choice_margin,
    )


@dataclass
class SimulationResult:
    """The scenario table (``simulation_results``) and the exchange curve (``exchange_curve``)."""

    results: pd.DataFrame
    curve: pd.DataFrame
    weeks: int
    # why some figures cannot be judged on this replay (e.g. too short for a disruption to show)
    warnings: list[str] = field(default_factory=list)
    # the catalogue's policy chosen by the replay (None: not chosen, see why_not_chosen)
    choice: PolicyChoice | None = None


def replay_weeks(demand: pd.DataFrame, p: SimulationParams) -> int:
    """Periods to replay: ``weeks``, or (0) all but the warm-up, at most 104."""
    if p.weeks:
        return p.weeks
    periods = demand["period_start"].nunique()
    return max(2, min(104, periods - p.warmup_periods))


def prepare(demand: pd.DataFrame, items: pd.DataFrame, p: SimulationParams, weeks: int, loaded_grain: str = "line"):
    """The replay of the last ``weeks`` periods of ``demand`` as configured: forecasts fitted
    and items classified each period (``replay.prepare_replay``)."""
    return prepare_replay(
        demand,
        items,
        p.policy,
        weeks=weeks,
        horizon=p.horizon,
        forecast_params=p.forecast,
        classify_params=p.classify,
        max_skus=p.max_skus,
        period=p.period,
        period_totals=(loaded_grain if p.grain == "auto" else p.grain) == "period",
    )


def simulate_demand(
    demand: pd.DataFrame,
    items: pd.DataFrame,
    p: SimulationParams,
    curve: bool = True,
    loaded_grain: str = "line",
    previous: str | None = None,
) -> SimulationResult:
    """Replay ``demand`` (a run's demand table) with ``items`` (``warehouse.read_items``) as
    configured (``simulation_params``): every strategy under every scenario, and the exchange
    curve (plain scenario). The replay refits every period, so it leaves out the statsmodels
    Holt-Winters fits (damped Holt stands in): the nightly forecast keeps them. ``loaded_grain``:
    ``warehouse.order_lines_grain`` of the order lines, read where [demand] grain is "auto".
    With ``p.choose_policy`` the catalogue's policy is chosen on the same replay (``previous``:
    last night's choice, kept unless another is ``p.choice_margin`` cheaper)."""
    params = p.policy
    weeks = replay_weeks(demand, p)
    rp = prepare(demand, items, p, weeks, loaded_grain)
    scenarios = scenarios_for(weeks, params.period_days)
    per_sku = pd.concat(
        [run_strategy(rp, pp, scenarios, name) for name, pp in strategy_params(params).items()], ignore_index=True
    )
    results = summarise(per_sku, weeks, params.period_days).assign(skus_total=rp.skus_total, skus_replayed=len(rp.ids))
    table = exchange_curve(rp, params, p.curve_levels) if curve else pd.DataFrame()
    if not table.empty:
        table = table.assign(weeks=weeks, skus_total=rp.skus_total, skus_replayed=len(rp.ids))
    lead = float(np.median(rp.items.lead_days)) / params.period_days if len(rp.ids) else 0.0
    choice = None
    if p.why_not_chosen() is None and len(rp.ids):
        choice = choose_policy(rp, params, previous=previous, margin=p.choice_margin, levels=p.curve_levels)
    return SimulationResult(results, table, weeks, too_short(scenarios, weeks, lead), choice)
