"""The judge: cost settings re-cost a prepared replay and move the charges the right way, the
re-tuned baselines are the cheapest of their grids, the hindsight oracle bounds every strategy,
and a subset is the SKUs asked for."""

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import PolicyParams
from jitjic.replay import (
    COST_SETTINGS,
    CostSetting,
    hindsight_oracle,
    judge_setting,
    oracle_choice,
    prepare_replay,
    recost,
    run_strategy,
    subset_rows,
    uniform_jic,
    unpriced,
)

SETTINGS = {s.name: s for s in COST_SETTINGS}


def _catalogue(seed=3, periods=64, n=36):
    """Weekly demand of a heterogeneous catalogue: fast, slow and lumpy items, unit costs from 1
    to 50, lead times of 1 to 6 weeks, each item its own supplier; a few with their own order
    cost in the item master."""
    rng = np.random.default_rng(seed)
    start = pd.date_range("2010-01-04", periods=periods, freq="7D").date
    rate = np.r_[rng.uniform(20, 60, 8), rng.uniform(1, 5, 12), rng.uniform(0.05, 0.5, n - 20)]
    lump = np.r_[np.ones(20), rng.uniform(3, 12, n - 20)]
    rows = []
    for i in range(n):
        hits = rng.poisson(rate[i] / lump[i], periods)
        qty = hits * np.maximum(1, np.round(rng.exponential(lump[i], periods)))
        rows += [(f"S{i:02d}", p, float(q)) for p, q in zip(start, qty, strict=True)]
    demand = pd.DataFrame(rows, columns=["sku", "period_start", "qty"])
    demand["order_lines"] = (demand["qty"] > 0).astype(int)
    cost = np.round(rng.uniform(1, 50, n), 2)
    price = pd.Series(cost / 0.6, index=[f"S{i:02d}" for i in range(n)])
    demand["revenue"] = demand["qty"] * demand["sku"].map(price)
    items = pd.DataFrame(
        {
            "sku": [f"S{i:02d}" for i in range(n)],
            "description": "x",
            "unit_cost": cost,
            "lead_time_days": rng.choice([7.0, 14.0, 28.0, 42.0], n),
            "lead_time_std_days": 2.0,
            "moq": 1.0,
            "pack_size": 1.0,
            "order_cost": np.where(np.arange(n) % 5 == 0, 10.0, np.nan),
            "avg_price": cost / 0.6,
        }
    )
    return demand, items


@pytest.fixture(scope="module")
def rp():
    demand, items = _catalogue()
    return prepare_replay(demand, items, PolicyParams(), weeks=10, horizon=4)


@pytest.fixture(scope="module")
def judged(rp):
    return {name: judge_setting(rp, SETTINGS[name]) for name in ("default", "order cost 100", "holding 15%/yr")}


def _row(judged, setting, policy):
    rows, _ = judged[setting]
    return next(r for r in rows if r["policy"] == policy)


def test_recost_scales_every_item_and_the_defaults(rp):
    base = rp.weeks[0][0]
    up = recost(rp, SETTINGS["order cost 100"])
    # the item master's own 10.00 and the default 25.00 alike: x4 (100 / the default 25)
    assert np.allclose(up.items.order_cost, 4 * rp.items.order_cost)
    assert np.allclose(up.weeks[-1][0]["order_cost"], 4 * rp.weeks[-1][0]["order_cost"])
    assert set(base["order_cost"]) == {10.0, 25.0} and up.params.order_cost == 100.0
    short = recost(rp, SETTINGS["shortage x3"])
    assert np.allclose(short.items.lost_margin, 3 * rp.items.lost_margin)
    assert np.allclose(short.weeks[0][0]["waiting_cost"], 3 * base["waiting_cost"])
    held = recost(rp, CostSetting("h", holding_rate=0.5))
    assert np.allclose(held.items.holding_rate, 2 * rp.items.holding_rate)
    # the forecasts are kept, and the original replay is untouched
    assert held.weeks[0][1] is rp.weeks[0][1] and set(rp.weeks[0][0]["order_cost"]) == {10.0, 25.0}


def test_cost_settings_move_the_charged_costs_the_right_way(judged):
    for policy in ("recommended", "JIT everywhere"):
        default = _row(judged, "default", policy)
        assert _row(judged, "order cost 100", policy)["ordering_cost"] > default["ordering_cost"]
        assert _row(judged, "holding 15%/yr", policy)["holding_cost"] < default["holding_cost"]
    # JIT plans do not read the holding rate: the same stock charged at 15% instead of 25%
    jit, cheap = _row(judged, "default", "JIT everywhere"), _row(judged, "holding 15%/yr", "JIT everywhere")
    assert cheap["avg_stock_value"] == pytest.approx(jit["avg_stock_value"])
    assert cheap["holding_cost"] == pytest.approx(0.6 * jit["holding_cost"])


def test_retuned_baselines_are_the_cheapest_of_their_grids(judged, rp):
    years = rp.actual.shape[1] * rp.params.period_days / 365.0
    for setting, (rows, runs) in judged.items():
        by = {r["policy"]: r for r in rows}
        levels = [r.total("total_cost") / years for n, r in runs.items() if n.startswith("JIC ")]
        rules = [r.total("total_cost") / years for n, r in runs.items() if n.startswith("class rule ")]
        assert len(levels) == 9 and len(rules) == 9
        assert by["JIC everywhere re-tuned"]["total_cost"] == pytest.approx(min(levels)), setting
        assert by["class rule re-tuned"]["total_cost"] == pytest.approx(min(rules)), setting
        # JIC at equal stock matches the recommendation's stock
        assert by["JIC everywhere equal stock"]["avg_stock_value"] == pytest.approx(
            by["recommended"]["avg_stock_value"], rel=0.01
        )


