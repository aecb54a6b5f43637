"""Safety stock and order-quantity formulas against stockpyl and worked examples."""

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import PolicyParams, recommend
from jitjic.policy.inventory import (
    eoq,
    fill_rate_k,
    quantile_excess,
    safety_stock_fill_rate,
    standard_normal_loss,
)

stockpyl_eoq = pytest.importorskip("stockpyl.eoq")
stockpyl_lf = pytest.importorskip("stockpyl.loss_functions")

RNG = np.random.default_rng(2024)


def test_eoq_matches_stockpyl_on_random_parameters():
    fixed, holding, demand = RNG.uniform(1, 500, 300), RNG.uniform(0.01, 20, 300), RNG.uniform(1, 1e5, 300)
    ours = eoq(demand, fixed, holding)
    theirs = [stockpyl_eoq.economic_order_quantity(k, h, d)[0] for k, h, d in zip(fixed, holding, demand, strict=True)]
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_standard_normal_loss_matches_stockpyl():
    z = RNG.uniform(-3, 4, 300)
    np.testing.assert_allclose(standard_normal_loss(z), [stockpyl_lf.standard_normal_loss(v)[0] for v in z], rtol=1e-9)


def test_fill_rate_safety_factor_worked_example():
    # sigma over the lead time 100, order 400, fill rate 98%: G(k) = 0.02 x 400 / 100 = 0.08
    k = fill_rate_k(0.98, 400, 100)
    assert standard_normal_loss(k) == pytest.approx(0.08, abs=1e-9)
    assert k == pytest.approx(1.02, abs=2e-3)  # loss tables: G(1.02) = 0.0804
    assert safety_stock_fill_rate(0.98, 400, 100) == pytest.approx(100 * k)
    # a generous order covers the fill rate without any buffer
    assert safety_stock_fill_rate(0.9, 10_000, 10) == 0.0


def test_fill_rate_on_random_parameters_is_self_consistent():
    beta, q, sigma = RNG.uniform(0.8, 0.999, 300), RNG.uniform(1, 1000, 300), RNG.uniform(1, 300, 300)
    k = fill_rate_k(beta, q, sigma)
    inside = (k > -4 + 1e-6) & (k < 8 - 1e-6)
    theirs = np.array([stockpyl_lf.standard_normal_loss(v)[0] for v in k])
    np.testing.assert_allclose((sigma * theirs)[inside], ((1 - beta) * q)[inside], rtol=1e-6)


def test_quantile_excess_interpolates_lead_time_and_level():
    # one SKU, H = 2: excess over the mean at levels .5/.8/.9/.95/.99 for L = 1 and L = 2
    cube = np.array([[[0, 4, 6, 8, 12], [0, 6, 9, 12, 18]]], dtype=float)
    levels = [0.5, 0.8, 0.9, 0.95, 0.99]
    assert quantile_excess(levels, cube, [2.0], [0.95])[0] == pytest.approx(12)
    assert quantile_excess(levels, cube, [1.5], [0.9])[0] == pytest.approx(7.5)
    assert quantile_excess(levels, cube, [8.0], [0.95])[0] == pytest.approx(12 * 2)  # sqrt(8/2)
    between = quantile_excess(levels, cube, [1.0], [0.925])[0]
    assert 6 < between < 8


def _one_sku(lead_time_rows, lt_sd=0.0, measure="cycle"):
    classes = pd.DataFrame(
        {"sku": ["X"], "abc": ["A"], "xyz": ["Y"], "pattern": ["erratic"], "abc_basis": "value", "cv": [0.8]}
    )
    forecast = pd.DataFrame({"sku": ["X"], "model": ["MA4"], "mean": [10.0], "sigma": [5.0]})
    items = pd.DataFrame(
        {
            "sku": ["X"],
            "description": ["x"],
            "unit_cost": [1.0],
            "supplier": ["S"],
            "lead_time_days": [14.0],
            "lead_time_std_days": [lt_sd],
            "moq": [1.0],
            "pack_size": [1.0],
            "avg_price": [2.0],
        }
    )
    params = PolicyParams(decide_by="class", targets="class", service_measure=measure)
    return recommend(classes, forecast, items, None, params, lead_time=lead_time_rows).iloc[0]


def test_buffer_read_off_the_calibrated_quantiles():
    lt = pd.DataFrame(
        {
            "sku": ["X"] * 3,
            "periods": [1, 2, 3],
            "mean": [10.0, 20.0, 30.0],
            "q50": [10.0, 20.0, 30.0],
            "q80": [14.0, 26.0, 37.0],
            "q90": [16.0, 30.0, 41.0],
            "q95": [18.0, 33.0, 45.0],
            "q99": [25.0, 45.0, 60.0],
        }
    )
    rec = _one_sku(lt)
    # A-item, 95% cycle service, lead time 14 days = 2 weeks + a weekly review: q95 - mean over 3 weeks
    assert rec["safety_stock"] == pytest.approx(15.0)
    assert rec["reorder_point"] == pytest.approx(30.0 + 15.0)
    # a supplier spread of 7 days (1 week) adds z x d x σL in quadrature
    assert _one_sku(lt, lt_sd=7.0)["safety_stock"] == pytest.approx(np.hypot(15.0, 1.6448536 * 10 * 1), rel=1e-6)
    # without quantiles: the normal fallback z x σ x sqrt(L + R)
    assert _one_sku(None)["safety_stock"] == pytest.approx(1.6448536 * 5 * np.sqrt(3), rel=1e-6)
    fill = _one_sku(lt, measure="fill_rate")
    assert fill["service_measure"] == "fill_rate" and fill["safety_stock"] < rec["safety_stock"]


def test_expected_cost_decides_over_the_class_rule():
    classes = pd.DataFrame(
        {"sku": ["C1"], "abc": ["C"], "xyz": ["Z"], "pattern": ["lumpy"], "abc_basis": "value", "cv": [1.5]}
    )
    forecast = pd.DataFrame({"sku": ["C1"], "model": ["TSB"], "mean": [50.0], "sigma": [40.0]})
    # cheap to hold, expensive to miss, costly to order weekly: a buffer pays
    items = pd.DataFrame(
        {
            "sku": ["C1"],
            "description": ["bolt"],
            "unit_cost": [0.05],
            "supplier": ["S"],
            "lead_time_days": [14.0],
            "lead_time_std_days": [7.0],
            "moq": [1.0],
            "pack_size": [1.0],
            "avg_price": [5.0],
        }
    )
    rule = recommend(classes, forecast, items, None, PolicyParams(decide_by="class")).iloc[0]
    cost = recommend(classes, forecast, items, None, PolicyParams()).iloc[0]
    assert rule["policy"] == "JIT" and rule["decided_by"] == "class"
    assert cost["policy"] == "JIC" and cost["decided_by"] == "cost"
    assert cost["expected_cost_jic"] < 0.75 * cost["expected_cost_jit"]
    assert "the class rule alone would order it JIT" in cost["reason"] and cost["safety_stock"] > 0


def test_shortage_cost_is_the_lost_margin():
    from jitjic.policy.costs import shortage_cost

    # known price: price - cost; unknown price: margin implied by cost = 60% of price; never < 0
    np.testing.assert_allclose(shortage_cost([5.0, np.nan, 1.0], [2.0, 3.0, 2.0], 0.6), [3.0, 2.0, 0.0])
