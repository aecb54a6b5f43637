"""Inventory formulas against worked examples, and the JIT/JIC rule with its reasons."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import (
    PolicyParams,
    eoq,
    lead_time_sigma,
    recommend,
    round_order_qty,
    safety_stock,
)

from tests.factories import policy_inputs

# the popular-vs-rare rule alone at the class targets (the cost comparison and per-item targets off)
RULE = PolicyParams(decide_by="class", targets="class")


def test_safety_stock_with_lead_time_variability():
    # d = 100/period, σd = 20, L = 4 ± 1 periods: σ = sqrt(4·20² + 100²·1²) = sqrt(11600)
    sigma = lead_time_sigma(100, 20, 4, 1)
    assert sigma == pytest.approx(107.703, abs=1e-3)
    assert safety_stock(0.95, sigma) == pytest.approx(1.644854 * 107.703, rel=1e-5)
    # fixed lead time: the classic z·σ·sqrt(L)
    assert safety_stock(0.9, lead_time_sigma(50, 10, 9, 0)) == pytest.approx(1.281552 * 30, rel=1e-5)


def test_eoq_and_rounding():
    assert eoq(1000, 10, 0.5) == pytest.approx(200.0)
    assert eoq(0, 10, 0.5) == 0.0
    np.testing.assert_allclose(round_order_qty([7, 0, 25, 12], [10, 1, 1, 1], [6, 1, 12, 12]), [12, 0, 36, 12])


def test_popular_gets_a_buffer_rare_goes_jit():
    out = recommend(*policy_inputs(), RULE).set_index("sku")
    pop, rare, dead = out.loc["POP"], out.loc["RARE"], out.loc["DEAD"]
    assert pop["policy"] == "JIC" and rare["policy"] == "JIT" and dead["policy"] == "JIT"
    # weekly periods, weekly review: protection = L + R = 4 + 1 weeks, supplier ± 1 week, 95% cycle service
    expected_ss = 1.644854 * np.sqrt(5 * 20**2 + 100**2 * 1)
    assert pop["safety_stock"] == pytest.approx(expected_ss, rel=1e-5)
    assert pop["reorder_point"] == pytest.approx(500 + expected_ss, rel=1e-5)
    assert pop["protection_days"] == 35 and pop["lead_time_demand"] == 400
    annual = 100 * 365 / 7
    # EOQ on the cost of a line (25.00 order + 1.00 line: the supplier has no other orders) and the
    # carrying cost (holding 25% + obsolescence 5% for an A item)
    q = np.ceil(np.sqrt(2 * annual * 26 / (2.0 * 0.30)) / 10) * 10
    assert pop["order_qty"] == q
    assert pop["capital_tied_up"] == pytest.approx((expected_ss + q / 2) * 2.0, rel=1e-5)
    assert rare["safety_stock"] == 0 and dead["safety_stock"] == 0


def test_reorder_now_and_quantities():
    out = recommend(*policy_inputs(), RULE).set_index("sku")
    pop = out.loc["POP"]
    # position 400 <= reorder point ~680: order at least an EOQ, in whole packs
    assert pop["inventory_position"] == 400 and bool(pop["reorder_now"])
    assert pop["reorder_qty"] >= pop["order_qty"] and pop["reorder_qty"] % 10 == 0
    assert pop["reorder_value"] == pytest.approx(pop["reorder_qty"] * 2.0)
    rare = out.loc["RARE"]
    # JIT: up to forecast over lead time + review (0.5 x (2 + 1) = 1.5), short 1.5 >= 1 unit
    assert bool(rare["reorder_now"]) and rare["reorder_qty"] == 2
    dead = out.loc["DEAD"]
    assert not dead["reorder_now"] and "no stock count" in dead["assumed"]


def test_reasons_and_assumptions_in_plain_words():
    out = recommend(*policy_inputs(), RULE).set_index("sku")
    assert out.loc["POP", "reason"].startswith(
        "A-item (top 80% of value), steady demand (CV 0.4), supplier 28±7 days -> JIC: buffer "
    )
    assert "for 95% cycle service, ties up" in out.loc["POP", "reason"]
    # both choices' yearly cost, the numbers the choice rests on
    pop = out.loc["POP"]
    assert f"JIC {pop['expected_cost_jic']:,.2f}/yr vs JIT {pop['expected_cost_jit']:,.2f}/yr" in pop["reason"]
    classes, *rest = policy_inputs()
    by_hits = recommend(classes.assign(abc_basis="hits"), *rest, RULE).set_index("sku")
    assert by_hits.loc["POP", "reason"].startswith("A-item (top 80% of order lines), steady demand")
    assert "JIT: order to demand" in out.loc["RARE", "reason"]
    assert "JIT: popular by history but no demand forecast" in out.loc["DEAD", "reason"]
    assumed = out.loc["RARE", "assumed"]
    assert "unit cost = 60% of price" in assumed and "lead time 14 d" in assumed
    assert "order cost 25.00" in assumed and "holding 25%/yr" in assumed
    # the class rule sends RARE JIT against its cost: the reason says what a buffer would cost
    rare = out.loc["RARE"]
    assert (
        "a buffer would hold" in rare["reason"] and f"JIT {rare['expected_cost_jit']:,.2f}/yr vs JIC" in rare["reason"]
    )
    assert out.loc["RARE", "unit_cost"] == pytest.approx(6.0)
    # C item with erratic demand but a reliable default supplier (14 ± 3 days): no JIT risk flagged
    assert out.loc["RARE", "risk_flag"] is None
    assert pd.isna(out.loc["POP", "assumed"])


def test_unreliable_supplier_is_flagged_for_jit():
    classes, forecast, items, stock = policy_inputs()
    items.loc[items["sku"] == "RARE", ["lead_time_days", "lead_time_std_days"]] = [42.0, 14.0]
    out = recommend(classes, forecast, items, stock, RULE).set_index("sku")
    assert out.loc["RARE", "risk_flag"] == "JIT risk: unreliable supplier and erratic demand"


def test_jic_classes_configurable():
    out = recommend(*policy_inputs(), replace(RULE, jic_classes=("A", "B", "C"))).set_index("sku")
    assert out.loc["RARE", "policy"] == "JIC"
    assert out.loc["RARE", "service_level"] == 0.85


def test_per_item_order_cost_and_holding_rate():
    classes, forecast, items, stock = policy_inputs()
    items.loc[items["sku"] == "POP", ["order_cost", "holding_rate"]] = [100.0, 0.5]
    pop = recommend(classes, forecast, items, stock, RULE).set_index("sku").loc["POP"]
    # EOQ sqrt(2 x 5214.3 x (100 + 1) / (2.00 x (0.5 + 0.05))) = 978.6 -> 980 in packs of 10
    annual = 100 * 365 / 7
    assert pop["order_qty"] == np.ceil(np.sqrt(2 * annual * 101 / (2.0 * 0.55)) / 10) * 10 == 980
    assert pop["order_cost"] == 100 and pop["holding_rate"] == 0.5 and pop["order_line_cost"] == 101
    assert pop["ordering_cost_year"] == pytest.approx(annual / 980 * 101)
    assert pop["holding_cost_year"] == pytest.approx(pop["capital_tied_up"] * 0.5)
    assert pop["obsolescence_cost_year"] == pytest.approx(pop["capital_tied_up"] * 0.05)
    assert pd.isna(pop["assumed"])


def test_on_time_rate_stands_in_for_a_missing_spread():
    classes, forecast, items, stock = policy_inputs()
    items.loc[items["sku"] == "POP", ["lead_time_std_days", "on_time_rate"]] = [np.nan, 0.8]
    items.loc[items["sku"] == "RARE", "on_time_rate"] = 0.5
    items.loc[items["sku"] == "DEAD", "on_time_rate"] = 0.1  # its spread is known: the rate is not used
    out = recommend(classes, forecast, items, stock, RULE).set_index("sku")
    pop = out.loc["POP"]
    # 80% on time, late ones 7 days late: mean 28 + 0.2 x 7 = 29.4 d, spread 7 x sqrt(0.8 x 0.2) = 2.8 d
    assert pop["lead_time_days"] == pytest.approx(29.4) and pop["lead_time_std_days"] == pytest.approx(2.8)
    assert "supplier 29.4±2.8 days -> JIC" in pop["reason"]
    assert pop["assumed"] == "lead time and spread from 80% on time (late ones 7 d late)"
    # protection 4.2 + 1 weeks of review
    expected_ss = 1.644854 * np.sqrt(5.2 * 20**2 + 100**2 * 0.4**2)
    assert pop["safety_stock"] == pytest.approx(expected_ss, rel=1e-5)
    # no lead time either: the default 14 d, then the rate: 14 + 3.5 = 17.5 ± 3.5 d
    rare = out.loc["RARE"]
    assert rare["lead_time_days"] == pytest.approx(17.5) and rare["lead_time_std_days"] == pytest.approx(3.5)
    assert "lead time 14 d" in rare["assumed"] and "from 50% on time" in rare["assumed"]
    assert "lead-time spread" not in rare["assumed"]
    assert out.loc["DEAD", "lead_time_days"] == 7 and out.loc["DEAD", "lead_time_std_days"] == 1


def test_the_item_master_can_set_policy_and_target():
    classes, forecast, items, stock = policy_inputs()
    classes["lifecycle"] = ["active", "active", "dead"]
    items["policy_override"] = ["JIT", "JIC", "JIC"]
    items["target_service_level"] = [np.nan, 0.975, np.nan]
    out = recommend(classes, forecast, items, stock, RULE).set_index("sku")
    pop, rare, dead = out.loc["POP"], out.loc["RARE"], out.loc["DEAD"]
    assert pop["policy"] == "JIT" and pop["safety_stock"] == 0 and pop["decided_by"] == "item master"
    assert "-> JIT: order to demand, no buffer (set in the item master, overriding the rule);" in pop["reason"]
    # a C item buffered at its own target over 2 + 1 weeks: z(0.975) x sqrt(3 x 1² + 0.5² x (3/7)²),
    # the default 14 ± 3 days
    assert rare["policy"] == "JIC" and rare["service_level"] == 0.975
    assert rare["safety_stock"] == pytest.approx(1.959964 * np.sqrt(3 * 1.0 + 0.25 * (3 / 7) ** 2), rel=1e-5)
    assert (
        "for 97.5% cycle service" in rare["reason"]
        and "(set in the item master, overriding the rule)" in rare["reason"]
    )
    assert dead["policy"] == "JIC" and "phase out" not in dead["reason"]  # the planner knows it sells again
    # the simulator's everywhere-baselines ignore the policy, not the target
    baseline = recommend(classes, forecast, items, stock, replace(RULE, item_policies=False)).set_index("sku")
    assert list(baseline["policy"]) == ["JIC", "JIT", "PHASE_OUT"] and (baseline["decided_by"] != "item master").all()
    same = items.assign(policy_override=["JIC", None, None], target_service_level=np.nan)
    kept = recommend(classes, forecast, same, stock, RULE).set_index("sku").loc["POP"]
    assert kept["policy"] == "JIC" and "(set in the item master);" in kept["reason"]


def test_order_quantity_capped_at_a_year_of_demand():
    # no obsolescence and no line cost, so EOQ is the textbook one
    every = replace(RULE, jic_classes=("A", "B", "C"), obsolescence_rate={"A": 0, "B": 0, "C": 0}, order_line_cost=0)
    out = recommend(*policy_inputs(), every).set_index("sku")
    # RARE: 0.5/week at 6.00 (60% of price): EOQ sqrt(2 x 26.07 x 25 / 1.5) = 29.5 units, 59 weeks;
    # the cap is 365 days = 26.07 units, rounded up to 27
    rare, pop = out.loc["RARE"], out.loc["POP"]
    assert rare["order_qty"] == 27 and rare["orders_per_year"] == pytest.approx(0.5 * 365 / 7 / 27)
    assert ", orders capped at 365 days of demand;" in rare["reason"]
    assert "capped" not in pop["reason"]  # 7 weeks of EOQ: untouched
    uncapped = recommend(*policy_inputs(), replace(every, max_order_cover_days=None)).set_index("sku")
    assert uncapped.loc["RARE", "order_qty"] == 30 and "capped" not in uncapped.loc["RARE", "reason"]
    assert uncapped.loc["POP", "order_qty"] == pop["order_qty"]
    # never below one review period's demand
    tight = recommend(*policy_inputs(), replace(every, max_order_cover_days=1.0)).set_index("sku")
    assert tight.loc["POP", "order_qty"] == 100 and tight.loc["RARE", "order_qty"] == 1


def test_dead_items_phase_out_and_new_items_go_jit():
    classes, forecast, items, stock = policy_inputs()
    classes["lifecycle"] = ["new", "dead", "active"]
    classes["periods_since_first"] = [5, 40, 40]
    classes["periods_since_demand"] = [0, 20, 1]
    out = recommend(classes, forecast, items, stock, replace(RULE, new_item_policy="JIT")).set_index("sku")
    assert out.loc["POP", "policy"] == "JIT" and out.loc["POP", "safety_stock"] == 0
    assert out.loc["POP", "reason"].startswith("new item (5 periods of history) -> JIT")
    rare = out.loc["RARE"]
    assert rare["policy"] == "PHASE_OUT" and not rare["reorder_now"] and rare["reorder_qty"] == 0
    assert rare["capital_tied_up"] == 0 and "no demand in the last 20 periods -> phase out" in rare["reason"]
    jic_new = recommend(classes, forecast, items, stock, replace(RULE, new_item_policy="JIC")).set_index("sku")
    assert jic_new.loc["POP", "policy"] == "JIC"
    # by default a new item is decided like any other: the popular new POP is buffered
    ruled = recommend(classes, forecast, items, stock, RULE).set_index("sku")
    assert ruled.loc["POP", "policy"] == "JIC" and ruled.loc["POP", "decided_by"] == "class"
