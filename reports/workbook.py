"""The spreadsheet (XLSX) and the ERP import file (CSV) that go with the report."""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import pandas as pd
import xlsxwriter

__all__ = ["REORDER_COLUMNS", "workbook_bytes", "reorder_csv"]

REORDER_COLUMNS = ["sku", "description", "supplier", "policy", "reorder_qty", "unit_cost", "reorder_value", "on_hand",
                   "on_order", "reorder_point", "lead_time_days"]
_MONEY = {"unit_cost", "reorder_value", "capital_tied_up", "holding_cost_year", "ordering_cost_year",
          "expected_cost_jic", "expected_cost_jit", "order_cost"}
_SHARE = {"service_level", "cum_share", "holding_rate"}


def _cells(column: pd.Series) -> list:
    """Python values a worksheet can hold: missing -> None (an empty cell), NumPy scalars unboxed."""
    values = column.astype(object).where(column.notna(), None).tolist()
    return [v.item() if isinstance(v, np.generic) else v for v in values]


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
        ws.write_column(1, j, _cells(column))


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
        }
        _sheet(wb, "Recommendations", recommendations, formats)
        _sheet(wb, "Reorder now", reorder, formats)
        _sheet(wb, "Class changes", changes, formats)
    return buf.getvalue()


def reorder_csv(reorder: pd.DataFrame) -> str:
    """Reorder-now lines for ERP import: one row per SKU, plain numbers, UTF-8."""
    return reorder[REORDER_COLUMNS].to_csv(index=False, float_format="%.2f")
