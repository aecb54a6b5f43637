"""The replay on hand-checkable cases: constant demand, known lead times, the true clock."""

import numpy as np
import pytest
from jitjic.policy.simulate import Plan, ReplayItems, Scenario, arrival_period, replay


def plan(is_jic, s, S, q, n=1):
    return Plan(np.full(n, is_jic), np.full(n, float(s)), np.full(n, float(S)), np.full(n, float(q)))


PLAIN = Scenario()


def run(actual, p, lead_days=7.0, start=None, scenario=PLAIN, **item_values):
    actual = np.atleast_2d(np.asarray(actual, float))
    n = actual.shape[0]
    values = dict(lead_days=lead_days, unit_cost=2.0, lost_margin=3.0, order_cost=10.0) | item_values
    items = ReplayItems.simple(n, **values)
    return replay(
        actual,
        [p] * actual.shape[1],
        items,
        period_days=7.0,
        scenario=scenario,
        start_on_hand=None if start is None else np.full(n, float(start)),
    )


def test_arrival_period_is_the_first_period_starting_after_delivery():
    # an order at the end of week 0: L = 0 days is there for week 1, 1-7 days for week 2, 8-14 for week 3
    assert list(arrival_period(0, [0, 1, 7, 8, 13.9, 14], 7.0)) == [1, 2, 2, 3, 3, 3]
    assert arrival_period(5, 7.0, 1.0) == 13  # daily periods: 7 days later, the day after


def test_order_up_to_covering_lead_time_plus_review_never_stocks_out():
    # demand 10 a week, lead time 14 days, weekly review: protection is L + R = 3 weeks = 30 units
    covered = run([[10] * 12], plan(False, 0, 30, 0), lead_days=14, start=30)
    assert covered["short"][0] == 0 and covered["served"][0] == 120 and covered["orders"][0] == 12
    # covering the lead time only (20) runs short every week once the start stock is gone
    lead_only = run([[10] * 12], plan(False, 0, 20, 0), lead_days=14, start=20)
    # (weeks 2, 5, 8 and 11: each order arrives a week after the stock it replaces ran out)
    assert lead_only["stockout_periods"][0] == 4 and lead_only["short"][0] == 40
    # a JIC reorder point: the review finds the position anywhere up to a week's demand below s
    # (55 -> 45 -> 35 -> 25 -> 15): s over L + R (30) never runs short, s over L only (20) does
    assert run([[10] * 12], plan(True, 30, 70, 40), lead_days=14, start=55)["short"][0] == 0
    assert run([[10] * 12], plan(True, 20, 60, 40), lead_days=14, start=55)["short"][0] > 0


def test_zero_and_one_period_lead_times_differ():
    # L = 0 arrives for the next week: up to 10 (one review) suffices; L = 7 days needs 20
    assert run([[10] * 6], plan(False, 0, 10, 0), lead_days=0, start=10)["short"][0] == 0
    assert run([[10] * 6], plan(False, 0, 10, 0), lead_days=7, start=10)["short"][0] > 0
    assert run([[10] * 6], plan(False, 0, 20, 0), lead_days=7, start=20)["short"][0] == 0


def test_jic_reorder_point_and_order_quantity():
    # s = 20, Q = 30, L = 7 days (arrives two weeks after the week it is ordered in):
    # 40 -> 30 -> 20 (order, arrives for week 4) -> 10 -> 0 -> 30-10 = 20 (order) ...
    out = run([[10] * 8], plan(True, 20, 50, 30), lead_days=7, start=50)
    on_hand = [40, 30, 20, 10, 30, 20, 10, 30]
    assert out["short"][0] == 0 and out["orders"][0] == 2
    assert out["avg_stock_value"][0] == pytest.approx(np.mean(on_hand) * 2.0)
    # deliveries in weeks 4 and 7 cut 8 weeks into 3 cycles with demand, none short
    assert (out["cycles"][0], out["stockout_cycles"][0]) == (3, 0)


