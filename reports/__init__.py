"""The purchasing report: figures, charts, spreadsheet and email from a run's results."""

from reports.charts import (
    abc_xyz_heatmap,
    accuracy_by_class,
    capital_by_class,
    exchange_curve_chart,
)
from reports.email import (
    PlaintextAuthRefused,
    SmtpConfig,
    alert_message,
    build_message,
    refused_for_good,
    send_message,
)
from reports.html import (
    build_context,
    markdown_summary,
    render_report,
    reorder_list,
    simulation_sentences,
)
from reports.workbook import REORDER_COLUMNS, reorder_csv, workbook_bytes

__all__ = [
    "build_context", "markdown_summary", "render_report", "reorder_list", "simulation_sentences", "abc_xyz_heatmap", "accuracy_by_class",
    "capital_by_class", "exchange_curve_chart", "workbook_bytes", "reorder_csv", "REORDER_COLUMNS", "SmtpConfig",
    "build_message", "send_message", "alert_message", "refused_for_good", "PlaintextAuthRefused",
]
