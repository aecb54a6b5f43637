"""Build the report's figures from result frames and render the HTML page, the mail's HTML (CSS
inlined, table layout) and its plain-text part."""

from __future__ import annotations

import math
from typing import Any

import css_inline
import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape
from jitjic.reports.proposal import by_supplier, due_today, fair_share, proposal_lines, whole_days
from jitjic.reports.sentences import forecast_quality, planned_with, simulation_sentences

HIDDEN_NAMED = 20  # suppliers without a line shown: named up to this many, the rest counted

__all__ = [
    "build_context",
    "render_report",
    "render_email",
    "render_text",
    "reorder_list",
    "stock_notices",
    "stock_age_days",
    "drilldown_picks",
    "mail_subject",
]

_ENV = Environment(
    loader=PackageLoader("jitjic.reports", "templates"),
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
_ENV.filters["signed"] = lambda v: "" if pd.isna(v) else f"{v:+,.2f}"
_ENV.filters["days"] = lambda v: _days(v)
_ENV.filters["date"] = lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)[:10]
_ENV.filters["text"] = lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _days(value: Any) -> str:
    """Days a stock lasts in words: beyond the forecast (missing), less than a day, 1 day, 12 days
    (whole days, rounded down)."""
    if value is None or pd.isna(value):
        return "beyond the forecast"
    whole = int(whole_days(value))
    if whole < 1:
        return "less than a day"
    return "1 day" if whole == 1 else f"{whole:,} days"