def test_cycles_count_only_those_with_demand_and_flag_stockouts():
    # no stock, L = 7 days, JIT up to 30: weeks 0-1 short until the week-0 order arrives in
    # week 2 (cycle 1, failed); weeks 2-3 served from it (cycle 2, still open at the end)
    lost = run([[10, 10, 10, 10]], plan(False, 0, 30, 0), lead_days=7, start=0)
    assert (lost["cycles"][0], lost["stockout_cycles"][0]) == (2, 1)
    assert (lost["demand_periods"][0], lost["stockout_periods"][0]) == (4, 2)
    idle = run([[0, 0, 0, 0]], plan(False, 0, 0, 0), start=5)
    assert idle["cycles"][0] == 0


def test_lost_sales_backorders_and_a_share_of_each():
    demand = [[10, 10, 10, 10]]
    lost = run(demand, plan(False, 0, 30, 0), start=0, backorder_share=0.0, waiting_cost=0.5)
    assert lost["short"][0] == 20 and lost["lost"][0] == 20 and lost["backordered"][0] == 0
    assert lost["lost_margin"][0] == 60 and lost["waiting_cost"][0] == 0 and lost["shortage_cost"][0] == 60
    back = run(demand, plan(False, 0, 30, 0), start=0, backorder_share=1.0, waiting_cost=0.5)
    # the waiting customers are served first when stock arrives, so later demand is short too
    assert back["lost"][0] == 0 and back["backordered"][0] == back["short"][0] >= 20
    # 0.5 per unit and day: 10 units short in week 0 wait half of it and all of week 1, the 10
    # short in week 1 half of it (week 2's delivery serves them)
    assert back["waiting_cost"][0] == pytest.approx(0.5 * 7 * (10 * 1.5 + 10 * 0.5)) and back["lost_margin"][0] == 0
    assert back["served"][0] + back["short"][0] == 40
    half = run(demand, plan(False, 0, 30, 0), start=0, backorder_share=0.5)
    assert half["lost"][0] == pytest.approx(half["backordered"][0])


def test_the_waiting_cost_grows_with_the_days_waited():
    # one request of 10 that waits for an order from an empty shelf: a week's lead time against a month's
    demand = [[10] + [0] * 11]
    by_lead = {
        lead: run(demand, plan(False, 0, 1, 0), lead_days=lead, start=0, backorder_share=1.0, waiting_cost=1.0)
        for lead in (7.0, 28.0, 56.0)
    }
    waited = {lead: out["waiting_cost"][0] / out["backordered"][0] for lead, out in by_lead.items()}
    # from the middle of week 0 until the first week starting after the delivery: 1.5, 4.5 and
    # 8.5 weeks (the plan's on-request wait: the lead time + half a review, to the next week)
    assert waited == {7.0: 10.5, 28.0: 31.5, 56.0: 59.5}


def test_supplier_delay_spike_and_freight():
    # JIT up to 20 with L = 7: the week-0 order is due for week 2; a week late it comes in week 3
    base = run([[10] * 6], plan(False, 0, 20, 0), start=20)
    delayed = run(
        [[10] * 6], plan(False, 0, 20, 0), start=20, scenario=Scenario(delay_days=7, delay_from=0, delay_periods=1)
    )
    assert base["short"][0] == 0 and delayed["short"][0] == 10 and delayed["stockout_periods"][0] == 1
    spike = run(
        [[10] * 6], plan(False, 0, 20, 0), start=20, scenario=Scenario(spike=0.5, spike_from=0, spike_periods=1)
    )
    # 20 on hand covers week 0's 15, but the order placed then only arrives for week 2: week 1 is 5 short
    assert spike["demand"][0] == 65 and spike["short"][0] == 5 and spike["stockout_periods"][0] == 1
    freight = run([[10] * 6], plan(False, 0, 20, 0), start=20, scenario=Scenario(freight=2.0))
    assert freight["ordering_cost"][0] == 2 * base["ordering_cost"][0] > 0


