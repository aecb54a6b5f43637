"""The spreadsheet (XLSX) buyers filter and print, and the ERP import file (CSV)."""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import pandas as pd
import xlsxwriter
from jitjic.reports.proposal import whole_days, whole_units

__all__ = [
    "REORDER_COLUMNS",
    "ORDER_COLUMNS",
    "CELL_LIMIT",
    "TRUNCATED",
    "TITLES",
    "workbook_bytes",
    "reorder_csv",
    "cell_text",
    "csv_safe",
    "column_title",
]

# reorder_now.csv, for ERP import: machine names, whole units, money to the cent
REORDER_COLUMNS = [
    "sku",
    "description",
    "supplier",
    "urgency",
    "order_by",
    "days_until_stockout",
    "reorder_qty",
    "moq",
    "pack_size",
    "unit_cost",
    "reorder_value",
    "on_hand",
    "on_order",
    "reorder_point",
    "lead_time_days",
    "policy",
    "exceptions",
]
# the workbook's order sheet, in this order
ORDER_COLUMNS = [
    "sku",
    "description",
    "supplier",
    "urgency",
    "order_by",
    "days_until_stockout",
    "qty",
    "moq",
    "pack_size",
    "unit_cost",
    "value",
    "on_hand",
    "on_order",
    "reorder_point",
    "lead_time_days",
    "policy",
    "exceptions",
    "reason",
]
# headers in words with their unit; {cur} is the currency (report.currency)
TITLES = {
    "sku": "SKU",
    "description": "Description",
    "supplier": "Supplier",
    "urgency": "Urgency",
    "order_by": "Order by (date)",
    "days_until_stockout": "Stock lasts (days)",
    "qty": "Order (units)",
    "reorder_qty": "Order today (units)",
    "moq": "MOQ (units)",
    "pack_size": "Pack (units)",
    "unit_cost": "Unit cost ({cur})",
    "value": "Value ({cur})",
    "reorder_value": "Value today ({cur})",
    "on_hand": "On hand (units)",
    "on_order": "On order (units)",
    "inventory_position": "Position (units)",
    "reorder_point": "Reorder point (units)",
    "order_up_to": "Order-up-to level (units)",
    "order_qty": "Order quantity (units)",
    "safety_stock": "Safety stock (units)",
    "lead_time_demand": "Demand over lead time (units)",
    "expected_units_short": "Expected short (units/year)",
    "lead_time_days": "Lead time (days)",
    "lead_time_std_days": "Lead-time spread (days)",
    "protection_days": "Covered period (days)",
    "days_of_cover": "Buffer lasts (days)",
    "mean_demand": "Mean demand over lead time + review (units/period)",
    "demand_std": "Forecast error (units/period)",
    "policy": "Policy",
    "exceptions": "Exceptions (see that sheet)",
    "reason": "Reason",
    "abc": "ABC",
    "xyz": "XYZ",
    "pattern": "Demand pattern",
    "model": "Forecast model",
    "service_level": "Service target (%)",
    "service_measure": "Service measure",
    "orders_per_year": "Orders per year",
    "order_cost": "Purchase order cost ({cur})",
    "order_line_cost": "Order line cost ({cur})",
    "holding_rate": "Holding rate (%/year)",
    "obsolescence_rate": "Obsolescence rate (%/year)",
    "backorder_share": "Customers who wait (%)",
    "ordering_cost_year": "Ordering cost ({cur}/year)",
    "holding_cost_year": "Holding cost ({cur}/year)",
    "obsolescence_cost_year": "Obsolescence cost ({cur}/year)",
    "shortage_cost_year": "Shortage cost ({cur}/year)",
    "capital_tied_up": "Capital tied up ({cur})",
    "reorder_now": "Due today",
    "risk_flag": "Risk",
    "season_ending": "Season ending",
    "expected_cost_jic": "JIC cost ({cur}/year)",
    "expected_cost_jit": "JIT cost ({cur}/year)",
    "costs_from": "Costs from",
    "decided_by": "Decided by",
    "assumed": "Defaults assumed",
    "exception": "Exception",
    "rule": "Rule",
    "money_at_stake": "Money at stake ({cur})",
    "detail": "Detail",
    "policy_from": "Policy before",
    "policy_to": "Policy now",
    "capital_change": "Capital change ({cur})",
    "previous_run_id": "Previous run",
    "abc_from": "ABC before",
    "abc_to": "ABC now",
    "xyz_from": "XYZ before",
    "xyz_to": "XYZ now",
    "pattern_from": "Pattern before",
    "pattern_to": "Pattern now",
    "lifecycle_from": "Lifecycle before",
    "lifecycle_to": "Lifecycle now",
    "why": "Why",
    "capital": "Capital tied up ({cur})",
}
_MONEY = {
    "unit_cost",
    "value",
    "reorder_value",
    "capital_tied_up",
    "holding_cost_year",
    "ordering_cost_year",
    "obsolescence_cost_year",
    "shortage_cost_year",
    "expected_cost_jic",
    "expected_cost_jit",
    "order_cost",
    "order_line_cost",
    "money_at_stake",
    "capital_change",
    "capital",
}
_SHARE = {"service_level", "cum_share", "holding_rate", "obsolescence_rate", "backorder_share"}
# stock levels are rounded up (a reorder point of 56.2 units is 57); counts and orders are whole already
_LEVELS = {"safety_stock", "reorder_point", "order_up_to", "lead_time_demand"}
_UNITS = _LEVELS | {
    "qty",
    "reorder_qty",
    "moq",
    "pack_size",
    "on_hand",
    "on_order",
    "inventory_position",
    "order_qty",
    "expected_units_short",
}
_WHOLE = {"days_until_stockout", "days_of_cover", "orders_per_year"}
_DATES = {"order_by"}
# the widest a column is made (characters), so that a sheet printed one page wide stays legible
# (the order proposal at about 60%); a longer text is whole in its cell, cut in print only (a
# wrapped reason would make each printed line five lines tall: 29 pages instead of 5 on the sample)
_WIDEST = {"description": 28, "supplier": 18, **dict.fromkeys(("reason", "detail", "why", "rule", "assumed"), 45)}
# Excel holds at most this many characters in a cell: XlsxWriter refuses a longer string, and
# stopped writing the rest of its column there
CELL_LIMIT = 32_767
TRUNCATED = " [...truncated]"
# a spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """``value`` cut to Excel's cell limit, ending with TRUNCATED when it was cut."""
    return value if len(value) <= CELL_LIMIT else value[: CELL_LIMIT - len(TRUNCATED)] + TRUNCATED