def reorder_list(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The lines due today (overdue first, then today; per supplier, largest value first): what
    purchasing orders now, and what reorder_now.csv carries."""
    return due_today(proposal_lines(_with_urgency(recommendations)))


def _with_urgency(recs: pd.DataFrame) -> pd.DataFrame:
    """Recommendations as the nightly writes them; older frames without the proposal's columns
    get them empty (every line due today is then 'today')."""
    missing = {c: None for c in ("urgency", "order_by", "days_until_stockout") if c not in recs}
    return recs.assign(**missing) if missing else recs


def stock_notices(stock: dict[str, Any] | None, max_age_days: float, counted: bool = True) -> list[str]:
    """Warnings about the stock the proposal was computed from, for the top of every page:
    the same counts as the previous completed run (the same list proposed again), counts older
    than ``max_age_days`` before the business date, or no counts at all (``counted``: some item
    has its stock on hand). ``stock``: as ``warehouse.stock_status`` returns it."""
    if not stock:
        return []
    out = []
    if not counted:
        out.append(
            "No stock count has been loaded: nothing can be proposed (an item needs its stock on hand to "
            "be listed). Load one with inputs.stock or `jitjic ingest FILE --kind stock`."
        )
        return out
    if stock.get("same_stock"):
        out.append(
            f"No newer stock count than the previous run ({stock.get('previous_run_id')}, business date "
            f"{_day(stock.get('previous_as_of'))}): this proposal comes from the same stock. Whatever was "
            "ordered from that run is not in this stock yet: do not order these lines twice."
        )
    age = stock_age_days(stock)
    if age is not None and age > max_age_days:
        out.append(
            f"The stock count is {age:,.0f} days old (counted {_day(stock.get('stock_date'))}, business date "
            f"{_day(stock.get('as_of'))}; inputs.max_stock_age_days = {max_age_days:g}): stock has moved "
            "since. Check on hand before ordering."
        )
    return out


def stock_age_days(stock: dict[str, Any]) -> float | None:
    """Days from the newest stock count to the business date (as_of), or None."""
    counted, as_of = stock.get("stock_date"), stock.get("as_of")
    if counted is None or as_of is None or pd.isna(counted) or pd.isna(as_of):
        return None
    return float((pd.Timestamp(as_of) - pd.Timestamp(counted)).days)


def _day(value: Any) -> str:
    return "-" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)[:10]


def _money(currency: str, value: float, decimals: int = 0) -> str:
    return f"{currency} {value:,.{decimals}f}".strip()


def drilldown_picks(lines: pd.DataFrame, exceptions: pd.DataFrame | None, n: int) -> list[dict[str, str]]:
    """Up to ``n`` SKUs to chart: the top order lines (by urgency, then value) and the top
    exceptions (by money), taken in turn, each once, with why it was picked."""
    top_lines = [
        (r.sku, f"{r.urgency}: order {r.qty:,.0f} units by {_day(r.order_by)}")
        for r in lines.sort_values(["due_today", "value"], ascending=[False, False]).itertuples()
    ]
    found = (
        []
        if exceptions is None or exceptions.empty
        else [(r.sku, f"{r.exception}: {r.detail or r.rule}") for r in exceptions.itertuples()]
    )
    picks: dict[str, str] = {}
    for pair in _alternate(top_lines, found):
        if len(picks) >= n:
            break
        sku, why = pair
        picks[sku] = picks[sku] + "; " + why if sku in picks else why
    return [{"sku": sku, "why": why} for sku, why in picks.items()]


def _alternate(a: list, b: list) -> list:
    out = []
    for i in range(max(len(a), len(b))):
        out += ([a[i]] if i < len(a) else []) + ([b[i]] if i < len(b) else [])
    return out


def _groups(suppliers: pd.DataFrame, shown: pd.DataFrame) -> list[dict[str, Any]]:
    """Per supplier with a line in ``shown``: its totals (``by_supplier``) and those lines."""
    return [
        {**s, "rows": shown[shown["supplier"] == s["supplier"]].to_dict("records")}
        for s in suppliers.to_dict("records")
        if (shown["supplier"] == s["supplier"]).any()
    ]


def _top(frame: pd.DataFrame | None, n: int) -> list[dict[str, Any]]:
    return [] if frame is None or frame.empty else frame.head(n).to_dict("records")


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
    choice: pd.DataFrame | None = None,
    exceptions: pd.DataFrame | None = None,
    policy_changes: pd.DataFrame | None = None,
    stock: dict[str, Any] | None = None,
    max_stock_age_days: float = 7.0,
    currency: str = "",
    images: dict[str, str] | None = None,
    drilldowns: list[dict[str, str]] | None = None,
    top_n: int = 25,
    text_lines: int = 15,
) -> dict[str, Any]:
    """Everything the report, the mail and its text part show, as plain values (money in
    ``currency``, quantities in whole units), each table sorted by what a buyer acts on first.

    recommendations: a run's ``recommendations`` rows (with ``moq``, ``pack_size`` where known);
    accuracy: per ABC class ``abc, skus, rmsse, wape`` of the chosen forecasts, then ``all``;
    exceptions: ``run_exceptions`` rows (with ``description``); policy_changes: the
    ``policy_changes`` view's rows; stock: ``warehouse.stock_status``; images: chart name -> the
    ``src`` to use (a file name on disk, ``cid:...`` in the mail); drilldowns: ``sku, why,
    description, src`` per per-SKU chart.
    """
    recs = _with_urgency(recommendations)
    by_policy = (
        recs.groupby("policy")
        .agg(skus=("sku", "size"), capital=("capital_tied_up", "sum"), orders_per_year=("orders_per_year", "sum"))
        .reindex(["JIC", "JIT", "PHASE_OUT"])
        .fillna(0)
        .reset_index()
    )
    lines = proposal_lines(recs)
    today = due_today(lines)
    suppliers = by_supplier(lines)
    shown = fair_share(lines, top_n)  # every supplier its share of the lines shown
    # a supplier none of whose lines made the list is not a header without lines (a buyer would
    # read "nothing to order"): it is named below the table with its lines and value
    groups = _groups(suppliers, shown)
    text_shown = fair_share(lines, min(text_lines, top_n))  # the mail's text part: fewer lines, same shares
    hidden = suppliers[~suppliers["supplier"].isin(shown["supplier"])] if len(suppliers) else suppliers
    exceptions = exceptions if exceptions is not None else pd.DataFrame(columns=["sku", "money_at_stake"])
    policy_changes = policy_changes if policy_changes is not None else pd.DataFrame()
    changes = changes if changes is not None else pd.DataFrame()
    if len(changes):  # the items with the most capital first
        capital = recs.set_index("sku")["capital_tied_up"]
        changes = changes.assign(capital=changes["sku"].map(capital)).sort_values(
            ["capital", "sku"], ascending=[False, True], na_position="last"
        )
    risks = (
        recs[recs["risk_flag"].notna()].sort_values(["capital_tied_up", "sku"], ascending=[False, True])
        if "risk_flag" in recs
        else recs.head(0)
    )
    overall = None if accuracy is None or accuracy.empty else accuracy[accuracy["abc"] == "all"]
    quality = forecast_quality(
        None if overall is None or overall.empty else overall["rmsse"].iloc[0],
        None if overall is None or overall.empty else overall["wape"].iloc[0],
        run.get("period", "week"),
    )
    counts = {
        "skus": len(recs),
        "jic": int((recs["policy"] == "JIC").sum()),
        "jit": int((recs["policy"] == "JIT").sum()),
        "phase_out": int((recs["policy"] == "PHASE_OUT").sum()),
        "due_today": len(today),
        "overdue": int((lines["urgency"] == "overdue").sum()),
        "this_week": int((lines["urgency"] == "this week").sum()),
        "value_today": float(today["value"].sum()),
        "value_week": float(lines.loc[~lines["due_today"], "value"].sum()),
        "exceptions": len(exceptions),
        "exceptions_money": float(exceptions["money_at_stake"].sum()),
        "capital_jic": float(recs.loc[recs["policy"] == "JIC", "capital_tied_up"].sum()),
        "orders_per_year": float(recs["orders_per_year"].sum()),
    }
    c = counts
    tiles = [
        (
            f"{c['due_today']:,} lines",
            f"due today ({c['overdue']:,} overdue), worth {_money(currency, c['value_today'])}",
        ),
        (f"{c['this_week']:,} lines", f"due later this week, worth {_money(currency, c['value_week'])}"),
        (
            f"{c['exceptions']:,} exceptions",
            f"{_money(currency, c['exceptions_money'])} at stake, the largest first below",
        ),
        (_money(currency, c["capital_jic"]), f"tied up in buffer stock (JIC) over {c['jic']:,} SKUs"),
        (
            f"{c['skus']:,} SKUs",
            f"{c['jic']:,} buffered (JIC), {c['jit']:,} ordered to demand (JIT), {c['phase_out']:,} phased out",
        ),
        ("Forecasts", quality),
    ]
    return {
        "run": run,
        "currency": currency,
        "notices": stock_notices(stock, max_stock_age_days, counted=bool(recs["on_hand"].notna().any())),
        "stock": stock or {},
        "tiles": [{"figure": f, "words": w} for f, w in tiles],
        **counts,
        "by_policy": by_policy.to_dict("records"),
        "proposal": groups,
        "proposal_text": _groups(suppliers, text_shown),
        "hidden_text": suppliers[~suppliers["supplier"].isin(text_shown["supplier"])]
        .head(HIDDEN_NAMED)
        .to_dict("records")
        if len(suppliers)
        else [],
        "suppliers_hidden": len(hidden),
        "hidden_suppliers": hidden.head(HIDDEN_NAMED).to_dict("records"),
        "lines_hidden": int(hidden["lines"].sum()) if len(hidden) else 0,
        "proposal_shown": len(shown),
        "proposal_count": len(lines),
        "exceptions_top": _top(exceptions, top_n),
        "policy_changes": _top(policy_changes, top_n),
        "policy_changes_count": len(policy_changes),
        "drilldowns": drilldowns or [],
        "matrix": matrix.to_dict("records"),
        "loads": loads.to_dict("records"),
        "stages": stages.to_dict("records"),
        "assumed_count": int(recs["assumed"].notna().sum()) if "assumed" in recs else 0,
        "decided_by": [{"by": by, "skus": int(n)} for by, n in recs["decided_by"].value_counts().sort_index().items()],
        "set_by_master": recs[recs["decided_by"] == "item master"].sort_values("sku").head(top_n).to_dict("records"),
        "set_by_master_count": int((recs["decided_by"] == "item master").sum()),
        "risks": risks.head(top_n).to_dict("records"),
        "risks_count": len(risks),
        "changes": changes.head(top_n).to_dict("records"),
        "changes_count": len(changes),
        "accuracy": [] if accuracy is None else accuracy.to_dict("records"),
        "forecast_quality": quality,
        "simulation": simulation_sentences(
            simulation, curve, currency=currency, choice=choice, period=run.get("period", "week")
        ),
        "curve": [] if curve is None or curve.empty else curve.to_dict("records"),
        "planned_with": _planned_with(choice),
        "images": images or {},
        "top_n": top_n,
    }


def _planned_with(choice: pd.DataFrame | None) -> str | None:
    """The policy the run planned with and why, in one line (None: not chosen by the replay)."""
    plan = planned_with(choice)
    return None if plan is None else f"{plan[0]}, chosen by replay: {plan[1]['reason']}"


def render_report(context: dict[str, Any]) -> str:
    """The report as one self-contained HTML page; every value from data is escaped."""
    return _ENV.get_template("report.html").render(**context)


def render_email(context: dict[str, Any]) -> str:
    """The report for mail clients: every style inlined on its element (Outlook and Gmail drop
    or ignore a <style> block), table layout only, no <style> left."""
    return css_inline.inline(render_report(context))


def render_text(context: dict[str, Any]) -> str:
    """The mail's text/plain part: warnings, headline figures and the order lines
    ``build_context`` chose for it (``text_lines``, every supplier its share)."""
    return _ENV.get_template("report_email.txt").render(**context)


def mail_subject(prefix: str, facts: dict[str, Any]) -> str:
    """The subject: the business date and the lines due, and whether this is the same stock as
    the previous run (the list must not be ordered twice) or an old count."""
    due = (
        f"{facts['due_today']:,} order lines due today ({facts['overdue']:,} overdue), "
        f"{facts['this_week']:,} more this week"
    )
    head = f"{prefix} Purchasing {facts['as_of']}:".strip()
    if facts.get("same_stock"):
        head += f" SAME STOCK as run {facts.get('previous_run_id')}, already proposed -"
    subject = f"{head} {due}"
    age = facts.get("stock_age_days")
    if facts.get("stale") and age is not None and not math.isnan(age):
        subject += f"; stock count {age:,.0f} days old"
    return subject
