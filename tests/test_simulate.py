"""The replay on hand-checkable cases: one SKU, constant demand, known lead time."""

import numpy as np
import pytest

from policy.simulate import Plan, Scenario, replay


def plan(is_jic, s, S, q, n=1):
    return Plan(np.full(n, is_jic), np.full(n, float(s)), np.full(n, float(S)), np.full(n, float(q)))


def run(actual, p, lead=1, **kw):
    actual = np.atleast_2d(np.asarray(actual, float))
    n = actual.shape[0]
    return replay(actual, [p] * actual.shape[1], np.full(n, lead), np.full(n, 2.0), np.full(n, 3.0),
                  np.ones(n), np.ones(n), order_cost=10.0, holding_rate_per_period=0.01, **kw)


def test_jit_constant_demand_never_runs_out():
    # demand 10 a week, lead time 1: order up to 20 (lead + review), start with 20 on hand
    out = run([[10] * 6], plan(False, 10, 20, 10), lead=1)
    assert out["demand"][0] == 60 and out["served"][0] == 60 and out["short"][0] == 0
    # week 1: 20 -> 10 on hand, position 10, order 10 (arrives week 2) ... one order a week
    assert out["orders"][0] == 6
    assert out["avg_stock_value"][0] == pytest.approx(10 * 2.0)
    assert out["holding_cost"][0] == pytest.approx(6 * 10 * 2.0 * 0.01)
    assert out["ordering_cost"][0] == 60


def test_jic_reorder_point_and_order_quantity():
    # s = 15, Q = 30, lead 1, demand 10: 45 -> 35 -> 25 -> 15 (position 15 <= s: order 30,
    # here next week) -> 35 -> 25 -> 15 (order) -> 35 -> 25: two orders, never short
    out = run([[10] * 8], plan(True, 15, 45, 30), lead=1, start_on_hand=np.array([45.0]))
    assert out["short"][0] == 0 and out["orders"][0] == 2
    on_hand = [35, 25, 15, 35, 25, 15, 35, 25]  # end-of-week stock: the order arrives a week later
    assert out["avg_stock_value"][0] == pytest.approx(np.mean(on_hand) * 2.0)


def test_cycle_service_level_counts_replenishment_cycles():
    # the JIC case above: deliveries in weeks 3 and 6 cut 8 weeks into 3 cycles, none short
    jic = run([[10] * 8], plan(True, 15, 45, 30), lead=1, start_on_hand=np.array([45.0]))
    assert (jic["cycles"][0], jic["stockout_cycles"][0]) == (3, 0)
    # no stock, lead 2, JIT up to 30: weeks 0-1 short until the week-0 order arrives in week 2
    # (cycle 1, failed); weeks 2-3 served from it (cycle 2, still open at the end)
    lost = run([[10, 10, 10, 10]], plan(False, 0, 30, 0), lead=2, start_on_hand=np.array([0.0]))
    assert (lost["cycles"][0], lost["stockout_cycles"][0]) == (2, 1)
    assert (lost["demand_periods"][0], lost["stockout_periods"][0]) == (4, 2)
    # a cycle without demand does not count
    idle = run([[0, 0, 0, 0]], plan(False, 0, 0, 0), lead=1, start_on_hand=np.array([5.0]))
    assert idle["cycles"][0] == 0


def test_lost_sales_and_backorders():
    # no stock, lead time 2, JIT up to 30: weeks 1-2 nothing arrives
    lost = run([[10, 10, 10, 10]], plan(False, 0, 30, 0), lead=2, start_on_hand=np.array([0.0]))
    assert lost["short"][0] == 20 and lost["served"][0] == 20
    assert lost["stockout_periods"][0] == 2 and lost["shortage_cost"][0] == 60
    back = run([[10, 10, 10, 10]], plan(False, 0, 30, 0), lead=2, start_on_hand=np.array([0.0]), backorders=True)
    # backorders are served first when stock arrives, so later demand is short too
    assert back["short"][0] >= lost["short"][0]
    assert back["served"][0] + back["short"][0] == 40


