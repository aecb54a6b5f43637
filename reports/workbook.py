"""The spreadsheet (XLSX) and the ERP import file (CSV) that go with the report."""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import pandas as pd
import xlsxwriter

__all__ = ["REORDER_COLUMNS", "CELL_LIMIT", "TRUNCATED", "workbook_bytes", "reorder_csv", "cell_text", "csv_safe"]

REORDER_COLUMNS = ["sku", "description", "supplier", "policy", "reorder_qty", "unit_cost", "reorder_value", "on_hand",
                   "on_order", "reorder_point", "lead_time_days"]
_MONEY = {"unit_cost", "reorder_value", "capital_tied_up", "holding_cost_year", "ordering_cost_year",
          "expected_cost_jic", "expected_cost_jit", "order_cost"}
_SHARE = {"service_level", "cum_share", "holding_rate"}
# Excel holds at most this many characters in a cell: XlsxWriter refuses a longer string, and
# stopped writing the rest of its column there
CELL_LIMIT = 32_767
TRUNCATED = " [...truncated]"
# a spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: str) -> str:
    """``value`` cut to Excel's cell limit, ending with TRUNCATED when it was cut."""
    return value if len(value) <= CELL_LIMIT else value[:CELL_LIMIT - len(TRUNCATED)] + TRUNCATED


def csv_safe(value: object) -> object:
    """A text value for a CSV that a spreadsheet opens: a leading ``'`` where it would start a
    formula (``=HYPERLINK(..)``, ``+cmd|..``, ``@SUM(..)``), cut to the cell limit; others unchanged."""
    if not isinstance(value, str):
        return value
    value = cell_text(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def _cells(column: pd.Series) -> list:
    """Python values a worksheet can hold: missing -> None (an empty cell), NumPy scalars unboxed,
    text cut to the cell limit."""
    values = column.astype(object).where(column.notna(), None).tolist()
    return [v.item() if isinstance(v, np.generic) else cell_text(v) if isinstance(v, str) else v for v in values]


def _sheet(wb: xlsxwriter.Workbook, title: str, frame: pd.DataFrame, formats: dict) -> None:
    ws = wb.add_worksheet(title)
    ws.write_row(0, 0, list(frame.columns), formats["header"])
    ws.freeze_panes(1, 0)
    for j, name in enumerate(frame.columns):
        column = frame[name]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        fmt = formats["money" if name in _MONEY else "share" if name in _SHARE else "number"] if numeric else None
        if pd.api.types.is_datetime64_any_dtype(column):
            fmt = formats["time"]
        width = max([len(str(name))] + [len(str(v)) for v in column.head(200)])
        ws.set_column(j, j, min(max(width + 2, 8), 60), fmt)
        cells = _cells(column)
        ws.write_column(1, j, cells)
        # text that would read as a formula: stored as text already; the quote prefix keeps it
        # text when a user edits the cell too (Excel's leading apostrophe)
        for i, v in enumerate(cells):
            if isinstance(v, str) and v.startswith(_FORMULA_START):
                ws.write_string(1 + i, j, v, formats["text"])


def workbook_bytes(recommendations: pd.DataFrame, reorder: pd.DataFrame, changes: pd.DataFrame,
                   created: datetime | None = None) -> bytes:
    """Sheets "Recommendations", "Reorder now", "Class changes": bold frozen header, formats.
    ``created`` (e.g. the run's start) is the file's creation date: the same run gives the same
    bytes however often its report is written (default: a fixed date)."""
    buf = io.BytesIO()
    # text stays text (a description "=..." is no formula, a URL no link); a stray non-finite
    # number becomes an error cell instead of failing the report; times are written as local
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "nan_inf_to_errors": True, "remove_timezone": True}
    with xlsxwriter.Workbook(buf, options) as wb:
        wb.set_properties({"created": created or datetime(2000, 1, 1)})
        formats = {
            "header": wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#2F6DB3"}),
            "money": wb.add_format({"num_format": "#,##0.00"}),
            "share": wb.add_format({"num_format": "0.0%"}),
            "number": wb.add_format({"num_format": "#,##0.##"}),
            "time": wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            "text": wb.add_format({"quote_prefix": True}),
        }
        _sheet(wb, "Recommendations", recommendations, formats)
        _sheet(wb, "Reorder now", reorder, formats)
        _sheet(wb, "Class changes", changes, formats)
    return buf.getvalue()


def reorder_csv(reorder: pd.DataFrame) -> str:
    """Reorder-now lines for ERP import: one row per SKU, plain numbers, UTF-8, CRLF; text that a
    spreadsheet would run as a formula is neutralised (``csv_safe``)."""
    out = reorder[REORDER_COLUMNS].copy()
    for name in out.columns:
        if not pd.api.types.is_numeric_dtype(out[name]) or pd.api.types.is_bool_dtype(out[name]):
            out[name] = out[name].map(csv_safe, na_action="ignore")
    # CRLF line ends (RFC 4180): a carriage return inside a text gets the field quoted too
    return out.to_csv(index=False, float_format="%.2f", lineterminator="\r\n")
