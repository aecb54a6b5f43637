"""The run's headline figures and order lines as Markdown (the Prefect artifact), data made inert."""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
from jitjic.reports.html import reorder_list

__all__ = ["markdown_summary", "markdown_text"]

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~<>])")


def markdown_text(value: Any, limit: int = 120) -> str:
    """Data as inert Markdown text: one line, at most ``limit`` characters, HTML escaped and
    every Markdown mark backslashed (a description cannot add a link, markup or a table cell)."""
    missing = value is None or (not isinstance(value, str) and bool(pd.isna(value)))
    text = " ".join(("" if missing else str(value)).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))


def markdown_summary(run_id: str, recommendations: pd.DataFrame, top_n: int = 20, currency: str = "") -> str:
    """Headline figures and the lines due today (most urgent, then largest first) as Markdown."""
    recs = recommendations
    reorder = reorder_list(recs)
    capital = recs.loc[recs["policy"] == "JIC", "capital_tied_up"].sum()
    cur = f" {currency}" if currency else ""
    lines = [
        f"## jitjic run {run_id}",
        "",
        f"- SKUs planned: {len(recs):,} — JIC {int((recs['policy'] == 'JIC').sum()):,}, "
        f"JIT {int((recs['policy'] == 'JIT').sum()):,}, phase out {int((recs['policy'] == 'PHASE_OUT').sum()):,}",
        f"- capital in JIC stock:{cur} {capital:,.2f}",
        f"- reorder today: {len(reorder):,} SKUs worth{cur} {reorder['value'].sum():,.2f} "
        f"({int((reorder['urgency'] == 'overdue').sum()):,} overdue)",
        "",
        f"| urgency | supplier | SKU | description | order (units) | value{cur} |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for r in reorder.head(top_n).itertuples():
        lines.append(
            f"| {markdown_text(r.urgency)} | {markdown_text(r.supplier)} | {markdown_text(r.sku)} | "
            f"{markdown_text(r.description)} | {r.qty:,.0f} | {r.value:,.2f} |"
        )
    return "\n".join(lines) + "\n"
