"""The JIT/JIC line where each pays: both choices' yearly cost hand-checked on three items, the
budget and fill allocations, and reasons that carry the numbers they quote."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import PolicyParams, recommend
from jitjic.policy.costs import supplier_busy
from scipy.stats import norm


def _loss(z):
    return norm.pdf(z) - z * norm.sf(z)


ITEMS = pd.DataFrame(
    {
        # a popular item; a rare dear part special-ordered by its customers; one near the line
        "sku": ["POPULAR", "RARE", "NEAR"],
        "description": ["mug", "pump", "valve"],
        "unit_cost": [4.0, 500.0, 200.0],
        "supplier": [None, None, None],
        "lead_time_days": [14.0] * 3,
        "lead_time_std_days": [0.0] * 3,
        "moq": [1.0] * 3,
        "pack_size": [1.0] * 3,
        "order_cost": [20.0] * 3,
        "holding_rate": [0.25] * 3,
        "avg_price": [10.0, 750.0, 300.0],
        # nine in ten of the pump's customers wait for it (the item master says so); the rest: class defaults
        "backorder_share": [np.nan, 0.9, np.nan],
    }
)
CLASSES = pd.DataFrame(
    {
        "sku": ["POPULAR", "RARE", "NEAR"],
        "abc": ["A", "C", "C"],
        "xyz": ["X", "Z", "Z"],
        "pattern": ["smooth", "lumpy", "lumpy"],
        "abc_basis": "hits",
        "cv": [0.2, 3.0, 3.0],
        "adi": [1.0, 8.0, 8.0],
        "order_lines": [520.0, 6.0, 6.0],
        "periods": [52, 52, 52],
    }
)
FORECAST = pd.DataFrame(
    {"sku": ["POPULAR", "RARE", "NEAR"], "model": "SES", "mean": [50.0, 0.1, 0.1], "sigma": [10.0, 0.5, 0.5]}
)
P = PolicyParams()  # cost decides, class targets: A 95%, C 85%; order line 1.00; obsolescence A 5%, C 20%


def _by_hand(d, sigma, cost, price, carrying, level, backorder, adi, line=21.0, periods=3.0):
    """Yearly (JIC, JIT) cost from the textbook formulas, for weekly periods and a weekly review."""
    annual = d * 365 / 7
    s_t = sigma * np.sqrt(periods)
    level_jit = d * periods

    def b(wait_days):  # per unit short: the margin lost, or 0.5% of the price per day waited
        return (1 - backorder) * (price - cost) + backorder * 0.005 * price * wait_days

    # a unit short waits about half a weekly review, or (bought on request) the 14-day lead time too
    b_jic, b_jit = b(3.5), b(3.5 if level_jit >= 1 else 17.5)
    ss = norm.ppf(level) * s_t
    q = np.ceil(min(np.sqrt(2 * annual * line / (cost * carrying)), annual))
    jic = (ss + q / 2) * cost * carrying + annual / q * line + annual / q * s_t * _loss(ss / s_t) * b_jic
    lot = np.ceil(max(d, 1.0))
    if level_jit >= 1:
        per_order = s_t * _loss((level_jit - 1 - level_jit) / s_t)
        orders = min(annual / lot, 365 / 7)
    else:  # ordered on request: lost until a customer waits, then the wait
        per_order = level_jit + (1 - backorder) / backorder * d * adi
        orders = annual / (lot + min(per_order, annual))
    short = min(orders * per_order, annual)
    jit = lot / 2 * (1 - short / annual) * cost * carrying + orders * line + short * b_jit
    return jic, jit


def test_both_choices_priced_by_hand_on_three_items():
    out = recommend(CLASSES, FORECAST, ITEMS, None, P).set_index("sku")
    popular = _by_hand(50, 10, 4.0, 10.0, 0.30, 0.95, 0.0, 1.0)
    rare = _by_hand(0.1, 0.5, 500.0, 750.0, 0.45, 0.85, 0.9, 8.0)
    near = _by_hand(0.1, 0.5, 200.0, 300.0, 0.45, 0.85, 0.5, 8.0)
    for sku, (jic, jit) in {"POPULAR": popular, "RARE": rare, "NEAR": near}.items():
        assert out.loc[sku, "expected_cost_jic"] == pytest.approx(jic, rel=1e-6), sku
        assert out.loc[sku, "expected_cost_jit"] == pytest.approx(jit, rel=1e-6), sku
    # the popular item is buffered: a stock-out loses many sales (JIT would lose ~390 units a year)
    assert out.loc["POPULAR", "policy"] == "JIC" and popular[0] < popular[1] / 5
    # the rare dear part goes JIT: a buffer would sit for months; its customers wait for an order
    assert out.loc["RARE", "policy"] == "JIT" and rare[1] < rare[0]
    # near the line: a cheaper part of the same demand is still worth a small buffer, within 10%
    assert out.loc["NEAR", "policy"] == "JIC" and near[0] < near[1] < 1.1 * near[0]
    assert (out["decided_by"] == "cost").all()


def test_reason_quotes_the_numbers_it_rests_on():
    out = recommend(CLASSES, FORECAST, ITEMS, None, P).set_index("sku")
    rare = out.loc["RARE"]
    # "6 order lines in 52 weeks; a buffer would hold 2 units, 20 weeks of demand: JIT x/yr vs JIC y/yr"
    assert "6 order lines in 52 weeks" in rare["reason"]
    held = np.ceil(norm.ppf(0.85) * 0.5 * np.sqrt(3) + 1)  # safety stock + half an order of 2, rounded up
    assert f"a buffer would hold {held:,.0f} units" in rare["reason"]
    assert f"JIT {rare['expected_cost_jit']:,.2f}/yr vs JIC {rare['expected_cost_jic']:,.2f}/yr" in rare["reason"]
    popular = out.loc["POPULAR"]
    assert f"buffer {np.ceil(popular['safety_stock']):,.0f} units for 95% cycle service" in popular["reason"]
    assert f"ties up {popular['capital_tied_up']:,.2f}" in popular["reason"]
    assert (
        f"JIC {popular['expected_cost_jic']:,.2f}/yr vs JIT {popular['expected_cost_jit']:,.2f}/yr" in popular["reason"]
    )
    # the class rule would buffer the near one only if C were buffered; cost buffers it and says so
    assert "the class rule alone would order it JIT" in out.loc["NEAR", "reason"]


def test_a_line_that_rides_on_the_suppliers_order_costs_a_line():
    # two items of one supplier ordered every week: each makes the other's order line cheap
    assert supplier_busy(np.array([0, 0, 1]), np.array([1.0, 0.5, 1.0])).round(6).tolist() == [0.5, 1.0, 0.0]
    items = ITEMS.assign(supplier=["S", "S", "T"])
    alone = recommend(CLASSES, FORECAST, ITEMS, None, P).set_index("sku")
    shared = recommend(CLASSES, FORECAST, items, None, P).set_index("sku")
    assert alone.loc["RARE", "order_line_cost"] == 21.0
    # POPULAR orders about every 6 weeks (EOQ), so RARE's lines mostly pay for their own order
    busy = 1 - (1 - 0) * (1 - min(1.0, 50 / shared.loc["POPULAR", "order_qty"]))
    assert shared.loc["RARE", "order_line_cost"] < alone.loc["RARE", "order_line_cost"]
    assert shared.loc["RARE", "order_line_cost"] == pytest.approx(1.0 + 20.0 * (1 - busy), rel=0.05)


def _catalogue(n=300, seed=3):
    rng = np.random.default_rng(seed)
    skus = [f"S{i:03d}" for i in range(n)]
    mean = rng.gamma(0.8, 20, n)
    classes = pd.DataFrame(
        {
            "sku": skus,
            "abc": rng.choice(["A", "B", "C"], n, p=[0.2, 0.3, 0.5]),
            "xyz": "Y",
            "pattern": "erratic",
            "abc_basis": "hits",
            "cv": 0.8,
            "adi": rng.uniform(1, 4, n),
        }
    )
    forecast = pd.DataFrame({"sku": skus, "model": "SES", "mean": mean, "sigma": mean * rng.uniform(0.3, 1.2, n)})
    items = pd.DataFrame(
        {
            "sku": skus,
            "description": "x",
            "unit_cost": rng.lognormal(1, 1, n),
            "supplier": None,
            "lead_time_days": rng.choice([7.0, 14.0, 28.0], n),
            "lead_time_std_days": 2.0,
            "moq": 1.0,
            "pack_size": 1.0,
            "avg_price": np.nan,
        }
    )
    return classes, forecast, items


def test_stock_budget_is_met_within_one_percent():
    classes, forecast, items = _catalogue()
    free = recommend(classes, forecast, items, None, P)
    for share in (0.6, 0.8, 1.2):
        budget = share * free["capital_tied_up"].sum()
        out = recommend(classes, forecast, items, None, replace(P, stock_budget=budget))
        assert out["capital_tied_up"].sum() == pytest.approx(budget, rel=0.01), share
        assert out["capital_tied_up"].sum() <= budget * 1.0001
        levels = out["service_level"].dropna()
        assert levels.nunique() > 10  # per item, not one level for all
    # a tighter budget buys less service: expected units short rise
    tight = recommend(classes, forecast, items, None, replace(P, stock_budget=0.6 * free["capital_tied_up"].sum()))
    loose = recommend(classes, forecast, items, None, replace(P, stock_budget=1.2 * free["capital_tied_up"].sum()))
    assert tight["expected_units_short"].sum() > loose["expected_units_short"].sum()


def test_fill_target_is_reached():
    classes, forecast, items = _catalogue()
    annual = forecast["mean"].sum() * 365 / 7
    for target in (0.9, 0.97):
        out = recommend(classes, forecast, items, None, replace(P, fill_target=target))
        expected_fill = 1 - out["expected_units_short"].sum() / annual
        assert target <= expected_fill <= target + 0.005


def test_class_floor_keeps_levels_at_or_above_the_class():
    classes, forecast, items = _catalogue()
    free = recommend(classes, forecast, items, None, P)
    out = recommend(
        classes, forecast, items, None, replace(P, stock_budget=0.5 * free["capital_tied_up"].sum(), class_floor=True)
    )
    jic = out[out["policy"] == "JIC"]
    floor = jic["abc"].map(P.service_level)
    assert (jic["service_level"] >= floor - 1e-9).all()


def test_an_item_with_a_year_of_history_is_priced_by_replaying_both_choices():
    # a lumpy part sold in packs of 50: one request of 40 every ten weeks
    weeks = pd.date_range("2011-01-03", periods=60, freq="7D").date
    qty = [40.0 if w % 10 == 0 else 0.0 for w in range(60)]
    history = pd.DataFrame({"sku": "LUMP", "period_start": weeks, "qty": qty})
    classes = pd.DataFrame(
        {
            "sku": ["LUMP"],
            "abc": ["C"],
            "xyz": ["Z"],
            "pattern": ["lumpy"],
            "abc_basis": "hits",
            "cv": [3.0],
            "adi": [10.0],
            "order_lines": [6.0],
            "periods": [52],
        }
    )
    forecast = pd.DataFrame({"sku": ["LUMP"], "model": "SBA", "mean": [4.0], "sigma": [12.0]})
    items = pd.DataFrame(
        {
            "sku": ["LUMP"],
            "unit_cost": [10.0],
            "lead_time_days": [14.0],
            "lead_time_std_days": [0.0],
            "moq": [1.0],
            "pack_size": [50.0],
            "avg_price": [15.0],
        }
    )
    by_formula = recommend(classes, forecast, items, None, P).iloc[0]
    replayed = recommend(classes, forecast, items, None, P, history=history).iloc[0]
    assert by_formula["costs_from"] == "formulas" and replayed["costs_from"] == "replay"
    assert "(both replayed on its last 52 weeks)" in replayed["reason"]
    assert replayed["expected_cost_jic"] != pytest.approx(by_formula["expected_cost_jic"])
    # the replay charges what the week-by-week simulation of each plan on that history charges
    from jitjic.policy.simulate import Plan, ReplayItems, replay

    rows = 52
    data = np.array([qty[-rows:]])
    # C: half wait (0.5% of the price a day), half lost (the margin)
    items_r = ReplayItems.simple(
        1,
        lead_days=14.0,
        unit_cost=10.0,
        lost_margin=15 - 10,
        waiting_cost=0.005 * 15,
        backorder_share=0.5,
        holding_rate=0.45,
        order_cost=replayed["order_line_cost"],
        pack=50.0,
    )
    jit = Plan(np.array([False]), np.array([12.0]), np.array([12.0]), np.array([50.0]))
    out = replay(data, [jit], items_r, start_on_hand=np.array([12.0]))
    years = rows * 7 / 365
    expected = (out["holding_cost"] + out["ordering_cost"] + out["shortage_cost"])[0] / years
    assert replayed["expected_cost_jit"] == pytest.approx(expected, rel=1e-9)
    # short history: the formulas
    short = recommend(classes, forecast, items, None, P, history=history.iloc[:30]).iloc[0]
    assert short["costs_from"] == "formulas"


def test_nobody_waits_longer_than_the_class_tolerates_and_a_stopped_machine_is_priced():
    # the pump again, its customers willing to wait (90%), from a supplier 14 days or a year away
    slow = ITEMS.assign(lead_time_days=[14.0, 365.0, 14.0])
    near, far = (recommend(CLASSES, FORECAST, items, None, P).set_index("sku").loc["RARE"] for items in (ITEMS, slow))
    assert near["backorder_share"] == 0.9 and far["backorder_share"] == 0.0  # 365 + 7 days > C's 28
    # a year away, every unit short is lost (its margin), not waited for: ordering to demand costs
    # several times more, level with a buffer (JIT stays only where it is still no dearer)
    assert near["policy"] == "JIT" and far["expected_cost_jit"] > 3 * near["expected_cost_jit"]
    assert far["policy"] == "JIC" or far["expected_cost_jit"] <= far["expected_cost_jic"]
    # a customer of class C tolerating a year (the setting) waits again, and pays for every day
    patient = recommend(CLASSES, FORECAST, slow, None, replace(P, max_wait_days={"A": 7, "B": 14, "C": 400})).set_index(
        "sku"
    )
    assert patient.loc["RARE", "backorder_share"] == 0.9
    # a shortage cost per unit (a stopped machine) makes every unit short dearer, JIT's most
    dear = recommend(CLASSES, FORECAST, ITEMS, None, replace(P, shortage_cost={"A": 0, "B": 0, "C": 5000})).set_index(
        "sku"
    )
    assert dear.loc["RARE", "expected_cost_jit"] > near["expected_cost_jit"] + 1000
    assert dear.loc["RARE", "policy"] == "JIC"


def test_at_equal_stock_the_fill_allocation_serves_more_than_one_uniform_target():
    classes, forecast, items = _catalogue()
    annual = forecast["mean"].sum() * 365 / 7
    every = replace(P, decide_by="class", jic_classes=("A", "B", "C"), service_level={"A": 0.8, "B": 0.8, "C": 0.8})
    uniform = recommend(classes, forecast, items, None, every)
    budget = uniform["capital_tied_up"].sum()
    fill = {}
    for by in ("cost", "fill"):
        out = recommend(classes, forecast, items, None, replace(every, stock_budget=budget, allocate_by=by))
        assert out["capital_tied_up"].sum() == pytest.approx(budget, rel=0.01), by
        fill[by] = 1 - out["expected_units_short"].sum() / annual
    fill["uniform"] = 1 - uniform["expected_units_short"].sum() / annual
    # the same money placed where a unit of stock saves the most units short
    assert fill["fill"] > fill["uniform"] + 0.005 and fill["fill"] >= fill["cost"]


def test_departing_from_the_class_choice_needs_clear_evidence():
    # NEAR is C (the class rule: JIT) and a buffer is cheaper by less than 10%
    plain = recommend(CLASSES, FORECAST, ITEMS, None, P).set_index("sku")
    assert plain.loc["NEAR", "policy"] == "JIC"
    leaning = recommend(CLASSES, FORECAST, ITEMS, None, replace(P, class_margin=0.25)).set_index("sku")
    assert leaning.loc["NEAR", "policy"] == "JIT"
    # a clear case departs all the same: the popular item stays JIC, the rare pump JIT
    assert leaning.loc["POPULAR", "policy"] == "JIC" and leaning.loc["RARE", "policy"] == "JIT"
