"""ABC, XYZ and demand patterns: hand-worked cases and invariants."""

import numpy as np
import pandas as pd
import pytest
from jitjic.classification import abc_classes, classify_skus, demand_pattern, xyz_classes
from jitjic.classification.xyz import coefficient_of_variation


def test_ten_item_abc_by_hand():
    amounts = pd.Series([5, 500, 60, 200, 50, 100, 40, 20, 15, 10], index=list("jadbecfghi"), dtype=float)
    out = abc_classes(amounts, (0.8, 0.95)).set_index("sku")
    # shares .5 .2 .1 | .06 .05 .04 | .02 .015 .01 .005 ; cumulative before: 0 .5 .7 | .8 .86 .91 | .95 ...
    assert "".join(out.loc[list("abcdefghij"), "abc"]) == "AAABBBCCCC"
    assert out.loc["c", "cum_share"] == pytest.approx(0.8)


def test_abc_ties_broken_by_sku_and_zero_is_c():
    out = abc_classes(pd.Series([10.0, 10.0, 0.0], index=["z", "y", "x"]), (0.5, 0.9))
    assert out["sku"].tolist() == ["y", "z", "x"]
    assert out["abc"].tolist() == ["A", "B", "C"]
    with pytest.raises(ValueError, match="non-negative"):
        abc_classes(pd.Series([-1.0], index=["a"]))


def test_top_item_is_a_even_above_the_cut():
    out = abc_classes(pd.Series([90.0, 6.0, 4.0], index=["a", "b", "c"]), (0.8, 0.95))
    assert out["abc"].tolist() == ["A", "B", "C"]
    # an item starting exactly at the B cut-off is C
    out = abc_classes(pd.Series([95.0, 3.0, 2.0], index=["a", "b", "c"]), (0.8, 0.95))
    assert out["abc"].tolist() == ["A", "C", "C"]


def test_xyz_and_cv():
    y = np.array([[10, 10, 10, 10], [5, 15, 5, 15], [0, 0, 0, 40], [0, 0, 0, 0.0]])
    cv = coefficient_of_variation(y)
    assert cv[0] == 0 and cv[1] == pytest.approx(0.5) and cv[2] == pytest.approx(np.sqrt(3))
    assert np.isnan(cv[3])
    assert xyz_classes(cv, (0.5, 1.0)).tolist() == ["X", "Y", "Z", "Z"]


@pytest.mark.parametrize(
    ("adi", "cv2", "pattern"),
    [
        (1.31, 0.48, "smooth"),
        (1.31, 0.50, "erratic"),
        (1.33, 0.48, "intermittent"),
        (1.33, 0.50, "lumpy"),
        (np.inf, np.nan, "none"),
    ],
)
def test_pattern_each_side_of_the_cut_offs(adi, cv2, pattern):
    assert demand_pattern(np.array([adi]), np.array([cv2]))[0] == pattern


def _demand(seed=3, n=40, weeks=60):
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2010-01-04", periods=weeks, freq="7D").date
    rows = []
    for i in range(n):
        rate = rng.choice([0.2, 2, 20])
        for p in periods:
            q = float(rng.poisson(rate))
            rows.append((f"S{i:02d}", p, q, int(q > 0), q * (1 + i % 5)))
    return pd.DataFrame(rows, columns=["sku", "period_start", "qty", "order_lines", "revenue"])


def test_classify_window_value_and_order_invariance():
    demand = _demand()
    out = classify_skus(demand, window_periods=52, abc_basis="value")
    assert (out["periods"] == 52).all()
    shuffled = classify_skus(demand.sample(frac=1, random_state=0), window_periods=52, abc_basis="value")
    pd.testing.assert_frame_equal(out, shuffled)
    recent = demand[demand["period_start"] >= sorted(demand["period_start"].unique())[-52]]
    assert out.set_index("sku")["annual_value"].sum() == pytest.approx(recent["revenue"].sum())


