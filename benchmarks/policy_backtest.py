"""Does the advice pay off, judged by more than the cost it optimises? The policies replayed on
every real catalogue with an honest clock (issue 23).

    python benchmarks/policy_backtest.py [online_retail|manufacturing|oil|pasta ...] [--max-skus N] [--periods N]

For each catalogue (default: all four) the demand goes through the normal order-line and
item-master path (``_full_data``), the last periods are replayed with forecasts refitted and SKUs
classified every period, orders arriving when they truly would, and printed:

- the plain replay per class: JIT everywhere, JIC everywhere at the A level, the class rule and
  jitjic's recommendation (the settings' defaults);
- the cost settings (``replay.judge.COST_SETTINGS``): under each, the recommendation planning
  with those costs, JIT everywhere, JIC everywhere and the class rule each re-tuned to their
  cheapest grid point, and JIC everywhere at the recommendation's stock value;
- the hindsight oracle: per-item options chosen on the replayed span itself at the
  recommendation's stock value, for fill and for cost, and the share of its gain (over uniform
  JIC at equal stock) the recommendation captures;
- the verdict on three uniform random samples of the replayed SKUs (seeds 1, 2, 3);
- the nightly run's plan (``replay.choose_policy``: the cheapest of the recommendation, JIT
  everywhere, JIC everywhere at one level and the class rule's variants on the replay) judged out
  of sample under every cost setting: chosen on the first half, replayed on the second against
  JIC everywhere at its stock and every candidate re-tuned on the second half; the oracle and
  three random samples on the second half;
- the issue-23 targets with PASS / MISS, for both; and a summary over every catalogue.

Choices stated in the output: the review period is one period of the grain (the replay reviews
every period); oil has no lead times and is run at 1 and at 3 months; pasta has no item master
(defaults apply; no prices: a unit price of 1.00) and its promotion flag is not used.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from _full_data import DEFAULT, full_demand, manufacturing, oil, pasta  # noqa: I001 (benchmarks folder on sys.path)
from jitjic.replay import (
    COST_SETTINGS,
    hindsight_oracle,
    jit_beyond_tolerance,
    judge_setting,
    judge_subset,
    recost,
    run_strategy,
    strategy_params,
    subset_rows,
    summarise,
    tuned_out_of_sample,
    unpriced,
)

from jitjic.settings import Settings, load_settings
from jitjic.simulation import prepare, replay_weeks, simulation_params
from jitjic.wiring import PERIOD_DAYS

SUBSET_SKUS, SEEDS = 1000, (1, 2, 3)


@dataclass(frozen=True)
class Bench:
    """One catalogue's run: loader, grain, periods replayed (None: all after the warm-up, at
    most 104), SKUs replayed at most (a class-stratified, weighted sample beyond), the default
    lead time (days) where the data gives none, and what was chosen."""

    name: str
    load: Callable[[Settings], tuple[pd.DataFrame, pd.DataFrame]]
    period: str
    periods: int | None
    max_skus: int
    lead_time_days: float | None = None
    note: str = ""


MONTH = PERIOD_DAYS["month"]
CATALOGUES = {
    "online_retail": [
        Bench(
            "online_retail", lambda s: full_demand(DEFAULT, s), "week", None, 2000, note="all weeks after the warm-up"
        )
    ],
    "manufacturing": [Bench("manufacturing", manufacturing, "week", 52, 100_000, note="last 52 of 150 weeks")],
    "oil": [
        Bench(
            "oil, lead 1 month",
            lambda s: oil(s, 1.0),
            "month",
            36,
            2100,
            MONTH,
            "lead time 1 month (none given), 36 months",
        ),
        Bench(
            "oil, lead 3 months",
            lambda s: oil(s, 3.0),
            "month",
            36,
            2100,
            3 * MONTH,
            "lead time 3 months (none given), 36 months",
        ),
    ],
    "pasta": [Bench("pasta", pasta, "day", 182, 100_000, note="last 182 days; no promotions; default costs")],
}


def bench_settings(b: Bench) -> Settings:
    """The defaults, on ``b``'s grain, reviewing once a period, with its lead time and sample."""
    s = load_settings(None, use_default_file=False)
    policy: dict[str, float] = {}
    if b.lead_time_days is not None:
        policy["default_lead_time_days"] = b.lead_time_days
    return s.model_copy(
        update={
            "demand": s.demand.model_copy(update={"period": b.period}),
            "policy": s.policy.model_copy(update=policy),
            "simulation": s.simulation.model_copy(update={"max_skus": b.max_skus}),
        }
    )