def test_lead_time_spread_draws_each_orders_lead_time():
    spread = Scenario(lead_time_spread=True, seed=3)
    just = plan(False, 0, 20, 0)  # JIT up to 20 with L = 7 d: exactly enough when every order is on time
    plain = run([[10] * 8], just, start=20)
    fixed = run([[10] * 8], just, start=20, scenario=spread, lead_sd_days=0.0)
    assert {k: v[0] for k, v in fixed.items()} == {k: v[0] for k, v in plain.items()}
    drawn = np.maximum(np.random.default_rng(3).normal(7.0, 4.0, 8), 0)
    varied = run([[10] * 8], just, start=20, scenario=spread, lead_sd_days=4.0)
    # some order drawn over 7 days comes a week later than planned: the week it was meant for runs short
    assert (drawn[:6] > 7).any() and varied["short"][0] > 0


def test_one_purchase_order_per_supplier_and_period_carries_its_lines():
    demand = np.full((3, 4), 10.0)
    p = Plan(np.zeros(3, bool), np.zeros(3), np.full(3, 20.0), np.zeros(3))
    shared = ReplayItems.simple(3, lead_days=7.0, order_cost=12.0, line_cost=1.0, supplier=[0, 0, 1])
    out = replay(demand, [p] * 4, shared, start_on_hand=np.full(3, 20.0))
    assert (out["orders"] == 4).all()
    # supplier 0: one order of 12 a week shared by two lines, plus a line each; supplier 1 alone
    assert list(out["ordering_cost"]) == [4 * (6 + 1), 4 * (6 + 1), 4 * (12 + 1)]
    assert list(out["purchase_orders"]) == [2.0, 2.0, 4.0]


def test_holding_and_obsolescence_costs_per_sku():
    demand = np.full((2, 4), 10.0)
    p = Plan(np.zeros(2, bool), np.zeros(2), np.full(2, 30.0), np.zeros(2))
    items = ReplayItems.simple(2, lead_days=7.0, unit_cost=2.0, holding_rate=[0.25, 0.5], obsolescence_rate=[0.0, 0.25])
    out = replay(demand, [p] * 4, items, period_days=7.0, start_on_hand=np.full(2, 30.0))
    # 20, 10, 10, 10 units at 2.00 left at the ends of the weeks, at each SKU's own yearly rate
    assert out["holding_cost"][0] == pytest.approx(50 * 2.0 * 0.25 * 7 / 365)
    assert out["holding_cost"][1] == pytest.approx(2 * out["holding_cost"][0])
    assert out["obsolescence_cost"][0] == 0 and out["obsolescence_cost"][1] == pytest.approx(out["holding_cost"][0])


def test_vectorised_over_skus_equals_one_by_one():
    rng = np.random.default_rng(4)
    demand = rng.poisson(5, (3, 10)).astype(float)
    p = Plan(np.array([True, False, True]), np.array([8.0, 0, 12]), np.array([20.0, 12, 30]), np.array([15.0, 0, 20]))
    together = run(demand, p, lead_days=14)
    for i in range(3):
        alone = run(
            demand[i : i + 1],
            Plan(p.is_jic[i : i + 1], p.reorder_point[i : i + 1], p.order_up_to[i : i + 1], p.order_qty[i : i + 1]),
            lead_days=14,
        )
        for key in ("served", "short", "orders", "avg_stock_value", "cycles"):
            assert together[key][i] == pytest.approx(alone[key][0])


def test_customers_still_waiting_at_the_end_are_charged_their_whole_wait():
    # a request in the last week of four: its order (4 weeks' lead time) arrives after the replay
    out = run([[0, 0, 0, 10]], plan(False, 0, 0, 0), lead_days=28.0, start=0, backorder_share=1.0, waiting_cost=1.0)
    # half of week 3, then until the delivery for week 8: 0.5 + 4 weeks
    assert out["waiting_cost"][0] / out["backordered"][0] == pytest.approx(31.5)
