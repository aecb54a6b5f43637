"""Plain sentences for the report: what the replay says the advice would have done, and how good
the forecasts were, in words a buyer reads."""

from __future__ import annotations

import pandas as pd

__all__ = ["simulation_sentences", "forecast_quality", "planned_with"]


def planned_with(choice: pd.DataFrame | None) -> tuple[str, pd.Series] | None:
    """The policy a run planned with, in words, and its ``policy_choice`` row (None: the replay
    chose none)."""
    if choice is None or choice.empty or not choice["chosen"].any():
        return None
    c = choice[choice["chosen"].astype(bool)].iloc[0]
    return ("the per-item recommendation" if c["candidate"] == "recommended" else str(c["candidate"])), c


def simulation_sentences(
    simulation: pd.DataFrame | None,
    curve: pd.DataFrame | None = None,
    weeks: int | None = None,
    currency: str = "",
    choice: pd.DataFrame | None = None,
    period: str = "week",
) -> list[str]:
    """Plain sentences from a run's ``simulation_results`` (and ``exchange_curves``) rows: what
    the per-item recommendation would have done against the simple alternatives, at equal stock,
    and under each disruption, and (``choice``: its ``policy_choice`` rows) the policy the run
    planned with; money in ``currency`` (a label such as GBP), time in ``period``s."""
    if simulation is None or simulation.empty:
        return []

    def m(value: float) -> str:
        return f"{currency} {value:,.0f}".strip()

    unit = {"day": "days", "week": "weeks", "month": "months"}.get(period, "periods")
    rows = simulation[simulation["abc"] == "all"].set_index(["scenario", "strategy"])
    weeks = weeks or int(simulation["weeks"].iloc[0])
    out = []
    plain = rows.loc["plain"]
    rec, cls, jit = plain.loc["recommended"], plain.loc["class rule"], plain.loc["JIT everywhere"]
    out.append(
        f"Replayed over the last {weeks} {unit} (orders arriving when they truly would), the per-item recommendation "
        f"would have served {rec['fill_rate']:.1%} of demand from stock, holding {m(rec['avg_stock_value'])} on "
        f"average, for {m(rec['total_cost'])} over the {weeks} {unit} in holding, obsolescence, orders and lost or "
        f"waiting customers. Buffering the popular classes and nothing else: {cls['fill_rate']:.1%} with "
        f"{m(cls['avg_stock_value'])}, {m(cls['total_cost'])}; JIT everywhere: {jit['fill_rate']:.1%} with "
        f"{m(jit['avg_stock_value'])}, {m(jit['total_cost'])}."
    )
    plan = planned_with(choice)
    if plan is not None and choice is not None:
        label, c = plan
        text = (
            f"Tonight's plan uses {label}, chosen by replaying {len(choice)} policies over the same {unit} (the "
            "per-item recommendation, JIT everywhere, JIC everywhere at one target, the class rule's variants), "
            f"per year: {c['reason']}. Replayed, it served {c['fill_rate']:.1%} of demand "
            f"from stock with {m(c['avg_stock_value'])} on average"
            + (f", A items {c['cycle_service_a']:.1%} of their cycles." if pd.notna(c["cycle_service_a"]) else ".")
        )
        below = rec["fill_rate"] - c["fill_rate"]
        if below >= 0.005:
            text += (
                f" That is {100 * below:.1f} points below the per-item recommendation's fill: at these costs the "
                "service given up costs less than the stock it would take. Where a unit short costs more than its "
                "margin (a stopped machine), set shortage_cost or max_wait_days (item master or [policy])."
            )
        out.append(text)
    if curve is not None and not curve.empty:
        matched = curve[curve["setting"].str.contains("equal stock")]
        recommended = curve[curve["policy"] == "recommended"]
        if len(matched) and len(recommended):
            eq, r = matched.iloc[0], recommended.iloc[0]
            level = eq["setting"].split()[0]
            out.append(
                f"At the same stock, JIC everywhere at one target ({level}) would have served {eq['fill_rate']:.1%} "
                f"for {m(eq['total_cost'])} a year against the per-item recommendation's {r['fill_rate']:.1%} for "
                f"{m(r['total_cost'])} a year (the exchange curve below)."
            )
    a = simulation[
        (simulation["scenario"] == "plain") & (simulation["strategy"] == "recommended") & (simulation["abc"] == "A")
    ]
    if len(a) and pd.notna(a["target_cycle_service"].iloc[0]):
        r = a.iloc[0]
        out.append(
            "Under the per-item recommendation, A items reached a cycle service level of "
            f"{r['jic_cycle_service_level']:.1%} against their {r['target_cycle_service']:.1%} target, over "
            f"{r['cycles_per_item']:.1f} replenishment cycles each."
        )
    sampled = simulation.get("skus_replayed")
    if sampled is not None and pd.notna(sampled.iloc[0]) and sampled.iloc[0] < simulation["skus_total"].iloc[0]:
        out[0] += (
            f" Replayed on a sample of {int(sampled.iloc[0]):,} of {int(simulation['skus_total'].iloc[0]):,} SKUs "
            "drawn per ABC class; stock and costs are scaled up to the whole catalogue."
        )
    for scenario in [s for s in rows.index.get_level_values(0).unique() if s != "plain"]:
        r = rows.loc[scenario]
        if scenario.startswith("freight"):
            out.append(
                f"With freight at double cost ({scenario}), the per-item recommendation would cost "
                f"{m(r.loc['recommended', 'total_cost'])} over the {weeks} {unit}, JIT everywhere "
                f"{m(r.loc['JIT everywhere', 'total_cost'])}."
            )
        else:
            out.append(
                f"A {scenario} would cut the fill rate of JIT everywhere to "
                f"{r.loc['JIT everywhere', 'fill_rate']:.1%}; the per-item recommendation would keep "
                f"{r.loc['recommended', 'fill_rate']:.1%}."
            )
    out.append(
        "What JIT is exposed to is what these scenarios show: a late supplier, a spike, dearer freight. "
        "No buffer here is sized for a black swan (a supplier gone for months, a pandemic): the buffers "
        "cover the demand and lead-time spread seen in the history, nothing beyond it."
    )
    return out


def forecast_quality(rmsse: float | None, wape: float | None = None, period: str = "week") -> str:
    """The backtest's median RMSSE (1 = as good as carrying the last period's demand forward) and
    WAPE (absolute errors over demand) in words."""
    if rmsse is None or pd.isna(rmsse):
        return "no backtest yet"
    if rmsse < 0.995:
        text = f"{1 - rmsse:.0%} smaller errors than carrying last {period}'s demand forward"
    elif rmsse <= 1.005:
        text = f"as good as carrying last {period}'s demand forward, no better"
    else:
        text = f"{rmsse - 1:.0%} larger errors than carrying last {period}'s demand forward"
    if wape is not None and pd.notna(wape):
        text += f"; a typical forecast misses by {wape:.0%} of the demand"
    return text