def fmt(v: float) -> str:
    return f"{v:,.3f}"


def _subsets(rp, params, stock_by_level: dict[float, np.ndarray], verdict: tuple[float, float]):
    """``params`` against JIC everywhere at its stock on three random samples of ``rp``'s SKUs:
    the table, the sample size and whether the verdict's signs hold on all three."""
    n = len(rp.ids)
    size = SUBSET_SKUS if n > SUBSET_SKUS else n // 2
    subs = pd.DataFrame(
        [judge_subset(rp, subset_rows(n, size, seed), stock_by_level, params) | {"seed": seed} for seed in SEEDS]
    )
    fill, cost = verdict
    holds = bool(((np.sign(subs["fill_pts"]) == np.sign(fill)) & (np.sign(subs["cost_pct"]) == np.sign(cost))).all())
    return subs, size, holds


def _per_sku_stock(runs) -> dict[float, np.ndarray]:
    """Uniform level -> per-SKU weighted stock value, from runs named "JIC <level>" or
    "JIC everywhere <level>" (to bracket an equal-stock search on a subset)."""
    out = {}
    for name, r in runs.items():
        level = name.removeprefix("JIC everywhere ").removeprefix("JIC ")
        if level[:1].isdigit():
            out[float(r.params.service_level["A"])] = (r.per_sku["avg_stock_value"] * r.per_sku["weight"]).to_numpy()
    return out


def judge_choice(rp, b: Bench) -> dict:
    """The nightly run's plan (``replay.choose_policy``) judged out of sample under every cost
    setting: chosen on the replay's first half under the setting, replayed on the second half
    against JIC everywhere at its stock and the candidates re-tuned on the second half itself;
    at the default costs also the hindsight oracle on the second half and three random samples."""
    verdicts, vs_best, tables = {}, {}, []
    default = None
    for setting in COST_SETTINGS:
        out = tuned_out_of_sample(recost(rp, setting))
        rows = list(out["rows"].values())
        chosen, rec, eq, best = rows
        verdicts[setting.name] = (
            100 * (chosen["fill_rate"] - eq["fill_rate"]),
            100 * (chosen["total_cost"] / eq["total_cost"] - 1),
        )
        vs_best[setting.name] = 100 * (chosen["total_cost"] / best["total_cost"] - 1)
        tables.append(
            {
                "setting": setting.name,
                "chosen on the first half": out["chosen"],
                "JIC at its stock": f"{out['level']:.1%}",
                "fill pts": verdicts[setting.name][0],
                "cost %": verdicts[setting.name][1],
                "vs recommended %": 100 * (chosen["total_cost"] / rec["total_cost"] - 1),
                "cheapest on the second half": out["best"],
                "vs it %": vs_best[setting.name],
            }
        )
        if setting.name == "default":
            default = out
    first, second = default["periods"]
    print(
        f"\nthe nightly run's plan: the policy its replay chooses (replay.choose_policy), chosen on the first "
        f"{first} {b.period}s under each setting and judged on the last {second} it never saw (per year):"
    )
    with pd.option_context("display.width", 250, "display.max_columns", 20, "display.max_colwidth", 40):
        print(pd.DataFrame(tables).to_string(index=False, float_format=lambda v: f"{v:+.2f}"))
    show = ["policy", "avg_stock_value", "fill_rate", "cycle_service_a", "total_cost"]
    detail = pd.DataFrame([row | {"policy": name} for name, row in default["rows"].items()])
    with pd.option_context("display.width", 220, "display.max_columns", 20, "display.max_colwidth", 70):
        print("  default costs:\n" + detail[show].to_string(index=False, float_format=fmt))

    # the ceiling on the second half: per-item options at the chosen policy's stock
    sh, later = default["second"], default["later"]
    runs = {n: r for n, r in later.runs.items() if not n.startswith("class rule")}
    chosen, _, eq, _ = list(default["rows"].values())
    oracle = hindsight_oracle(sh, runs, chosen["avg_stock_value"])
    captured = {}
    for objective, metric in (("fill", "fill_rate"), ("cost", "total_cost")):
        real = oracle[objective]["replayed"]
        gain = real[metric] - eq[metric]
        captured[objective] = (chosen[metric] - eq[metric]) / gain if abs(gain) > 1e-12 else np.nan
        print(
            f"  oracle for {objective} on the second half (each SKU's option among {len(runs)}, stock at most "
            f"{chosen['avg_stock_value']:,.0f}): {metric} {real[metric]:,.4f} against JIC everywhere at equal "
            f"stock {eq[metric]:,.4f} and the chosen {chosen[metric]:,.4f}: share captured {captured[objective]:.2f}"
        )
    params = default["params"]
    subs, size, holds = _subsets(sh, params, _per_sku_stock(later.runs), verdicts["default"])
    print(
        f"  three random samples of {size:,} SKUs (second half, default costs; chosen vs JIC everywhere at its "
        f"stock): fill {', '.join(f'{v:+.2f}' for v in subs['fill_pts'])} pts, cost "
        f"{', '.join(f'{v:+.1f}' for v in subs['cost_pct'])}%: the verdict {'holds' if holds else 'flips'}"
    )
    return {"verdicts": verdicts, "vs best": vs_best, "captured": captured, "holds": holds}