def test_the_oracle_bounds_every_strategy(judged, rp):
    rows, runs = judged["default"]
    by = {r["policy"]: r for r in rows}
    options = {n: r for n, r in runs.items() if not n.startswith("class rule")}
    budget = runs["recommended"].total("avg_stock_value")
    oracle = hindsight_oracle(rp, options, budget)
    for objective in ("fill", "cost"):
        assert oracle[objective]["independent"]["avg_stock_value"] <= budget * (1 + 1e-9)
        # each item its own supplier here: replaying the choices as one plan changes nothing
        o = oracle[objective]
        assert o["replayed"]["fill_rate"] == pytest.approx(o["independent"]["fill_rate"])
    fill = oracle["fill"]["replayed"]["fill_rate"]
    cost = oracle["cost"]["replayed"]["total_cost"]
    # within the multiplier's duality gap: a discrete choice may stop just short of the budget
    for policy in ("recommended", "JIC everywhere equal stock"):
        assert fill >= by[policy]["fill_rate"] - 0.002, policy
        assert cost <= by[policy]["total_cost"] * 1.002, policy
    assert fill > by["JIC everywhere equal stock"]["fill_rate"]


def test_oracle_choice_spends_the_budget_where_it_buys_most():
    # two items, options (stock, served): item 0 gains 10 units for 1 of stock, item 1 only 1
    stock = np.array([[0.0, 1.0], [0.0, 1.0]])
    served = np.array([[0.0, 10.0], [0.0, 1.0]])
    cost = np.array([[5.0, 1.0], [5.0, 6.0]])
    assert list(oracle_choice(served, stock, cost, 1.0, "fill")) == [1, 0]
    assert list(oracle_choice(served, stock, cost, 2.0, "fill")) == [1, 1]
    assert list(oracle_choice(served, stock, cost, 0.5, "fill")) == [0, 0]
    # for cost: item 0's stock pays for itself, item 1's does not, even with budget to spare
    assert list(oracle_choice(served, stock, cost, 2.0, "cost")) == [1, 0]


def test_subset_is_the_skus_asked_for(rp):
    n = len(rp.ids)
    rows = subset_rows(n, 10, 1)
    assert len(rows) == 10 and len(set(rows)) == 10 and (np.diff(rows) > 0).all() and rows.max() < n
    assert list(rows) == list(subset_rows(n, 10, 1)) and list(rows) != list(subset_rows(n, 10, 2))
    assert len(subset_rows(n, 10 * n, 1)) == n
    sub = rp.subset(rows)
    assert list(sub.ids) == list(rp.ids[rows])
    assert list(sub.weeks[3][0]["sku"]) == list(rp.ids[rows]) and list(sub.classes["sku"]) == list(rp.ids[rows])
    assert np.array_equal(sub.actual, rp.actual[rows]) and np.array_equal(sub.items.lead_days, rp.items.lead_days[rows])
    # items with their own suppliers replay alike alone or in the catalogue
    whole, alone = run_strategy(rp, rp.params), run_strategy(sub, sub.params)
    cols = ["sku", "served", "avg_stock_value", "holding_cost", "ordering_cost", "shortage_cost"]
    pd.testing.assert_frame_equal(whole.iloc[rows][cols].reset_index(drop=True), alone[cols])


def test_a_rule_decided_plan_is_the_same_without_replay_pricing(rp):
    assert rp.history is not None and rp.history.shape[1] - rp.actual.shape[1] >= rp.params.replay_history
    p = uniform_jic(rp.params, 0.9)
    assert unpriced(p).replay_history == 0 and unpriced(rp.params) is rp.params
    cols = ["served", "avg_stock_value", "orders"]
    pd.testing.assert_frame_equal(run_strategy(rp, p)[cols], run_strategy(rp, unpriced(p))[cols])


def test_a_span_of_periods_knows_only_its_past(rp):
    later = rp.periods(4, 10)
    assert later.actual.shape[1] == 6 and len(later.weeks) == 6
    np.testing.assert_array_equal(later.actual, rp.actual[:, 4:10])
    # the plans of its periods are those of the whole replay's periods 4..9
    whole, part = rp.inputs()[4:10], later.inputs()
    np.testing.assert_array_equal(whole[0].demand, part[0].demand)
    first = rp.periods(0, 4)
    assert first.history.shape[1] == rp.history.shape[1] - 6  # nothing after its end is known


def test_a_configuration_chosen_by_backtest_is_judged_on_periods_it_never_saw(rp):
    from jitjic.replay import tuned_out_of_sample

    out = tuned_out_of_sample(rp, levels=(0.7, 0.9))
    assert out["periods"] == (5, 5)
    rows = list(out["rows"].values())
    # the cheapest on the second half itself bounds the one chosen on the first half
    assert rows[3]["total_cost"] <= rows[0]["total_cost"] + 1e-6
    assert {r["policy"] for r in rows} == {"tuned", "recommended", "equal stock", "best"}