def csv_safe(value: object) -> object:
    """A text value for a CSV that a spreadsheet opens: a leading ``'`` where it would start a
    formula (``=HYPERLINK(..)``, ``+cmd|..``, ``@SUM(..)``), cut to the cell limit; others unchanged."""
    if not isinstance(value, str):
        return value
    value = cell_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def column_title(name: str, currency: str = "") -> str:
    """A column's header in words with its unit, e.g. ``Value (GBP)``; unknown names in words."""
    title = TITLES.get(name) or name.replace("_", " ").capitalize()
    return title.replace("{cur}", currency or "currency")


def _cells(column: pd.Series) -> list:
    """Python values a worksheet can hold: missing -> None (an empty cell), NumPy scalars unboxed,
    text cut to the cell limit."""
    values = column.astype(object).where(column.notna(), None).tolist()
    return [v.item() if isinstance(v, np.generic) else cell_text(v) if isinstance(v, str) else v for v in values]


def _buyer_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """SKU first, no run id; quantities in whole units."""
    out = frame.drop(columns=[c for c in ("run_id",) if c in frame])
    if "sku" in out:
        out = out[["sku"] + [c for c in out.columns if c != "sku"]]
    out = out.copy()
    for name in out.columns:
        numeric = pd.api.types.is_numeric_dtype(out[name]) and not pd.api.types.is_bool_dtype(out[name])
        if numeric and name in _LEVELS:
            out[name] = np.where(out[name].notna(), whole_units(out[name].fillna(0)), np.nan)
        elif numeric and name == "days_until_stockout":  # whole days it lasts, as the mail and the CSV say
            out[name] = whole_days(out[name])
        elif numeric and (name in _UNITS or name in _WHOLE):
            out[name] = out[name].round(0)
    return out


