"""Replay history through the policies: forecasts refitted and items classified every period,
each strategy planned from them and its orders, stock, shortages and costs simulated, with the
exchange curve. The composition of forecasting, classification and policy (which stays pure
inventory logic)."""

from jitjic.replay.backtest import (
    CURVE_LEVELS,
    STRATEGIES,
    Replay,
    backtest_policies,
    equal_stock_level,
    exchange_curve,
    plan_weeks,
    prepare_replay,
    run_strategy,
    steady_state,
    strategy_params,
    summarise,
    uniform_jic,
)

__all__ = [
    "STRATEGIES",
    "CURVE_LEVELS",
    "Replay",
    "prepare_replay",
    "strategy_params",
    "uniform_jic",
    "plan_weeks",
    "run_strategy",
    "steady_state",
    "backtest_policies",
    "exchange_curve",
    "equal_stock_level",
    "summarise",
]
