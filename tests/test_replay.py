"""The policy replay driver: no look-ahead, four strategies, every scenario, per class, and the
exchange curve."""

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import PolicyParams
from jitjic.policy.simulate import SCENARIOS
from jitjic.replay import (
    STRATEGIES,
    backtest_policies,
    exchange_curve,
    plan_weeks,
    prepare_replay,
    strategy_params,
)


def _demand(seed=8, periods=40):
    rng = np.random.default_rng(seed)
    start = pd.date_range("2010-01-04", periods=periods, freq="7D").date
    rates = np.r_[rng.uniform(20, 60, 8), rng.uniform(0.2, 2, 22)]
    rows = [(f"S{i:02d}", p, float(rng.poisson(r))) for i, r in enumerate(rates) for p in start]
    demand = pd.DataFrame(rows, columns=["sku", "period_start", "qty"])
    demand["order_lines"] = (demand["qty"] > 0).astype(int) * np.where(demand["sku"] < "S08", 5, 1)
    demand["revenue"] = demand["qty"] * 4.0
    items = pd.DataFrame(
        {
            "sku": [f"S{i:02d}" for i in range(30)],
            "description": "x",
            "unit_cost": 2.0,
            "supplier": "S",
            "lead_time_days": 14.0,
            "lead_time_std_days": 2.0,
            "moq": 1.0,
            "pack_size": 1.0,
            "avg_price": 4.0,
        }
    )
    return demand, items


@pytest.fixture(scope="module")
def case():
    demand, items = _demand()
    return demand, items, backtest_policies(demand, items, PolicyParams(), weeks=12, horizon=4)


def test_every_scenario_strategy_and_class(case):
    _, _, out = case
    assert set(out["scenario"]) == {s.name for s in SCENARIOS}
    assert set(out["strategy"]) == set(STRATEGIES)
    assert {"all", "A", "C"} <= set(out["abc"])
    for col in ("fill_rate", "cycle_service_level", "period_service_level", "cycle_service_per_item"):
        assert out[col].dropna().between(0, 1).all(), col
    assert (out["weeks"] == 12).all() and (out["cycles_per_item"] > 0).all()
    jic = out[(out["strategy"] == "JIC everywhere") & (out["scenario"] == "plain")]
    assert np.allclose(jic["target_cycle_service"], 0.95)  # everything buffered at the A level


def test_buffers_serve_more_and_hold_more(case):
    _, _, out = case
    plain = out[(out["scenario"] == "plain") & (out["abc"] == "all")].set_index("strategy")
    assert plain.loc["JIC everywhere", "fill_rate"] > plain.loc["JIT everywhere", "fill_rate"]
    # the class rule buffers the popular items only: its stock sits between the two
    assert (
        plain.loc["JIT everywhere", "avg_stock_value"]
        <= plain.loc["class rule", "avg_stock_value"]
        <= plain.loc["JIC everywhere", "avg_stock_value"]
    )
    freight = out[(out["scenario"] == "freight cost x2") & (out["abc"] == "all")].set_index("strategy")
    assert np.allclose(freight["ordering_cost"], 2 * plain["ordering_cost"])
    costs = plain[["holding_cost", "obsolescence_cost", "ordering_cost", "shortage_cost"]].sum(axis=1)
    assert np.allclose(costs, plain["total_cost"])


def test_no_look_ahead():
    # a tenfold spike in the last 3 replayed weeks changes no plan made before them
    demand, items = _demand()
    spiked = demand.copy()
    late = spiked["period_start"] >= sorted(spiked["period_start"].unique())[-3]
    spiked.loc[late, "qty"] *= 10
    params = PolicyParams()
    plain, _ = plan_weeks(prepare_replay(demand, items, params, weeks=8, horizon=4), params)
    later, _ = plan_weeks(prepare_replay(spiked, items, params, weeks=8, horizon=4), params)
    for t in range(6):  # weeks origin .. origin + 5 are planned before the spike is seen
        np.testing.assert_array_equal(plain[t].order_up_to, later[t].order_up_to)
        np.testing.assert_array_equal(plain[t].reorder_point, later[t].reorder_point)
    # ... and the plans made after it has been seen do react
    assert (later[7].order_up_to > plain[7].order_up_to).any()


