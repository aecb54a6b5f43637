"""The spreadsheet (XLSX) and the ERP import file (CSV) that go with the report."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = ["REORDER_COLUMNS", "workbook_bytes", "reorder_csv"]

REORDER_COLUMNS = ["sku", "description", "policy", "reorder_qty", "unit_cost", "reorder_value", "on_hand",
                   "on_order", "reorder_point", "lead_time_days"]
_MONEY = {"unit_cost", "reorder_value", "capital_tied_up", "holding_cost_year", "ordering_cost_year",
          "expected_cost_jic", "expected_cost_jit"}
_SHARE = {"service_level", "cum_share"}


def _sheet(wb: Workbook, title: str, frame: pd.DataFrame) -> None:
    ws = wb.create_sheet(title)
    ws.append(list(frame.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="2F6DB3")
    for row in frame.itertuples(index=False):
        ws.append([None if pd.isna(v) else v for v in row])
    ws.freeze_panes = "A2"
    for j, name in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        fmt = "#,##0.00" if name in _MONEY else "0.0%" if name in _SHARE else "#,##0.##"
        if pd.api.types.is_numeric_dtype(frame[name]) and not pd.api.types.is_bool_dtype(frame[name]):
            for cell in ws[letter][1:]:
                cell.number_format = fmt
        width = max([len(str(name))] + [len(str(v)) for v in frame[name].head(200)])
        ws.column_dimensions[letter].width = min(max(width + 2, 8), 60)


def workbook_bytes(recommendations: pd.DataFrame, reorder: pd.DataFrame, changes: pd.DataFrame) -> bytes:
    """Sheets "Recommendations", "Reorder now", "Class changes": bold frozen header, formats."""
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Recommendations", recommendations)
    _sheet(wb, "Reorder now", reorder)
    _sheet(wb, "Class changes", changes)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def reorder_csv(reorder: pd.DataFrame) -> str:
    """Reorder-now lines for ERP import: one row per SKU, plain numbers, UTF-8."""
    return reorder[REORDER_COLUMNS].to_csv(index=False, float_format="%.2f")
