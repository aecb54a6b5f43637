"""Does the advice pay off? The policies replayed on every real catalogue with an honest clock.

    python benchmarks/policy_backtest.py [online_retail|manufacturing ...]

For each catalogue (default: both): the demand goes through the normal order-line and item-master
path (``_full_data``), the last periods after a 20-week warm-up are replayed (at most 104) with
forecasts refitted and SKUs classified every week, orders arriving when they truly would, and
every policy compared: JIT everywhere, JIC everywhere at one target, the class rule (popular
classes JIC at their class targets), and jitjic's recommendation (the settings' defaults: each
item JIC or JIT by expected cost, class targets). Prints the plain replay per class, the
exchange curve with JIC everywhere searched to the recommendation's stock, the supplier-delay
scenario, and the issue-15 targets.
"""

from __future__ import annotations

import sys
import time
import warnings

import pandas as pd
from _full_data import DEFAULT, full_demand, manufacturing  # noqa: I001 (the benchmarks folder is on sys.path)

from jitjic.settings import load_settings
from jitjic.simulation import simulate_demand, simulation_params

CATALOGUES = {"online_retail": lambda s: full_demand(DEFAULT, s), "manufacturing": manufacturing}


def run(name: str) -> dict:
    settings = load_settings(None, use_default_file=False)
    settings = settings.model_copy(update={"simulation": settings.simulation.model_copy(update={"max_skus": 100_000})})
    demand, items = CATALOGUES[name](settings)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sim = simulate_demand(demand, items, simulation_params(settings))
    seconds = time.perf_counter() - t0
    res, curve = sim.results, sim.curve
    print(f"\n=== {name}: {demand['sku'].nunique():,} SKUs, last {sim.weeks} weeks replayed in {seconds:.0f} s ===")
    cols = [
        "strategy",
        "abc",
        "fill_rate",
        "cycle_service_level",
        "target_cycle_service",
        "jic_cycle_service_level",
        "cycles_per_item",
        "switched_items",
        "avg_stock_value",
        "orders",
        "total_cost",
    ]
    plain = res[res["scenario"] == "plain"]
    with pd.option_context("display.width", 220, "display.max_columns", 20):
        print(plain[cols].sort_values(["abc", "strategy"]).to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
        print("\nexchange curve (per year):")
        show = [
            "policy",
            "setting",
            "avg_stock_value",
            "fill_rate",
            "cycle_service_a",
            "orders_per_year",
            "holding_cost",
            "obsolescence_cost",
            "ordering_cost",
            "shortage_cost",
            "total_cost",
        ]
        print(curve[show].to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    rec = curve[curve["policy"] == "recommended"].iloc[0]
    matched = curve[curve["setting"].str.contains("equal stock")].iloc[0]
    rule = curve[curve["policy"] == "class rule"].iloc[0]
    a = plain[(plain["strategy"] == "recommended") & (plain["abc"] == "A")].iloc[0]
    delay = res[(res["scenario"].str.startswith("supplier delay")) & (res["abc"] == "all")].set_index("strategy")
    d_fill = 100 * (rec["fill_rate"] - matched["fill_rate"])
    d_cost = 100 * (rec["total_cost"] / matched["total_cost"] - 1)
    vs_rule = 100 * (rec["total_cost"] / rule["total_cost"] - 1)
    d_delay = 100 * (delay.loc["recommended", "fill_rate"] - delay.loc["JIT everywhere", "fill_rate"])
    print("\ntargets:")
    print(
        f"  at equal stock ({rec['avg_stock_value']:,.0f}; JIC everywhere at {matched['setting']}): fill "
        f"{rec['fill_rate']:.4f} vs {matched['fill_rate']:.4f} ({d_fill:+.2f} pts, target >= 0), total cost "
        f"{rec['total_cost']:,.0f} vs {matched['total_cost']:,.0f} ({d_cost:+.1f}%, target <= 0)"
    )
    print(
        f"  total cost vs the class rule: {rec['total_cost']:,.0f} vs {rule['total_cost']:,.0f} ({vs_rule:+.1f}%, "
        "target <= -10%)"
    )
    print(
        f"  A items: cycle service {a['jic_cycle_service_level']:.3f} vs target {a['target_cycle_service']:.3f} "
        f"({100 * (a['jic_cycle_service_level'] - a['target_cycle_service']):+.1f} pts, target within 2) over "
        f"{a['cycles_per_item']:.2f} cycles per item (target >= 4); {a['switched_items']:,.0f} A items changed "
        "policy during the replay (not held to a target)"
    )
    print(
        f"  supplier delay: fill {delay.loc['recommended', 'fill_rate']:.3f} vs JIT everywhere "
        f"{delay.loc['JIT everywhere', 'fill_rate']:.3f} ({d_delay:+.1f} pts, target >= +10)"
    )
    return {
        "catalogue": name,
        "fill_vs_equal_stock": d_fill,
        "cost_vs_equal_stock": d_cost,
        "cost_vs_rule": vs_rule,
        "a_csl_gap": 100 * (a["jic_cycle_service_level"] - a["target_cycle_service"]),
        "a_cycles": a["cycles_per_item"],
        "delay_gain": d_delay,
    }


def main(names: list[str]) -> None:
    summary = pd.DataFrame([run(n) for n in names])
    print("\nsummary (points / percent):")
    print(summary.to_string(index=False, float_format=lambda v: f"{v:+.2f}"))


if __name__ == "__main__":
    main(sys.argv[1:] or list(CATALOGUES))
