"""The purchasing report: figures and tables from a run's results, rendered with Jinja2."""

from reports.html import build_context, render_report

__all__ = ["build_context", "render_report"]
