"""Exceptions with their rule and money at stake; the end-of-season cut on a Christmas item."""

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import ExceptionRules, PolicyParams, exceptions, recommend


def _recs(**overrides):
    base = {
        "sku": "X",
        "policy": "JIC",
        "mean_demand": 10.0,
        "unit_cost": 2.0,
        "on_hand": 50.0,
        "on_order": 0.0,
        "order_up_to": 60.0,
        "order_qty": 20.0,
        "safety_stock": 15.0,
        "lead_time_days": 14.0,
        "days_until_stockout": 35.0,
        "capital_tied_up": 50.0,
        "shortage_cost_year": 40.0,
        "expected_units_short": 10.0,
    }
    return pd.DataFrame([base | overrides])


def test_each_exception_fires_on_its_rule_and_says_what_is_at_stake():
    rules = ExceptionRules(excess_weeks=8, buffer_weeks=10)
    assert exceptions(_recs(), rules).empty  # a healthy item
    # 200 on hand: 200 - (60 + 8 x 10) = 60 units of excess at 2.00
    excess = exceptions(_recs(on_hand=200.0, days_until_stockout=np.nan), rules)
    assert list(excess["exception"]) == ["excess stock"] and excess["money_at_stake"].iloc[0] == pytest.approx(120.0)
    # the shelf lasts 4 days against a 14-day lead time: 10 days x 10/7 a day unserved at 4.00 a unit short
    late = exceptions(_recs(days_until_stockout=4.0), rules)
    assert list(late["exception"]) == ["stock-out before the next receipt"]
    assert late["money_at_stake"].iloc[0] == pytest.approx(10 / 7 * 10 * 4.0)
    # 100 on order on top of 50: 150 - (60 + 20) = 70 too much (at most what is on order)
    over = exceptions(_recs(on_order=100.0), rules)
    assert list(over["exception"]) == ["too much on order"] and over["money_at_stake"].iloc[0] == pytest.approx(140.0)
    # a buffer of 150 units against 10 a week: 50 units beyond 10 weeks
    big = exceptions(_recs(safety_stock=150.0), rules)
    assert list(big["exception"]) == ["buffer out of proportion"] and big["money_at_stake"].iloc[0] == pytest.approx(
        100.0
    )
    changed = exceptions(
        _recs(), rules, previous=pd.DataFrame({"sku": ["X"], "policy": ["JIT"], "capital_tied_up": [10.0]})
    )
    assert list(changed["exception"]) == ["policy changed"] and changed["detail"].iloc[0] == "JIT -> JIC"
    assert changed["money_at_stake"].iloc[0] == pytest.approx(40.0)


def test_exceptions_are_ranked_by_money():
    recs = pd.concat(
        [
            _recs(sku="SMALL", on_hand=150.0, days_until_stockout=np.nan),
            _recs(sku="BIG", on_hand=900.0, days_until_stockout=np.nan),
        ]
    )
    out = exceptions(recs)
    assert list(out["sku"]) == ["BIG", "SMALL"] and out["money_at_stake"].is_monotonic_decreasing


def test_a_season_ending_item_orders_no_more_than_the_season_needs():
    # a Christmas item: 100 a week now, the forecast sees 150 more units before its season ends
    classes = pd.DataFrame(
        {
            "sku": ["XMAS", "MUG"],
            "abc": ["A", "A"],
            "xyz": ["Y", "Y"],
            "pattern": "smooth",
            "abc_basis": "hits",
            "cv": 0.5,
        }
    )
    forecast = pd.DataFrame(
        {
            "sku": ["XMAS", "MUG"],
            "model": "SES",
            "mean": [100.0, 100.0],
            "sigma": [30.0, 30.0],
            "season_ending": [True, False],
            "season_end_periods": [2.0, np.nan],
        }
    )
    lead = pd.DataFrame(
        [
            (s, k, m, m, m + 10, m + 20, m + 30, m + 50)
            for s, steps in (("XMAS", (100, 150, 160, 165, 170)), ("MUG", (100, 200, 300, 400, 500)))
            for k, m in enumerate(steps, 1)
        ],
        columns=["sku", "periods", "mean", "q50", "q80", "q90", "q95", "q99"],
    )
    items = pd.DataFrame(
        {
            "sku": ["XMAS", "MUG"],
            "unit_cost": 1.0,
            "lead_time_days": 14.0,
            "lead_time_std_days": 0.0,
            "moq": 1.0,
            "pack_size": 1.0,
            "avg_price": 3.0,
        }
    )
    out = recommend(classes, forecast, items, None, PolicyParams(), lead_time=lead).set_index("sku")
    assert out.loc["MUG", "order_qty"] > 150  # EOQ of a year-round item: unaffected
    assert out.loc["XMAS", "order_qty"] == 150 and bool(out.loc["XMAS", "season_ending"])
    assert "season ending: an order covers at most the 150 units forecast until it ends" in out.loc["XMAS", "reason"]
    # counted far below its reorder point, the line tops up no further than its reason says: the
    # season's 150 units, not the order-up-to level less the position (the year-round item does)
    short = pd.DataFrame({"sku": ["XMAS", "MUG"], "on_hand": [0.0, 0.0], "on_order": [0.0, 0.0]})
    due = recommend(classes, forecast, items, short, PolicyParams(), lead_time=lead).set_index("sku")
    assert bool(due.loc["XMAS", "reorder_now"]) and due.loc["XMAS", "reorder_qty"] == 150
    assert due.loc["XMAS", "order_up_to"] > 150
    assert due.loc["MUG", "reorder_qty"] == due.loc["MUG", "order_up_to"] > due.loc["MUG", "order_qty"]


def test_an_items_exceptions_in_one_text_in_their_fixed_order():
    from jitjic.policy import exceptions_per_item

    found = pd.DataFrame({"sku": ["A", "A", "B"], "exception": ["season ending", "excess stock", "policy changed"]})
    text = exceptions_per_item(found, pd.Series(["B", "C", "A"]))
    assert text.tolist() == ["policy changed", None, "excess stock; season ending"]
    assert exceptions_per_item(found.head(0), pd.Series(["A"])).tolist() == [None]
