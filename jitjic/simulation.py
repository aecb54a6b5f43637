"""Run the policy replay with the settings' forecast, classification and policy parameters."""

from __future__ import annotations

import pandas as pd

from jitjic.settings import Settings
from jitjic.wiring import classify_params, forecast_params, policy_params
from policy.backtest import backtest_policies

__all__ = ["simulate_demand"]


def simulate_demand(demand: pd.DataFrame, items: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """``policy.backtest.backtest_policies`` on ``demand`` (a run's demand table) and ``items``
    (``warehouse.read_items``), as configured in [simulation], [forecast], [classification] and
    [policy]. The replay refits every week, so it leaves out the statsmodels Holt-Winters fits
    (damped Holt stands in): the nightly forecast keeps them."""
    sim = settings.simulation
    return backtest_policies(
        demand, items, policy_params(settings), weeks=sim.weeks, horizon=settings.forecast.horizon,
        backorders=sim.unmet_demand == "backorders", forecast_params=forecast_params(settings) | {"seasonal_limit": 0},
        classify_params=classify_params(settings), max_skus=sim.max_skus,
    )
