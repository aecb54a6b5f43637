"""The HTML report: figures from result frames, every value from data escaped."""

import numpy as np
import pandas as pd

from policy import PolicyParams, recommend
from reports import build_context, render_report
from tests.test_policy import _inputs


def _context(description: str):
    classes, forecast, items, stock = _inputs()
    items.loc[0, "description"] = description
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
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


def test_reorder_list_goes_per_supplier():
    ctx = _context("mug")
    pop, rare = (next(r for r in ctx["reorder_top"] if r["sku"] == s) for s in ("POP", "RARE"))
    assert pop["supplier"] == "S" and rare["supplier"] is None
    assert ctx["reorder_by_supplier"] == [
        {"supplier": "S", "skus": 1, "value": pop["reorder_value"]},
        {"supplier": "(no supplier in the item master)", "skus": 1, "value": rare["reorder_value"]},
    ]
    assert "<td>S</td>" in render_report(ctx)
    from reports import reorder_csv, reorder_list

    classes, forecast, items, stock = _inputs()
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    assert reorder_csv(reorder_list(recs)).splitlines()[0].startswith("sku,description,supplier,policy,reorder_qty")


def test_render_escapes_data_and_shows_figures():
    html = render_report(_context("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Run R1" in html and "cancellation=2" in html and "Reorder now" in html


def test_items_set_in_the_item_master_are_listed():
    classes, forecast, items, stock = _inputs()
    items["policy_override"] = [None, "JIC", None]
    items["target_service_level"] = [np.nan, 0.975, np.nan]
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    ctx = build_context({"run_id": "R1"}, recs, pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert ctx["decided_by"] == [{"by": "class", "skus": 2}, {"by": "item master", "skus": 1}]
    html = render_report(ctx)
    assert "Decided by class: 2, item master: 1." in html
    assert "Set in the item master, over the rules: RARE (JIC, 97.5%)." in html
    assert "Set in the item master" not in render_report(_context("mug"))


def test_markdown_summary_for_the_artifact():
    from reports import markdown_summary

    classes, forecast, items, stock = _inputs()
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    md = markdown_summary("R9", recs)
    assert md.startswith("## jitjic run R9") and "reorder today: 2 SKUs" in md
    assert md.count("\n| ") == 2 + 2  # header, rule, two reorder lines


def test_workbook_keeps_text_as_text_and_formats_columns():
    import io

    from openpyxl import load_workbook

    from reports.workbook import workbook_bytes

    recs = pd.DataFrame({
        "sku": ["A1", "B2"], "description": ["=HYPERLINK(\"http://x\",\"click\")", "https://example.com/mug"],
        "unit_cost": [1.5, np.nan], "service_level": [0.95, np.nan], "reorder_now": [True, False],
        "created_at": pd.to_datetime(["2011-12-09 12:30", None]).tz_localize("UTC"),
    })
    wb = load_workbook(io.BytesIO(workbook_bytes(recs, recs.head(1), recs.head(0))))
    ws = wb["Recommendations"]
    assert [c.value for c in ws[1]] == list(recs.columns) and ws["A1"].font.bold and ws.freeze_panes == "A2"
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=HYPERLINK") and ws["B3"].hyperlink is None
    assert ws["C2"].value == 1.5 and ws["C2"].number_format == "#,##0.00" and ws["C3"].value is None
    assert ws["D2"].number_format == "0.0%" and ws["E2"].value is True
    assert ws["F2"].value.isoformat() == "2011-12-09T12:30:00" and ws["F3"].value is None
    assert wb["Reorder now"].max_row == 2 and wb["Class changes"].max_row == 1
