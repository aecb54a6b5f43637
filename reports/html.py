"""Build the report's figures from result frames and render the HTML template."""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["build_context", "render_report", "simulation_sentences", "markdown_summary", "markdown_text", "reorder_list"]

_ENV = Environment(
    loader=PackageLoader("reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["money"] = lambda v: "" if pd.isna(v) else f"{v:,.2f}"
_ENV.filters["units"] = lambda v: "" if pd.isna(v) else f"{v:,.0f}"
_ENV.filters["pct"] = lambda v: "" if pd.isna(v) else f"{v:.0%}"
_ENV.filters["pct1"] = lambda v: "" if pd.isna(v) else f"{v:.1%}"
_ENV.filters["target"] = lambda v: "" if pd.isna(v) else f"{v:.1%}".replace(".0%", "%")  # 95%, 97.5%
_ENV.filters["num"] = lambda v: "" if pd.isna(v) else f"{v:.2f}"


def reorder_list(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The SKUs to reorder today, largest value first (ties by SKU): what purchasing acts on."""
    due = recommendations[recommendations["reorder_now"]]
    return due.sort_values(["reorder_value", "sku"], ascending=[False, True])


def simulation_sentences(simulation: pd.DataFrame | None, curve: pd.DataFrame | None = None,
                         weeks: int | None = None) -> list[str]:
    """Plain sentences from a run's ``simulation_results`` (and ``exchange_curves``) rows: what
    the recommendation would have done against the simple alternatives, at equal stock, and
    under each disruption."""
    if simulation is None or simulation.empty:
        return []
    rows = simulation[simulation["abc"] == "all"].set_index(["scenario", "strategy"])
    weeks = weeks or int(simulation["weeks"].iloc[0])
    out = []
    plain = rows.loc["plain"]
    rec, cls, jit = plain.loc["recommended"], plain.loc["class rule"], plain.loc["JIT everywhere"]
    out.append(
        f"Replayed over the last {weeks} weeks (orders arriving when they truly would), the recommendation would have "
        f"served {rec['fill_rate']:.1%} of demand from stock, holding {rec['avg_stock_value']:,.0f} on average, for "
        f"{rec['total_cost']:,.0f} in holding, obsolescence, orders and lost or waiting customers. Buffering the "
        f"popular classes and nothing else: {cls['fill_rate']:.1%} with {cls['avg_stock_value']:,.0f}, "
        f"{cls['total_cost']:,.0f}; JIT everywhere: {jit['fill_rate']:.1%} with {jit['avg_stock_value']:,.0f}, "
        f"{jit['total_cost']:,.0f}."
    )
    if curve is not None and not curve.empty:
        matched = curve[curve["setting"].str.contains("equal stock")]
        recommended = curve[curve["policy"] == "recommended"]
        if len(matched) and len(recommended):
            m, r = matched.iloc[0], recommended.iloc[0]
            level = m["setting"].split()[0]
            out.append(
                f"At the same stock, JIC everywhere at one target ({level}) would have served {m['fill_rate']:.1%} "
                f"for {m['total_cost']:,.0f} a year against the recommendation's {r['fill_rate']:.1%} for "
                f"{r['total_cost']:,.0f} a year (the exchange curve below).")
    a = simulation[(simulation["scenario"] == "plain") & (simulation["strategy"] == "recommended")
                   & (simulation["abc"] == "A")]
    if len(a) and pd.notna(a["target_cycle_service"].iloc[0]):
        r = a.iloc[0]
        out.append(f"A items reached a cycle service level of {r['jic_cycle_service_level']:.1%} against their "
                   f"{r['target_cycle_service']:.1%} target, over {r['cycles_per_item']:.1f} replenishment cycles "
                   "each.")
    sampled = simulation.get("skus_replayed")
    if sampled is not None and pd.notna(sampled.iloc[0]) and sampled.iloc[0] < simulation["skus_total"].iloc[0]:
        out[0] += (f" Replayed on a sample of {int(sampled.iloc[0]):,} of {int(simulation['skus_total'].iloc[0]):,} SKUs "
                   "drawn per ABC class; stock and costs are scaled up to the whole catalogue.")
    for scenario in [s for s in rows.index.get_level_values(0).unique() if s != "plain"]:
        r = rows.loc[scenario]
        if scenario.startswith("freight"):
            out.append(f"With freight at double cost ({scenario}), the recommendation would cost "
                       f"{r.loc['recommended', 'total_cost']:,.0f} over the {weeks} weeks, JIT everywhere "
                       f"{r.loc['JIT everywhere', 'total_cost']:,.0f}.")
        else:
            out.append(f"A {scenario} would cut the fill rate of JIT everywhere to "
                       f"{r.loc['JIT everywhere', 'fill_rate']:.1%}; the recommendation would keep "
                       f"{r.loc['recommended', 'fill_rate']:.1%}.")
    out.append("What JIT is exposed to is what these scenarios show: a late supplier, a spike, dearer freight. "
               "No buffer here is sized for a black swan (a supplier gone for months, a pandemic): the buffers "
               "cover the demand and lead-time spread seen in the history, nothing beyond it.")
    return out


def build_context(
    run: dict[str, Any],
    recommendations: pd.DataFrame,
    matrix: pd.DataFrame,
    loads: pd.DataFrame,
    stages: pd.DataFrame,
    *,
    changes: pd.DataFrame | None = None,
    accuracy: pd.DataFrame | None = None,
    simulation: pd.DataFrame | None = None,
    curve: pd.DataFrame | None = None,
    images: dict[str, str] | None = None,
    top_n: int = 25,
) -> dict[str, Any]:
    """Everything the template shows, as plain values (currency as given, units as units).

    accuracy: per ABC class ``abc, skus, rmsse, wape`` of the chosen forecasts; images: chart
    name -> the ``src`` to use (``cid:...`` in the email, a file name on disk).
    """
    recs = recommendations
    by_policy = (
        recs.groupby("policy")
        .agg(skus=("sku", "size"), capital=("capital_tied_up", "sum"), orders_per_year=("orders_per_year", "sum"))
        .reindex(["JIC", "JIT", "PHASE_OUT"]).fillna(0).reset_index()
    )
    reorder = reorder_list(recs)
    # purchase orders go per supplier: what each one gets today, largest first
    by_supplier = (reorder.assign(supplier=reorder["supplier"].fillna("(no supplier in the item master)"))
                   .groupby("supplier").agg(skus=("sku", "size"), value=("reorder_value", "sum"))
                   .reset_index().sort_values(["value", "supplier"], ascending=[False, True]))
    changes = changes if changes is not None else pd.DataFrame()
    return {
        "run": run,
        "skus": len(recs),
        "jic": int((recs["policy"] == "JIC").sum()),
        "jit": int((recs["policy"] == "JIT").sum()),
        "phase_out": int((recs["policy"] == "PHASE_OUT").sum()),
        "capital_jic": float(recs.loc[recs["policy"] == "JIC", "capital_tied_up"].sum()),
        "capital_total": float(recs["capital_tied_up"].sum()),
        "orders_per_year": float(recs["orders_per_year"].sum()),
        "by_policy": by_policy.to_dict("records"),
        "reorder_count": len(reorder),
        "reorder_value": float(reorder["reorder_value"].sum()),
        "reorder_top": reorder.head(top_n).to_dict("records"),
        "reorder_by_supplier": by_supplier.to_dict("records"),
        "matrix": matrix.to_dict("records"),
        "loads": loads.to_dict("records"),
        "stages": stages.to_dict("records"),
        "assumed_count": int(recs["assumed"].notna().sum()),
        "decided_by": [{"by": by, "skus": int(n)} for by, n in recs["decided_by"].value_counts().sort_index().items()],
        "set_by_master": recs[recs["decided_by"] == "item master"].sort_values("sku").head(top_n).to_dict("records"),
        "set_by_master_count": int((recs["decided_by"] == "item master").sum()),
        "risks": recs[recs["risk_flag"].notna()].sort_values("sku").head(top_n).to_dict("records"),
        "changes": changes.head(top_n).to_dict("records"),
        "changes_count": len(changes),
        "accuracy": [] if accuracy is None else accuracy.to_dict("records"),
        "simulation": simulation_sentences(simulation, curve),
        "curve": [] if curve is None or curve.empty else curve.to_dict("records"),
        "images": images or {},
    }


def render_report(context: dict[str, Any]) -> str:
    """The report as one self-contained HTML page; every value from data is escaped."""
    return _ENV.get_template("report.html").render(**context)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")


def markdown_text(value: Any, limit: int = 120) -> str:
    """Data as inert Markdown text: one line, at most ``limit`` characters, HTML escaped and
    every Markdown mark backslashed (a description cannot add a link, markup or a table cell)."""
    missing = value is None or (not isinstance(value, str) and bool(pd.isna(value)))
    text = " ".join(("" if missing else str(value)).split())
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def markdown_summary(run_id: str, recommendations: pd.DataFrame, top_n: int = 20) -> str:
    """Headline figures and the reorder-now table as Markdown (the Prefect artifact of a run)."""
    recs = recommendations
    reorder = reorder_list(recs)
    capital = recs.loc[recs["policy"] == "JIC", "capital_tied_up"].sum()
    lines = [
        f"## jitjic run {run_id}",
        "",
        f"- SKUs planned: {len(recs):,} — JIC {int((recs['policy'] == 'JIC').sum()):,}, "
        f"JIT {int((recs['policy'] == 'JIT').sum()):,}, phase out {int((recs['policy'] == 'PHASE_OUT').sum()):,}",
        f"- capital in JIC stock: {capital:,.2f} (currency)",
        f"- reorder today: {len(reorder):,} SKUs worth {reorder['reorder_value'].sum():,.2f} (currency)",
        "",
        "| SKU | description | policy | order (units) | value (currency) |",
        "| --- | --- | --- | ---: | ---: |",
    ]
    for r in reorder.head(top_n).itertuples():
        lines.append(f"| {markdown_text(r.sku)} | {markdown_text(r.description)} | {markdown_text(r.policy)} | "
                     f"{r.reorder_qty:,.0f} | {r.reorder_value:,.2f} |")
    return "\n".join(lines) + "\n"
