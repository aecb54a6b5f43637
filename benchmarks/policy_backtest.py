"""The three policies replayed over the last 12 weeks of the full Online Retail data.

    python benchmarks/policy_backtest.py [path/to/online_retail.csv.gz]

Default settings: weekly periods, ABC by order lines (hits), A/B -> JIC (A 95%, B 90%, C 85%
cycle service), lead time 14 ± 3 days and unit cost 60% of price (no item master), order cost
25.00, holding 25%/year, lost sales, cost override off. Prints the table and the issue-5 targets.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
from _full_data import DEFAULT, full_demand  # noqa: I001 (the benchmarks folder is on sys.path)

from jitjic.settings import load_settings
from jitjic.simulation import simulate_demand


def main(source: Path) -> None:
    settings = load_settings(None, use_default_file=False)
    demand, items = full_demand(source, settings)
    t0 = time.perf_counter()
    results = simulate_demand(demand, items, settings)
    seconds = time.perf_counter() - t0
    cols = ["scenario", "strategy", "abc", "fill_rate", "cycle_service_level", "period_service_level",
            "avg_stock_value", "orders", "total_cost"]
    print(f"{demand['sku'].nunique():,} SKUs, last {settings.simulation.weeks} weeks replayed in {seconds:.1f} s\n")
    with pd.option_context("display.width", 180):
        print(results[results["abc"].isin(["all", "A"])][cols].to_string(
            index=False, float_format=lambda v: f"{v:,.3f}"))
    key = results.set_index(["scenario", "strategy", "abc"])
    plain, delay = "plain", "supplier delay +1 week for 2 weeks"
    target_a = settings.policy.service_level["A"]
    csl_a = key.loc[(plain, "hybrid", "A"), "cycle_service_level"]
    psl_a = key.loc[(plain, "hybrid", "A"), "period_service_level"]
    fill_h, fill_jic = key.loc[(plain, "hybrid", "all"), "fill_rate"], key.loc[(plain, "JIC everywhere", "all"), "fill_rate"]
    stock_h = key.loc[(plain, "hybrid", "all"), "avg_stock_value"]
    stock_jic = key.loc[(plain, "JIC everywhere", "all"), "avg_stock_value"]
    delay_h, delay_jit = key.loc[(delay, "hybrid", "all"), "fill_rate"], key.loc[(delay, "JIT everywhere", "all"), "fill_rate"]
    print("\ntargets:")
    print(f"  hybrid cycle service level on A items {csl_a:.3f} vs target {target_a:.2f}: "
          f"{100 * (csl_a - target_a):+.1f} points (target within 2); per week with demand {psl_a:.3f}")
    print(f"  hybrid fill rate {fill_h:.3f} vs JIC everywhere {fill_jic:.3f}: {100 * (fill_h - fill_jic):+.1f} points "
          "(target >= -3)")
    print(f"  hybrid stock value {stock_h:,.0f} = {stock_h / stock_jic:.0%} of JIC everywhere (target <= 80%)")
    print(f"  supplier delay: hybrid fill {delay_h:.3f} vs JIT everywhere {delay_jit:.3f}: "
          f"{100 * (delay_h - delay_jit):+.1f} points (target >= +10)")
    # stock on the classes the hybrid buffers is a floor no JIT-side setting can go below
    stock = results[(results["scenario"] == plain) & (results["abc"] != "all")]
    stock = stock.pivot(index="abc", columns="strategy", values="avg_stock_value")
    shares = stock["JIC everywhere"] / stock_jic
    floor = stock.loc[stock.index.isin(settings.policy.jic_classes), "hybrid"].sum() / stock_jic
    print(f"\nJIC everywhere's stock by class: {', '.join(f'{c} {v:.0%}' for c, v in shares.items())}; the "
          f"hybrid's stock on {'+'.join(settings.policy.jic_classes)} alone is {floor:.0%} of JIC everywhere's")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