def test_forecast_horizon_covers_the_longest_protection_interval():
    demand, items = _demand()
    items = items.assign(lead_time_days=np.where(items["sku"] == "S00", 70.0, 14.0))
    rp = prepare_replay(demand, items, PolicyParams(), weeks=4, horizon=4)
    base, protection = rp.weeks[0]
    # S00 needs 10 + 1 weeks: read off its own quantiles, not extrapolated beyond a 4-week horizon
    assert protection.periods[0] == pytest.approx(11.0) and protection.found.all()
    assert protection.table.shape[1] == 5


def test_too_short_history():
    demand = pd.DataFrame(
        {
            "sku": ["A"] * 10,
            "period_start": pd.date_range("2011-01-03", periods=10, freq="7D").date,
            "qty": 1.0,
            "order_lines": 1,
            "revenue": 1.0,
        }
    )
    with pytest.raises(ValueError, match="too few to hold out"):
        backtest_policies(demand, pd.DataFrame({"sku": ["A"], "avg_price": [1.0]}), PolicyParams(), weeks=8)


def test_a_sample_replays_fewer_skus_and_weights_them_up(case):
    demand, items, full = case
    sampled = backtest_policies(demand, items, PolicyParams(), weeks=12, horizon=4, max_skus=12)
    assert (full["skus_total"] == 30).all() and (full["skus_replayed"] == 30).all()
    assert (sampled["skus_total"] == 30).all() and 10 <= sampled["skus_replayed"].iloc[0] <= 14
    plain = sampled[(sampled["scenario"] == "plain") & (sampled["abc"] == "all")].set_index("strategy")
    whole = full[(full["scenario"] == "plain") & (full["abc"] == "all")].set_index("strategy")
    # sums are weighted up to the catalogue: unweighted they would be about 12/30 = 0.4 of it
    ratio = plain["orders"] / whole["orders"]
    assert ratio.between(0.6, 1.7).all(), ratio
    assert set(sampled["abc"]) == set(full["abc"])  # every class is represented


def test_exchange_curve_is_monotone_in_stock_and_places_the_recommendation():
    demand, items = _demand()
    params = PolicyParams()
    rp = prepare_replay(demand, items, params, weeks=12, horizon=4)
    curve = exchange_curve(rp, params, levels=(0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995))
    uniform = curve[(curve["policy"] == "JIC everywhere") & ~curve["setting"].str.contains("equal")]
    assert len(uniform) == 8
    assert uniform["avg_stock_value"].is_monotonic_increasing and uniform["avg_stock_value"].diff().dropna().gt(0).all()
    assert uniform["fill_rate"].is_monotonic_increasing
    assert set(curve["policy"]) == {"JIT everywhere", "JIC everywhere", "class rule", "recommended"}
    rec = curve[curve["policy"] == "recommended"].iloc[0]
    matched = curve[curve["setting"].str.contains("equal stock")].iloc[0]
    assert matched["avg_stock_value"] == pytest.approx(rec["avg_stock_value"], rel=0.001)
    costs = curve[["holding_cost", "obsolescence_cost", "ordering_cost", "shortage_cost"]].sum(axis=1)
    assert np.allclose(costs, curve["total_cost"])


def test_strategies_differ_only_where_they_should():
    params = PolicyParams()
    s = strategy_params(params, jic_level=0.9)
    assert s["JIT everywhere"].jic_classes == () and s["JIT everywhere"].decide_by == "class"
    assert set(s["JIC everywhere"].service_level.values()) == {0.9} and s["JIC everywhere"].jic_classes == (
        "A",
        "B",
        "C",
    )
    assert s["class rule"].decide_by == "class" and s["class rule"].targets == "class"
    assert s["recommended"] is params


