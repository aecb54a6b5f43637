"""Run the policy replay with the settings' forecast, classification and policy parameters."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from jitjic.settings import Settings
from jitjic.wiring import classify_params, forecast_params, policy_params
from policy.simulate import SCENARIOS
from replay import exchange_curve, prepare_replay, run_strategy, strategy_params, summarise

__all__ = ["SimulationResult", "replay_weeks", "simulate_demand"]


@dataclass
class SimulationResult:
    """The scenario table (``simulation_results``) and the exchange curve (``exchange_curve``)."""

    results: pd.DataFrame
    curve: pd.DataFrame
    weeks: int


def replay_weeks(demand: pd.DataFrame, settings: Settings) -> int:
    """Periods to replay: ``simulation.weeks``, or (0) all but the warm-up, at most 104."""
    sim = settings.simulation
    if sim.weeks:
        return sim.weeks
    periods = demand["period_start"].nunique()
    return max(2, min(104, periods - sim.warmup_periods))


def simulate_demand(demand: pd.DataFrame, items: pd.DataFrame, settings: Settings,
                    curve: bool = True) -> SimulationResult:
    """Replay ``demand`` (a run's demand table) with ``items`` (``warehouse.read_items``) as
    configured in [simulation], [forecast], [classification] and [policy]: every strategy under
    every scenario, and the exchange curve (plain scenario). The replay refits every period, so
    it leaves out the statsmodels Holt-Winters fits (damped Holt stands in): the nightly forecast
    keeps them."""
    sim = settings.simulation
    params = policy_params(settings)
    weeks = replay_weeks(demand, settings)
    rp = prepare_replay(demand, items, params, weeks=weeks, horizon=settings.forecast.horizon,
                        forecast_params=forecast_params(settings) | {"seasonal_limit": 0},
                        classify_params=classify_params(settings), max_skus=sim.max_skus,
                        period=settings.demand.period)
    per_sku = pd.concat([run_strategy(rp, p, SCENARIOS, name) for name, p in strategy_params(params).items()],
                        ignore_index=True)
    results = summarise(per_sku, weeks, params.period_days).assign(skus_total=rp.skus_total,
                                                                   skus_replayed=len(rp.ids))
    table = exchange_curve(rp, params, tuple(sim.curve_levels)) if curve else pd.DataFrame()
    if not table.empty:
        table = table.assign(weeks=weeks, skus_total=rp.skus_total, skus_replayed=len(rp.ids))
    return SimulationResult(results, table, weeks)
