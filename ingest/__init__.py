"""Read ERP exports (order lines, item master, stock snapshot) into validated DataFrames."""

from ingest.errors import IngestError
from ingest.mapping import PRESETS, ColumnMapping, mapping_for
from ingest.masters import parse_items, parse_stock
from ingest.readers import check_file, read_table
from ingest.refusal import refusal
from ingest.rules import RULES, LineRules, apply_line_rules

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
    "parse_items",
    "parse_stock",
]
