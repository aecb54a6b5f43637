"""Build the report's figures from result frames and render the HTML template."""

from __future__ import annotations

from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["build_context", "render_report"]

_ENV = Environment(
    loader=PackageLoader("reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["money"] = lambda v: "" if pd.isna(v) else f"{v:,.2f}"
_ENV.filters["units"] = lambda v: "" if pd.isna(v) else f"{v:,.0f}"
_ENV.filters["pct"] = lambda v: "" if pd.isna(v) else f"{v:.0%}"


def build_context(
    run: dict[str, Any],
    recommendations: pd.DataFrame,
    matrix: pd.DataFrame,
    loads: pd.DataFrame,
    stages: pd.DataFrame,
    *,
    top_n: int = 25,
) -> dict[str, Any]:
    """Everything the template shows, as plain values (currency as given, units as units)."""
    recs = recommendations
    by_policy = (
        recs.groupby("policy")
        .agg(skus=("sku", "size"), capital=("capital_tied_up", "sum"), orders_per_year=("orders_per_year", "sum"))
        .reindex(["JIC", "JIT", "PHASE_OUT"]).fillna(0).reset_index()
    )
    reorder = recs[recs["reorder_now"]].sort_values(["reorder_value", "sku"], ascending=[False, True])
    return {
        "run": run,
        "skus": len(recs),
        "jic": int((recs["policy"] == "JIC").sum()),
        "jit": int((recs["policy"] == "JIT").sum()),
        "capital_jic": float(recs.loc[recs["policy"] == "JIC", "capital_tied_up"].sum()),
        "capital_total": float(recs["capital_tied_up"].sum()),
        "orders_per_year": float(recs["orders_per_year"].sum()),
        "by_policy": by_policy.to_dict("records"),
        "reorder_count": len(reorder),
        "reorder_value": float(reorder["reorder_value"].sum()),
        "reorder_top": reorder.head(top_n).to_dict("records"),
        "matrix": matrix.to_dict("records"),
        "loads": loads.to_dict("records"),
        "stages": stages.to_dict("records"),
        "assumed_count": int(recs["assumed"].notna().sum()),
        "risks": recs[recs["risk_flag"].notna()].sort_values("sku").head(top_n).to_dict("records"),
    }


def render_report(context: dict[str, Any]) -> str:
    """The report as one self-contained HTML page; every value from data is escaped."""
    return _ENV.get_template("report.html").render(**context)