def _width(title: str, column: pd.Series, name: str) -> float:
    """A column's width in characters: its values' as shown (the first 200), at most ``_WIDEST``
    (30 by default), and at least the title's longest word (the header wraps onto a second line
    rather than widening a column of small numbers)."""
    shown = column.head(200).dropna()
    if name in _DATES:
        values = 10  # yyyy-mm-dd
    elif pd.api.types.is_float_dtype(column):  # as shown: whole units, cents, percentages
        pattern = "{:,.0f}" if name in _UNITS | _WHOLE else "{:.1%}" if name in _SHARE else "{:,.2f}"
        values = max((len(pattern.format(v)) for v in shown), default=0)
    else:
        values = max((len(str(v)) for v in shown), default=0)
    longest_word = max((len(w) for w in title.split()), default=0)
    return float(max(min(values, _WIDEST.get(name, 30)), longest_word, 4) + 2)


def _sheet(
    wb: xlsxwriter.Workbook, title: str, frame: pd.DataFrame, formats: dict, currency: str, notices: list[str]
) -> None:
    """One sheet: the notices above the table (a warning on every sheet), a bold frozen header
    in words with units, an autofilter, and a print setup (landscape, one page wide, header row
    on every page)."""
    ws = wb.add_worksheet(title)
    frame = _buyer_frame(frame)
    top = 0
    for notice in notices:
        ws.write_string(top, 0, "WARNING: " + notice, formats["warning"])
        top += 1
    ws.write_row(top, 0, [column_title(c, currency) for c in frame.columns], formats["header"])
    ws.freeze_panes(top + 1, 1 if "sku" in frame else 0)
    if len(frame.columns):
        ws.autofilter(top, 0, top + len(frame), len(frame.columns) - 1)
    for j, name in enumerate(frame.columns):
        column = frame[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        fmt = None
        if numeric:
            fmt = formats[
                "money"
                if name in _MONEY
                else "share"
                if name in _SHARE
                else "whole"
                if name in _UNITS | _WHOLE
                else "number"
            ]
        if name in _DATES or pd.api.types.is_datetime64_any_dtype(column):
            fmt = formats["date" if name in _DATES else "time"]
        ws.set_column(j, j, _width(column_title(name, currency), column, name), fmt)
        cells = _cells(column)
        ws.write_column(top + 1, j, cells)
        # text that would read as a formula: stored as text already; the quote prefix keeps it
        # text when a user edits the cell too (Excel's leading apostrophe)
        for i, v in enumerate(cells):
            if isinstance(v, str) and v.startswith(_FORMULA_START):
                ws.write_string(top + 1 + i, j, v, formats["text"])
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.3, right=0.3, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    ws.repeat_rows(top)
    ws.set_footer(f"&L{title.replace('&', '&&')}&RPage &P of &N")
    if notices:  # on every printed page too
        ws.set_header("&L&B" + ("WARNING: " + notices[0]).replace("&", "&&")[:200])


def workbook_bytes(
    recommendations: pd.DataFrame,
    proposal: pd.DataFrame,
    changes: pd.DataFrame,
    *,
    exceptions: pd.DataFrame | None = None,
    policy_changes: pd.DataFrame | None = None,
    currency: str = "",
    notices: list[str] | None = None,
    created: datetime | None = None,
) -> bytes:
    """Sheets "Order proposal" (``ORDER_COLUMNS`` of ``reports.proposal_lines``, in its order),
    "Exceptions", "Policy changes" (when given), "Recommendations" (every SKU) and "Class
    changes": headers in words with units and ``currency``, SKU first, whole units, an
    autofilter, a print setup, and ``notices`` (e.g. an old stock count) above each table.
    ``created`` (e.g. the run's start) is the file's creation date: the same run gives the same
    bytes however often its report is written (default: a fixed date)."""
    buf = io.BytesIO()
    # text stays text (a description "=..." is no formula, a URL no link); a stray non-finite
    # number becomes an error cell instead of failing the report; times are written as local
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
        "remove_timezone": True,
    }
    notices = list(notices or [])
    with xlsxwriter.Workbook(buf, options) as wb:
        wb.set_properties({"created": created or datetime(2000, 1, 1)})
        formats = {
            "header": wb.add_format(
                {"bold": True, "font_color": "#FFFFFF", "bg_color": "#2F6DB3", "text_wrap": True, "valign": "top"}
            ),
            "warning": wb.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
            "share": wb.add_format({"num_format": "0.0%"}),
            "whole": wb.add_format({"num_format": "#,##0"}),
            "number": wb.add_format({"num_format": "#,##0.##"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "time": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "text": wb.add_format({"quote_prefix": True}),
        }
        order = proposal[[c for c in ORDER_COLUMNS if c in proposal]]
        _sheet(wb, "Order proposal", order, formats, currency, notices)
        if exceptions is not None:
            _sheet(wb, "Exceptions", exceptions, formats, currency, notices)
        if policy_changes is not None:
            _sheet(wb, "Policy changes", policy_changes, formats, currency, notices)
        _sheet(wb, "Recommendations", recommendations, formats, currency, notices)
        _sheet(wb, "Class changes", changes, formats, currency, notices)
    return buf.getvalue()


def reorder_csv(lines: pd.DataFrame, run_id: str | None = None) -> str:
    """The lines due today for ERP import (``REORDER_COLUMNS``, from ``reports.reorder_list``):
    one row per SKU, whole units (``13806``, not ``13806.00``), money to the cent, UTF-8, CRLF;
    text that a spreadsheet would run as a formula is neutralised (``csv_safe``). With
    ``run_id``: three columns more, ``run_id``, ``stock_date`` (each line's stock count, from
    the lines) and ``order_key`` (SKU @ that date): a line whose count is not newer repeats its
    key, so an import can refuse a line it already took."""
    if "qty" in lines:  # proposal lines: their whole-unit order and its value are what is ordered
        lines = lines.drop(columns=["reorder_qty", "reorder_value"], errors="ignore")
    out = lines.rename(columns={"qty": "reorder_qty", "value": "reorder_value"})
    out = out.reindex(columns=REORDER_COLUMNS).copy()
    for name in out.columns:
        column = out[name]
        if name in _UNITS or name == "days_until_stockout":
            rounded = (
                whole_units(column)
                if name in _LEVELS
                else whole_days(column)
                if name == "days_until_stockout"
                else column.astype(float).round(0)
            )
            out[name] = pd.array(np.where(np.isfinite(rounded), rounded, np.nan), dtype="Float64").astype("Int64")
        elif name in _MONEY:
            out[name] = column.astype(float).round(2)
        elif name in _DATES:
            out[name] = pd.to_datetime(column).dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out[name] = column.map(csv_safe, na_action="ignore")
    if run_id is not None:
        dates = pd.to_datetime(lines.get("stock_date", pd.Series(None, index=lines.index))).dt.strftime("%Y-%m-%d")
        dates = dates.reset_index(drop=True)
        out = out.assign(
            run_id=run_id, stock_date=dates, order_key=out["sku"].astype(str) + "@" + dates.fillna("no count")
        )
    # CRLF line ends (RFC 4180): a carriage return inside a text gets the field quoted too
    return out.to_csv(index=False, float_format="%.2f", lineterminator="\r\n")