def test_cached_paths_equal_a_fresh_fit_each_period():
    from jitjic.forecasting import AutoForecast
    from jitjic.forecasting.paths import cheap_paths
    from jitjic.replay.backtest import _PathCache

    rng = np.random.default_rng(2)
    y = rng.poisson(rng.uniform(0.2, 20, (25, 1)), (25, 40)).astype(float)
    auto = AutoForecast(4)
    cache = _PathCache(y, auto)
    for periods in range(24, 32):  # consecutive periods share origins: most paths come from the cache
        got = cache.at(periods)
        fresh = cheap_paths(y[:, :periods], auto.models, auto.origins(periods), 4, auto.season)
        assert set(got) == set(fresh)
        for model in fresh:
            np.testing.assert_array_equal(got[model], fresh[model])
    # old history lengths are dropped: only those from the earliest origin to the end are kept
    assert len(cache.cache) <= auto.horizon + (auto.backtest_origins - 1) * auto.origin_step + 1


def test_each_strategy_starts_from_its_own_steady_state():
    from jitjic.policy.simulate import Plan, ReplayItems, replay
    from jitjic.replay import steady_state

    # JIT up to 30 = 10 a period over 2 lead periods + 1 review; JIC at s = 35, Q = 20
    plan = Plan(np.array([False, True]), np.array([30.0, 35.0]), np.array([30.0, 55.0]), np.array([10.0, 20.0]))
    items = ReplayItems.simple(2, lead_days=14.0)
    on_hand, on_order = steady_state(plan, np.array([10.0, 10.0]), items, 7.0)
    # the position sits where the plan keeps it: two periods' demand on its way, the rest on hand
    np.testing.assert_allclose(on_hand + on_order.sum(axis=1), [30.0, 45.0])
    np.testing.assert_allclose(on_order, [[0, 10, 10], [0, 10, 10]])
    np.testing.assert_allclose(on_hand, [10.0, 25.0])
    # a JIT item at its steady state under constant demand runs level: no stock-out, nothing
    # left over at any period's end (started with its whole position on hand it would carry 20)
    out = replay(
        np.full((1, 12), 10.0),
        [Plan(*(a[:1] for a in (plan.is_jic, plan.reorder_point, plan.order_up_to, plan.order_qty)))],
        ReplayItems.simple(1, lead_days=14.0),
        start_on_hand=on_hand[:1],
        start_on_order=on_order[:1],
    )
    assert out["short"][0] == 0.0 and out["avg_stock_value"][0] == 0.0


def test_disruptions_fall_inside_the_replay_on_every_grain():
    from jitjic.policy.simulate import scenarios_for, too_short

    for period_days in (1.0, 7.0, 365 / 12):
        for periods in (6, 26, 104):
            for s in scenarios_for(periods, period_days):
                if s.delay_periods:
                    assert s.delay_from + s.delay_periods <= periods and s.delay_days >= period_days
                if s.spike_periods:
                    assert s.spike_from + s.spike_periods <= periods
    assert scenarios_for(24, 365 / 12)[1].name == "supplier delay +1 month for 2 months"
    assert too_short(scenarios_for(6), 6, lead_periods=4.0)  # a 4-week lead time: the delay never shows
    assert not too_short(scenarios_for(52), 52, lead_periods=4.0)


def test_the_replay_classifies_by_value_at_unit_cost_as_the_nightly_run():
    demand, items = _demand()
    demand["revenue"] = 0.0  # no selling price: the value is units x unit cost
    rp = prepare_replay(demand, items, PolicyParams(), weeks=4, horizon=4, classify_params={"abc_basis": "value"})
    assert set(rp.classes["abc"]) >= {"A", "C"}


def test_the_replay_reads_period_totals_as_the_nightly_run():
    demand, items = _demand()
    totals = prepare_replay(demand, items, PolicyParams(), weeks=4, horizon=4, period_totals=True)
    lines = prepare_replay(demand, items, PolicyParams(), weeks=4, horizon=4)
    # abc_basis "auto": value for period totals (a line is a period, not a request), hits for sales
    assert set(totals.classes["abc_basis"]) == {"value"} and set(lines.classes["abc_basis"]) == {"hits"}
