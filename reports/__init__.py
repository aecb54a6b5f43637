"""The purchasing report: figures, charts, spreadsheet and email from a run's results."""

from jitjic.reports.charts import (
    abc_xyz_heatmap,
    accuracy_by_class,
    capital_by_class,
    exchange_curve_chart,
    sku_drilldown,
)
from jitjic.reports.email import (
    PlaintextAuthRefused,
    SmtpConfig,
    alert_message,
    build_message,
    refused_for_good,
    send_message,
)
from jitjic.reports.html import (
    build_context,
    drilldown_picks,
    mail_subject,
    render_email,
    render_report,
    render_text,
    reorder_list,
    stock_age_days,
    stock_notices,
)
from jitjic.reports.markdown import markdown_summary, markdown_text
from jitjic.reports.proposal import NO_SUPPLIER, by_supplier, due_today, proposal_lines
from jitjic.reports.sentences import forecast_quality, simulation_sentences
from jitjic.reports.workbook import ORDER_COLUMNS, REORDER_COLUMNS, reorder_csv, workbook_bytes

__all__ = [
    "build_context",
    "render_report",
    "render_email",
    "render_text",
    "mail_subject",
    "reorder_list",
    "stock_notices",
    "stock_age_days",
    "drilldown_picks",
    "markdown_summary",
    "markdown_text",
    "simulation_sentences",
    "forecast_quality",
    "proposal_lines",
    "due_today",
    "by_supplier",
    "NO_SUPPLIER",
    "abc_xyz_heatmap",
    "accuracy_by_class",
    "capital_by_class",
    "exchange_curve_chart",
    "sku_drilldown",
    "workbook_bytes",
    "reorder_csv",
    "REORDER_COLUMNS",
    "ORDER_COLUMNS",
    "SmtpConfig",
    "build_message",
    "send_message",
    "alert_message",
    "refused_for_good",
    "PlaintextAuthRefused",
]