def test_unit_cost_replaces_price_where_known():
    demand = _demand(n=5)
    cost = pd.Series({"S00": 0.01})
    out = classify_skus(demand, cost, abc_basis="value").set_index("sku")
    assert out.loc["S00", "annual_value"] == pytest.approx(out.loc["S00", "annual_qty"] * 0.01)


def test_scaling_quantities_changes_no_class():
    demand = _demand()
    scaled = demand.assign(qty=demand["qty"] * 12.5, revenue=demand["revenue"] * 12.5)
    cols = ["sku", "abc", "xyz", "pattern"]
    pd.testing.assert_frame_equal(
        classify_skus(demand, abc_basis="value")[cols], classify_skus(scaled, abc_basis="value")[cols]
    )


def test_lifecycle_labels_and_value_source():
    periods = pd.date_range("2011-01-03", periods=30, freq="7D").date
    rows = [("OLD", p, 5.0 if i < 10 else 0.0) for i, p in enumerate(periods)]  # dead for 20 periods
    rows += [("NEW", p, 2.0) for p in periods[-5:]]  # 5 periods of history
    rows += [("LIVE", p, float(i % 3)) for i, p in enumerate(periods)]
    demand = pd.DataFrame(rows, columns=["sku", "period_start", "qty"]).assign(
        order_lines=1, revenue=lambda d: d.qty * 2
    )
    out = classify_skus(demand, pd.Series({"LIVE": 1.0}), new_periods=13, dead_periods=13, abc_basis="value").set_index(
        "sku"
    )
    assert out["lifecycle"].to_dict() == {"LIVE": "active", "NEW": "new", "OLD": "dead"}
    assert out.loc["OLD", "periods_since_demand"] == 20 and out.loc["NEW", "periods_since_first"] == 5
    assert out.loc["LIVE", "value_source"] == "cost" and out.loc["NEW", "value_source"] == "price"
    assert (
        classify_skus(demand, dead_periods=25, abc_basis="value").set_index("sku").loc["OLD", "lifecycle"] == "active"
    )


def test_an_item_near_a_border_keeps_last_runs_class():
    from jitjic.classification import classify_skus

    # ten items by order lines (100 in all); S6 is the first past the A border: 80% of the lines
    # come before it
    lines = [30, 20, 15, 10, 5, 4.9, 5, 4, 3, 3.1]
    periods = pd.date_range("2011-01-03", periods=20, freq="7D").date
    rows = [(f"S{i}", p, 1.0, n / 20, 1.0) for i, n in enumerate(lines) for p in periods]
    demand = pd.DataFrame(rows, columns=["sku", "period_start", "qty", "order_lines", "revenue"])
    fresh = classify_skus(demand, abc_basis="hits").set_index("sku")
    moved = "S6"
    assert fresh.loc[moved, "abc"] == "B" and fresh.loc["S8", "abc"] == "C"
    previous = fresh.reset_index()[["sku", "abc", "xyz"]].assign(abc=lambda f: f["abc"].where(f["sku"] != moved, "A"))
    held = classify_skus(demand, abc_basis="hits", previous=previous).set_index("sku")
    assert held.loc[moved, "abc"] == "A"  # within 2 points of the border: last run's class stays
    loose = classify_skus(demand, abc_basis="hits", previous=previous, abc_hold=0.0).set_index("sku")
    assert loose.loc[moved, "abc"] == "B"
    # a jump across two classes is never held back
    far = previous.assign(abc=lambda f: f["abc"].where(f["sku"] != "S8", "A"))
    assert classify_skus(demand, abc_basis="hits", previous=far).set_index("sku").loc["S8", "abc"] == "C"


def _history(pattern: dict[str, list[int]], periods: int) -> pd.DataFrame:
    """Monthly demand: each SKU sells 1 unit in the listed period numbers, 0 elsewhere."""
    starts = pd.date_range("2015-01-01", periods=periods, freq="MS").date
    rows = [(sku, p, float(i in sold)) for sku, sold in pattern.items() for i, p in enumerate(starts)]
    frame = pd.DataFrame(rows, columns=["sku", "period_start", "qty"])
    return frame.assign(order_lines=(frame["qty"] > 0).astype(int), revenue=frame["qty"])