def test_supplier_delay_and_spike_and_freight():
    # JIT with 10 on hand: the week-0 order (20) is due in week 1; a week late, week 1 is short
    start = np.array([10.0])
    base = run([[10] * 6], plan(False, 10, 20, 10), lead=1, start_on_hand=start)
    delayed = run([[10] * 6], plan(False, 10, 20, 10), lead=1, start_on_hand=start,
                  scenario=Scenario(delay=1, delay_from=0, delay_periods=1))
    assert base["short"][0] == 0 and delayed["short"][0] == 10 and delayed["stockout_periods"][0] == 1
    spike = run([[10] * 6], plan(False, 10, 20, 10), lead=1, start_on_hand=start,
                scenario=Scenario(spike=0.5, spike_from=1, spike_periods=1))
    assert spike["demand"][0] == 65 and spike["short"][0] == 0  # 20 on hand in week 1 covers 15
    freight = run([[10] * 6], plan(False, 10, 20, 10), lead=1, start_on_hand=start, scenario=Scenario(freight=2.0))
    assert freight["ordering_cost"][0] == 2 * base["ordering_cost"][0]


def test_lead_time_spread_draws_each_orders_lead_time():
    spread = Scenario(lead_time_spread=True)  # seed 0: N(1, 1) draws round to L = 1, 1, 2, 1, 0, 1
    just = plan(False, 10, 10, 10)  # JIT up to 10 with L = 1: every week's delivery is needed
    start = np.array([10.0])
    plain = run([[10] * 6], just, lead=1, start_on_hand=start)
    assert plain["short"][0] == 0 and plain["orders"][0] == 6
    # no spread: the plain replay
    fixed = run([[10] * 6], just, lead=1, start_on_hand=start, scenario=spread, lead_sd_periods=np.array([0.0]))
    assert {k: v[0] for k, v in fixed.items()} == {k: v[0] for k, v in plain.items()}
    # the week-2 order takes 2 weeks: week 3 gets nothing and loses its 10; with 10 on order the
    # position is at its level, so week 3 orders nothing; the week-4 order (L = 0) comes next week
    varied = run([[10] * 6], just, lead=1, start_on_hand=start, scenario=spread, lead_sd_periods=np.array([1.0]))
    assert varied["short"][0] == 10 and varied["stockout_periods"][0] == 1 and varied["orders"][0] == 5


def test_order_and_holding_costs_per_sku():
    demand = np.array([[10.0] * 4, [10.0] * 4])
    p = Plan(np.array([False, False]), np.zeros(2), np.array([20.0, 20.0]), np.zeros(2))
    out = replay(demand, [p] * 4, np.ones(2), np.full(2, 2.0), np.full(2, 3.0), np.ones(2), np.ones(2),
                 order_cost=np.array([10.0, 30.0]), holding_rate_per_period=np.array([0.01, 0.05]))
    assert (out["orders"] == 4).all() and list(out["ordering_cost"]) == [40.0, 120.0]
    # the same stock (10 units at 2.00 left each week), charged at each SKU's own rate
    assert out["holding_cost"][1] == pytest.approx(5 * out["holding_cost"][0]) and out["holding_cost"][0] > 0


def test_vectorised_over_skus_equals_one_by_one():
    rng = np.random.default_rng(4)
    demand = rng.poisson(5, (3, 10)).astype(float)
    p = Plan(np.array([True, False, True]), np.array([8.0, 0, 12]), np.array([20.0, 12, 30]), np.array([15.0, 0, 20]))
    together = run(demand, p, lead=2)
    for i in range(3):
        alone = run(demand[i:i + 1], Plan(p.is_jic[i:i + 1], p.reorder_point[i:i + 1], p.order_up_to[i:i + 1],
                                          p.order_qty[i:i + 1]), lead=2)
        for key in ("served", "short", "orders", "avg_stock_value"):
            assert together[key][i] == pytest.approx(alone[key][0])