def run(b: Bench) -> dict:
    settings = bench_settings(b)
    demand, items = b.load(settings)
    sp = simulation_params(settings)
    periods = b.periods or replay_weeks(demand, sp)
    t0 = time.perf_counter()
    rp = prepare(demand, items, sp, periods, demand.attrs.get("grain", "line"))
    fitted = time.perf_counter() - t0
    params = rp.params
    print(
        f"\n=== {b.name}: {demand['sku'].nunique():,} SKUs, {rp.skus_total:,} known at the start, "
        f"{len(rp.ids):,} replayed{' (class-stratified sample, weighted)' if len(rp.ids) < rp.skus_total else ''}; "
        f"last {periods} {b.period}s replayed; review {params.review_days:g} d, default lead time "
        f"{params.default_lead_time_days:g} d; {b.note} (forecasts fitted in {fitted:.0f} s) ==="
    )
    per_sku = pd.concat(
        [run_strategy(rp, unpriced(p), name=name) for name, p in strategy_params(params).items()], ignore_index=True
    )
    plain = summarise(per_sku, periods, params.period_days)
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
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(plain[cols].sort_values(["abc", "strategy"]).to_string(index=False, float_format=fmt))

    # every cost setting, the baselines re-tuned under each
    rows, default_runs = [], {}
    for setting in COST_SETTINGS:
        got, runs = judge_setting(rp, setting)
        rows += got
        if setting.name == "default":
            default_runs = runs
    table = pd.DataFrame(rows)
    print(
        "\ncost settings (per year; order cost and holding rate scale every item's own figure by setting / default,"
        " shortage x3 = lost margin and waiting cost x3):"
    )
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(table.to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    by = table.set_index(["setting", "policy"])
    verdicts, best = {}, {}
    baselines = ["JIT everywhere", "JIC everywhere re-tuned", "class rule re-tuned"]
    for setting in COST_SETTINGS:
        rec, eq = by.loc[(setting.name, "recommended")], by.loc[(setting.name, "JIC everywhere equal stock")]
        verdicts[setting.name] = (
            100 * (rec["fill_rate"] - eq["fill_rate"]),
            100 * (rec["total_cost"] / eq["total_cost"] - 1),
        )
        cheapest = min(baselines, key=lambda b, s=setting.name: by.loc[(s, b), "total_cost"])
        best[setting.name] = (cheapest, 100 * (rec["total_cost"] / by.loc[(setting.name, cheapest), "total_cost"] - 1))

    # the hindsight oracle: per-item choices among JIT, the grid levels, the equal-stock level and
    # the recommendation's own plan, at the recommendation's stock value (default costs)
    options = {n: r for n, r in default_runs.items() if not n.startswith("class rule")}
    budget = default_runs["recommended"].total("avg_stock_value")
    oracle = hindsight_oracle(rp, options, budget)
    rec, eq = by.loc[("default", "recommended")], by.loc[("default", "JIC everywhere equal stock")]
    print(
        f"\nhindsight oracle (default costs; each SKU's option among {len(options)}: JIT, JIC at "
        f"{', '.join(n.removeprefix('JIC ') for n in options if n.startswith('JIC '))}, JIC at the equal-stock level, "
        f"the recommendation; stock value at most {budget:,.0f}; items independent, then replayed again as one plan):"
    )
    captured = {}
    for objective, metric in (("fill", "fill_rate"), ("cost", "total_cost")):
        o = oracle[objective]
        real = o["replayed"]
        gain = real[metric] - eq[metric]
        share = (rec[metric] - eq[metric]) / gain if abs(gain) > 1e-12 else np.nan
        captured[objective] = share
        print(
            f"  for {objective}: stock {real['avg_stock_value']:,.0f}, fill {real['fill_rate']:.4f}, total cost "
            f"{real['total_cost']:,.0f}/yr (independent estimate: fill {o['independent']['fill_rate']:.4f}, cost "
            f"{o['independent']['total_cost']:,.0f}); uniform JIC at equal stock {eq[metric]:,.4f}, recommendation "
            f"{rec[metric]:,.4f}: oracle gain {gain:+,.4f}, share captured {share:.2f}"
        )
        top = sorted(o["options"].items(), key=lambda kv: -kv[1])[:5]
        print("    options chosen (share of SKUs): " + ", ".join(f"{k} {v:.0%}" for k, v in top))

    # random subsets: uniform over the replayed SKUs
    n = len(rp.ids)
    subs, size, holds = _subsets(rp, None, _per_sku_stock(default_runs), verdicts["default"])
    full_fill, full_cost = verdicts["default"]
    print(
        f"\nrandom subsets ({size:,} of {n:,} replayed SKUs"
        f"{'' if size == SUBSET_SKUS else ': half, too few for 1,000'}, weights kept; "
        "default costs; recommendation vs JIC everywhere at its stock):"
    )
    print(
        subs[
            ["seed", "skus", "level", "fill_rec", "fill_jic", "fill_pts", "cost_rec", "cost_jic", "cost_pct"]
        ].to_string(index=False, float_format=fmt)
    )
    print(
        f"  whole replay: fill {full_fill:+.2f} pts, cost {full_cost:+.1f}%; the verdict (sign of both) "
        f"{'holds' if holds else 'does not hold'} on all three"
    )

    # what the nightly run plans with: the policy its replay chooses, judged on periods it never saw
    choice = judge_choice(rp, b)

    # the targets
    a = plain[(plain["strategy"] == "recommended") & (plain["abc"] == "A")].iloc[0]
    a_gap = 100 * (a["jic_cycle_service_level"] - a["target_cycle_service"])
    beyond = jit_beyond_tolerance(rp, default_runs["recommended"])

    def mark(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    every = all(f >= 1.0 and c <= -3.0 for f, c in verdicts.values())
    print("\nissue-23 targets for the per-item recommendation (in the replayed span):")
    for name, (f, c) in verdicts.items():
        print(
            f"  {name:15s} at equal stock: fill {f:+.2f} pts (>= +1) {mark(f >= 1)}, "
            f"total cost {c:+.1f}% (<= -3%) {mark(c <= -3)}"
        )
    print(f"  every setting: {mark(every)}")
    print(
        "  (beside: total cost vs the cheapest re-tuned baseline: "
        + "; ".join(f"{k} {c:+.1f}% vs {b}" for k, (b, c) in best.items())
        + ")"
    )
    print(
        f"  oracle's gain captured: fill {captured['fill']:.2f}, cost {captured['cost']:.2f} (>= 0.5) "
        f"{mark(captured['fill'] >= 0.5 and captured['cost'] >= 0.5)}"
    )
    a_ok = bool(abs(a_gap) <= 2 and a["cycles_per_item"] >= 4)
    held = (
        f"cycle service {a['jic_cycle_service_level']:.3f} vs target {a['target_cycle_service']:.3f} "
        f"({a_gap:+.1f} pts, within 2)"
        if np.isfinite(a_gap)
        else "no A item buffered throughout the replay (none held to a target)"
    )
    print(f"  A items: {held} over {a['cycles_per_item']:.2f} cycles per item (>= 4) {mark(a_ok)}")
    print(f"  verdict on three random samples: {mark(holds)}")
    print(
        "  JIT items (last replayed period, with demand) whose lead time exceeds the customers' tolerance: "
        + "; ".join(
            f"{cls} {row.beyond:,.0f} of {row.asked:,.0f} (> {row.max_wait_days:g} d)" for cls, row in beyond.iterrows()
        )
        + f" (target 0) {mark(beyond['beyond'].sum() < 0.5)}"
    )
    print("\nissue-23 targets for the nightly run's plan (chosen by replay, judged out of sample):")
    for name, (f, c) in choice["verdicts"].items():
        print(
            f"  {name:15s} at equal stock: fill {f:+.2f} pts (>= +1) {mark(f >= 1)}, "
            f"total cost {c:+.1f}% (<= -3%) {mark(c <= -3)}; vs the cheapest candidate re-tuned on the span "
            f"judged {choice['vs best'][name]:+.1f}%"
        )
    print(f"  every setting: {mark(all(f >= 1.0 and c <= -3.0 for f, c in choice['verdicts'].values()))}")
    cap = choice["captured"]
    print(
        f"  oracle's gain captured: fill {cap['fill']:.2f}, cost {cap['cost']:.2f} (>= 0.5) "
        f"{mark(cap['fill'] >= 0.5 and cap['cost'] >= 0.5)}; verdict on three random samples: {mark(choice['holds'])}"
    )
    seconds = time.perf_counter() - t0
    print(f"  ({b.name}: {seconds:.0f} s after loading)")
    return {
        "catalogue": b.name,
        "skus": len(rp.ids),
        "periods": periods,
        **{f"fill {k}": v[0] for k, v in verdicts.items() if k == "default"},
        **{f"cost {k}": v[1] for k, v in verdicts.items() if k == "default"},
        "cost vs best baseline": best["default"][1],
        "worst fill": min(f for f, _ in verdicts.values()),
        "worst cost": max(c for _, c in verdicts.values()),
        "oracle fill share": captured["fill"],
        "oracle cost share": captured["cost"],
        "A csl gap": a_gap,
        "A cycles": a["cycles_per_item"],
        "subsets hold": holds,
        "JIT beyond tolerance": beyond["beyond"].sum(),
        "chosen fill": choice["verdicts"]["default"][0],
        "chosen cost": choice["verdicts"]["default"][1],
        "chosen worst fill": min(f for f, _ in choice["verdicts"].values()),
        "chosen worst cost": max(c for _, c in choice["verdicts"].values()),
        "chosen vs best": choice["vs best"]["default"],
        "chosen oracle fill": choice["captured"]["fill"],
        "chosen oracle cost": choice["captured"]["cost"],
        "chosen subsets hold": choice["holds"],
        "seconds": seconds,
    }


def main(args: list[str]) -> None:
    """``args``: catalogue names, and for a quick look ``--max-skus N`` / ``--periods N``."""
    names, quick = [], {}
    it = iter(args)
    for arg in it:
        if arg in ("--max-skus", "--periods"):
            quick[arg[2:].replace("-", "_")] = int(next(it))
        else:
            names.append(arg)
    benches = [replace(b, **quick) for name in names or list(CATALOGUES) for b in CATALOGUES[name]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        summary = pd.DataFrame([run(b) for b in benches])
    print(
        "\nsummary (fill: points, cost: percent, against JIC everywhere at equal stock; 'fill'/'cost': the per-item "
        "recommendation on the replayed span; 'chosen': the nightly run's plan, chosen on the first half, judged on "
        "the second):"
    )
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(summary.to_string(index=False, float_format=lambda v: f"{v:+.2f}"))


if __name__ == "__main__":
    main(sys.argv[1:])
