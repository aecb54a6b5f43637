"""docs/schema.md documents every published table and view, and is up to date."""

import importlib.util
from pathlib import Path

from jitjic import warehouse

ROOT = Path(__file__).resolve().parents[1]


def test_schema_doc_is_current_and_complete():
    spec = importlib.util.spec_from_file_location("schema_doc", ROOT / "scripts" / "schema_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.schema_markdown()
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == fresh, "run: python scripts/schema_doc.py"
    for table in warehouse.PUBLISHED_TABLES + (
        "latest_recommendations",
        "reorder_now",
        "class_changes",
        "abc_xyz_matrix",
        "latest_forecast_accuracy",
        "load_report",
    ):
        assert f"## `{table}` (" in fresh, table
