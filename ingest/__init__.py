"""Read ERP exports (order lines, item master, stock snapshot) into validated DataFrames."""

from jitjic.ingest.errors import IngestError
from jitjic.ingest.grain import GRAINS, period_totals
from jitjic.ingest.mapping import PRESETS, ColumnMapping, mapping_for
from jitjic.ingest.masters import parse_items, parse_stock
from jitjic.ingest.readers import check_file, read_table
from jitjic.ingest.refusal import refusal
from jitjic.ingest.rules import RULES, LineRules, apply_line_rules, coarser_totals, judge_grain, line_grain

__all__ = [
    "IngestError",
    "PRESETS",
    "ColumnMapping",
    "mapping_for",
    "read_table",
    "check_file",
    "refusal",
    "RULES",
    "LineRules",
    "apply_line_rules",
    "line_grain",
    "coarser_totals",
    "judge_grain",
    "period_totals",
    "GRAINS",
    "parse_items",
    "parse_stock",
]
