"""The HTML report: figures from result frames, every value from data escaped."""

import pandas as pd

from policy import PolicyParams, recommend
from reports import build_context, render_report
from tests.test_policy import _inputs


def _context(description: str):
    classes, forecast, items, stock = _inputs()
    items.loc[0, "description"] = description
    recs = recommend(classes, forecast, items, stock, PolicyParams(cost_override_margin=None))
    matrix = pd.DataFrame({"abc": ["A"], "xyz": ["X"], "skus": [1], "share_of_volume": [0.5], "share_of_value": [0.7]})
    loads = pd.DataFrame({"file_path": ["a.csv"], "kind": ["orders"], "rows_read": [10], "rows_loaded": [8],
                          "rows_already_loaded": [0], "rows_rejected": [2], "rejected_by_rule": ["cancellation=2"]})
    stages = pd.DataFrame({"stage": ["ingest"], "seconds": [1.25], "rows": [8]})
    run = {"run_id": "R1", "as_of": "2011-12-09", "period": "week", "generated_at": "2026-11-23 10:00"}
    return build_context(run, recs, matrix, loads, stages)


def test_headline_figures():
    ctx = _context("mug")
    assert (ctx["skus"], ctx["jic"], ctx["jit"]) == (3, 1, 2)
    assert ctx["reorder_count"] == 2
    assert ctx["capital_jic"] > 0


def test_render_escapes_data_and_shows_figures():
    html = render_report(_context("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Run R1" in html and "cancellation=2" in html and "Reorder now" in html


def test_markdown_summary_for_the_artifact():
    from reports import markdown_summary

    classes, forecast, items, stock = _inputs()
    recs = recommend(classes, forecast, items, stock, PolicyParams(cost_override_margin=None))
    md = markdown_summary("R9", recs)
    assert md.startswith("## jitjic run R9") and "reorder today: 2 SKUs" in md
    assert md.count("\n| ") == 2 + 2  # header, rule, two reorder lines
