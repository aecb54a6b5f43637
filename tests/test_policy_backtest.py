"""The policy replay driver: no look-ahead, three strategies, every scenario, per class."""

import numpy as np
import pandas as pd
import pytest

from policy import PolicyParams
from policy.backtest import STRATEGIES, backtest_policies
from policy.simulate import SCENARIOS


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(8)
    periods = pd.date_range("2010-01-04", periods=40, freq="7D").date
    rates = np.r_[rng.uniform(20, 60, 8), rng.uniform(0.2, 2, 22)]
    rows = [(f"S{i:02d}", p, float(rng.poisson(r))) for i, r in enumerate(rates) for p in periods]
    demand = pd.DataFrame(rows, columns=["sku", "period_start", "qty"]).assign(order_lines=1)
    demand["revenue"] = demand["qty"] * 4.0
    items = pd.DataFrame({"sku": [f"S{i:02d}" for i in range(30)], "description": "x", "unit_cost": 2.0,
                          "supplier": "S", "lead_time_days": 14.0, "lead_time_std_days": 2.0, "moq": 1.0,
                          "pack_size": 1.0, "avg_price": 4.0})
    return demand, items, backtest_policies(demand, items, PolicyParams(), weeks=8, horizon=4)


def test_every_scenario_strategy_and_class(case):
    _, _, out = case
    assert set(out["scenario"]) == {s.name for s in SCENARIOS}
    assert set(out["strategy"]) == set(STRATEGIES)
    assert {"all", "A", "C"} <= set(out["abc"])
    assert out["fill_rate"].between(0, 1).all() and out["cycle_service_level"].between(0, 1).all()
    assert out["period_service_level"].between(0, 1).all()
    assert (out["weeks"] == 8).all()


def test_buffers_serve_more_and_hold_more(case):
    _, _, out = case
    plain = out[(out["scenario"] == "plain") & (out["abc"] == "all")].set_index("strategy")
    assert plain.loc["JIC everywhere", "fill_rate"] > plain.loc["JIT everywhere", "fill_rate"]
    assert plain.loc["JIC everywhere", "avg_stock_value"] > plain.loc["JIT everywhere", "avg_stock_value"]
    # the hybrid buffers the popular items only: its stock sits between the two
    assert plain.loc["JIT everywhere", "avg_stock_value"] <= plain.loc["hybrid", "avg_stock_value"] \
        <= plain.loc["JIC everywhere", "avg_stock_value"]
    freight = out[(out["scenario"] == "freight cost x2") & (out["abc"] == "all")].set_index("strategy")
    assert (freight["ordering_cost"] == 2 * plain["ordering_cost"]).all()


def test_no_look_ahead(case):
    # a tenfold spike in the last 3 replayed weeks changes no plan made before them
    from forecasting.matrix import to_matrix
    from policy.backtest import plan_weeks

    demand, items, _ = case
    ids, _, y = to_matrix(demand, "sku", "period_start", "qty")
    spiked = y.copy()
    spiked[:, -3:] *= 10
    classes = pd.DataFrame({"sku": ids, "abc": ["A"] * 8 + ["C"] * 22, "xyz": "Y", "pattern": "erratic",
                            "abc_basis": "value", "cv": 0.7})
    origin = y.shape[1] - 8
    plain, _ = plan_weeks(y, ids, classes, items, PolicyParams(), origin, 8, 4)
    later, _ = plan_weeks(spiked, ids, classes, items, PolicyParams(), origin, 8, 4)
    for t in range(5):  # weeks origin .. origin + 4 are planned before the spike
        np.testing.assert_array_equal(plain["hybrid"][t].order_up_to, later["hybrid"][t].order_up_to)
        np.testing.assert_array_equal(plain["hybrid"][t].reorder_point, later["hybrid"][t].reorder_point)
    # ... and the plans made after it has been seen do react
    assert (later["hybrid"][7].order_up_to > plain["hybrid"][7].order_up_to).any()


def test_too_short_history():
    demand = pd.DataFrame({"sku": ["A"] * 10, "period_start": pd.date_range("2011-01-03", periods=10, freq="7D").date,
                           "qty": 1.0, "order_lines": 1, "revenue": 1.0})
    with pytest.raises(ValueError, match="too few to hold out"):
        backtest_policies(demand, pd.DataFrame({"sku": ["A"], "avg_price": [1.0]}), PolicyParams(), weeks=8)


def test_a_sample_replays_fewer_skus_and_weights_them_up(case):
    demand, items, full = case
    sampled = backtest_policies(demand, items, PolicyParams(), weeks=8, horizon=4, max_skus=12)
    assert (full["skus_total"] == 30).all() and (full["skus_replayed"] == 30).all()
    assert (sampled["skus_total"] == 30).all() and 10 <= sampled["skus_replayed"].iloc[0] <= 14
    plain = sampled[(sampled["scenario"] == "plain") & (sampled["abc"] == "all")].set_index("strategy")
    whole = full[(full["scenario"] == "plain") & (full["abc"] == "all")].set_index("strategy")
    # sums are weighted up to the catalogue: unweighted they would be about 12/30 = 0.4 of it
    ratio = plain["orders"] / whole["orders"]
    assert ratio.between(0.6, 1.7).all(), ratio
    assert set(sampled["abc"]) == set(full["abc"])  # every class is represented