def test_a_part_that_sells_once_a_year_is_not_dead_after_thirteen_quiet_months():
    # 60 months; YEARLY sold in months 0, 12, 24, 36 and then quiet for 23 months (< 3 years);
    # MONTHLY sold every month until 20 months ago; ONCE sold once, 40 months ago
    demand = _history({"YEARLY": [0, 12, 24, 36], "MONTHLY": list(range(40)), "ONCE": [19]}, 60)
    out = classify_skus(demand, new_periods=6, dead_periods=13).set_index("sku")
    assert out.loc["YEARLY", "periods_since_demand"] == 23 and out.loc["YEARLY", "demand_interval"] == 12
    assert out.loc["YEARLY", "lifecycle"] == "active"  # 23 < 3 x 12
    assert out.loc["MONTHLY", "lifecycle"] == "dead"  # 20 >= max(13, 3 x 1)
    assert out.loc["ONCE", "lifecycle"] == "dead" and np.isnan(out.loc["ONCE", "demand_interval"])  # the floor
    # quiet for 3 years: the yearly part is dead too
    later = classify_skus(_history({"YEARLY": [0, 12, 24]}, 61), new_periods=6).set_index("sku")
    assert later.loc["YEARLY", "periods_since_demand"] == 36 and later.loc["YEARLY", "lifecycle"] == "dead"


def test_the_window_is_a_year_at_the_demands_own_grain():
    # monthly: five years; A sold only in the first three, B only in the last year
    demand = _history({"OLD": list(range(36)), "NEW": list(range(48, 60))}, 60)
    out = classify_skus(demand, new_periods=6).set_index("sku")
    assert out.loc["NEW", "abc"] == "A" and out.loc["OLD", "basis_amount"] == 0  # 12 months, not 52
    assert classify_skus(demand, window_periods=60).set_index("sku").loc["OLD", "basis_amount"] == 36


def _period_totals(prices: bool) -> pd.DataFrame:
    """Weekly totals: every item one line in every week with demand, so hits cannot tell them
    apart; "big" sells 100 a week, "mid" 10, "small" 1 (at 1.0 a unit when ``prices``)."""
    weeks = pd.date_range("2024-01-01", periods=20, freq="W-MON")
    rows = [
        (sku, w, qty, 1, qty * prices) for sku, qty in (("big", 100.0), ("mid", 10.0), ("small", 1.0)) for w in weeks
    ]
    return pd.DataFrame(rows, columns=["sku", "period_start", "qty", "order_lines", "revenue"])


def test_auto_basis_is_hits_for_dated_sales_and_value_or_volume_for_period_totals():
    demand = _period_totals(prices=False)
    sales = classify_skus(demand)  # dated sales: a line is a request
    assert sales["abc_basis"].unique().tolist() == ["hits"]
    # period totals read as requests: equal hits, every item A (the degenerate case)
    assert sales["abc"].tolist() == ["A", "A", "A"]
    # period totals, no cost and no price: volume
    volume = classify_skus(demand, period_totals=True).set_index("sku")
    assert volume["abc_basis"].unique().tolist() == ["volume"]
    assert volume["abc"].to_dict() == {"big": "A", "mid": "B", "small": "C"}
    # a unit cost known: value; it ranks "small" first when its cost outweighs its volume
    cost = pd.Series({"big": 1.0, "mid": 1.0, "small": 1000.0})
    value = classify_skus(demand, cost, period_totals=True).set_index("sku")
    assert value["abc_basis"].unique().tolist() == ["value"]
    assert value["abc"].to_dict() == {"small": "A", "big": "B", "mid": "C"}
    # a selling price in the lines is a value too
    priced = classify_skus(_period_totals(prices=True), period_totals=True)
    assert priced["abc_basis"].unique().tolist() == ["value"]
    # a basis given is the basis used
    assert classify_skus(demand, period_totals=True, abc_basis="hits")["abc_basis"].unique().tolist() == ["hits"]
    with pytest.raises(ValueError, match="auto, value, volume, hits"):
        classify_skus(demand, abc_basis="popularity")
