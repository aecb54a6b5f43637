"""The review period is the planning period (unless the item master sets one): a plan covers lead
time + one period on every grain, and the replay reviews as the plan assumes."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import PolicyParams, recommend
from jitjic.policy.inputs import protection_horizon
from jitjic.policy.simulate import Plan, ReplayItems, replay

from jitjic.wiring import PERIOD_DAYS

GRAINS = sorted(PERIOD_DAYS.items(), key=lambda kv: kv[1])
DEMAND, LEAD_PERIODS = 10.0, 2


def _constant_item(period_days: float, review_days: float | None = None):
    classes = pd.DataFrame(
        {"sku": ["K"], "abc": ["A"], "xyz": ["X"], "pattern": ["smooth"], "abc_basis": "hits", "cv": [0.0]}
    )
    forecast = pd.DataFrame({"sku": ["K"], "model": ["SES"], "mean": [DEMAND], "sigma": [0.0]})
    items = pd.DataFrame(
        {
            "sku": ["K"],
            "unit_cost": [1.0],
            "lead_time_days": [LEAD_PERIODS * period_days],
            "lead_time_std_days": [0.0],
            "moq": [1.0],
            "pack_size": [1.0],
            "review_period_days": [review_days],
        }
    )
    return classes, forecast, items


def _replay_at(order_up_to: float, period_days: float, review: int = 1, periods: int = 24) -> dict:
    plan = Plan(np.array([False]), np.array([order_up_to]), np.array([order_up_to]), np.array([1.0]))
    items = ReplayItems.simple(1, lead_days=LEAD_PERIODS * period_days, review_periods=review)
    return replay(np.full((1, periods), DEMAND), [plan], items, period_days=period_days)


@pytest.mark.parametrize(("grain", "period_days"), GRAINS)
def test_the_plan_covers_lead_time_plus_one_period_on_every_grain(grain, period_days):
    p = PolicyParams(decide_by="class", jic_classes=(), period_days=period_days)
    assert p.review_days == period_days
    row = recommend(*_constant_item(period_days), None, p).iloc[0]
    assert row["protection_days"] == pytest.approx((LEAD_PERIODS + 1) * period_days)
    # JIT orders up to the demand over L + R: constant demand never runs short at that level
    assert row["order_up_to"] == pytest.approx(DEMAND * (LEAD_PERIODS + 1))
    assert _replay_at(row["order_up_to"], period_days)["short"][0] == 0.0
    # covering the lead time alone runs short every period the order placed a review late arrives
    assert _replay_at(DEMAND * LEAD_PERIODS, period_days)["short"][0] > 0.0


@pytest.mark.parametrize(("grain", "period_days"), GRAINS)
def test_a_suppliers_own_review_period_widens_the_interval_and_the_replay_waits_for_it(grain, period_days):
    p = PolicyParams(decide_by="class", jic_classes=(), period_days=period_days)
    row = recommend(*_constant_item(period_days, review_days=3 * period_days), None, p).iloc[0]
    assert row["protection_days"] == pytest.approx((LEAD_PERIODS + 3) * period_days)
    assert _replay_at(row["order_up_to"], period_days, review=3)["short"][0] == 0.0
    # reviewed every third period but planned for one: short
    assert _replay_at(DEMAND * (LEAD_PERIODS + 1), period_days, review=3)["short"][0] > 0.0


def test_a_review_shorter_than_a_period_is_one_period():
    p = PolicyParams(period_days=365 / 12, review_period_days=7.0)
    assert p.review_days == pytest.approx(365 / 12)
    np.testing.assert_array_equal(p.review_periods(np.array([np.nan, 7.0, 61.0, 100.0])), [1, 1, 2, 3])
    weekly = replace(p, period_days=7.0, review_period_days=14.0)
    assert weekly.review_days == 14.0


def test_the_forecast_horizon_covers_the_longest_review_too():
    p = PolicyParams(period_days=7.0)
    items = pd.DataFrame({"sku": ["A", "B"], "lead_time_days": [14.0, 7.0], "review_period_days": [np.nan, 28.0]})
    assert protection_horizon(items, ["A", "B"], p) == 5  # B: 1 + 4 weeks
    assert protection_horizon(items, ["A"], p) == 3  # A: 2 + 1


def test_the_plan_reads_the_demand_over_its_interval_not_the_next_period_alone():
    # daily: closed tomorrow (a Sunday), 12 a day after; lead time 2 days + a daily review
    classes, forecast, items = _constant_item(1.0)
    forecast = forecast.assign(mean=0.0)  # the forecast's first day
    per_day = np.array([0.0, 12.0, 12.0, 12.0, 12.0])
    cumulative = np.cumsum(per_day)
    lead_time = pd.DataFrame(
        {"sku": "K", "periods": np.arange(1, 6), "mean": cumulative}
        | {q: cumulative for q in ("q50", "q80", "q90", "q95", "q99")}
    )
    p = PolicyParams(decide_by="class", jic_classes=("A",), period_days=1.0)
    row = recommend(classes, forecast, items, None, p, lead_time=lead_time).iloc[0]
    # buffered on the 24 units due over its 3 days (0 + 12 + 12), not on a rate of 0
    assert row["policy"] == "JIC" and row["reorder_point"] == pytest.approx(24.0)
