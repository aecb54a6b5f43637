"""The HTML report: figures from result frames, every value from data escaped."""

import numpy as np
import pandas as pd
from jitjic.policy import PolicyParams, recommend
from jitjic.reports import build_context, render_report

from tests.factories import policy_inputs


def _context(description: str):
    classes, forecast, items, stock = policy_inputs()
    items.loc[0, "description"] = description
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    matrix = pd.DataFrame({"abc": ["A"], "xyz": ["X"], "skus": [1], "share_of_volume": [0.5], "share_of_value": [0.7]})
    loads = pd.DataFrame(
        {
            "file_path": ["a.csv"],
            "kind": ["orders"],
            "rows_read": [10],
            "rows_loaded": [8],
            "rows_already_loaded": [0],
            "rows_rejected": [2],
            "rejected_by_rule": ["cancellation=2"],
        }
    )
    stages = pd.DataFrame({"stage": ["ingest"], "seconds": [1.25], "rows": [8]})
    run = {"run_id": "R1", "as_of": "2011-12-09", "period": "week", "generated_at": "2026-11-23 10:00"}
    return build_context(run, recs, matrix, loads, stages)


def test_headline_figures():
    ctx = _context("mug")
    assert (ctx["skus"], ctx["jic"], ctx["jit"]) == (3, 1, 2)
    assert ctx["due_today"] == 2  # both counted items are at or below their trigger
    assert ctx["capital_jic"] > 0


def test_reorder_list_goes_per_supplier():
    ctx = _context("mug")
    groups = {g["supplier"]: g for g in ctx["proposal"]}
    pop, rare = groups["S"]["rows"][0], groups["(no supplier in the item master)"]["rows"][0]
    assert (pop["sku"], rare["sku"]) == ("POP", "RARE")
    assert groups["S"]["lines"] == 1 and groups["S"]["value"] == pop["value"] == pop["qty"] * 2.0
    assert pop["qty"] == int(pop["qty"])  # whole units
    assert "S: 1 line, " in render_report(ctx)
    from jitjic.reports import reorder_csv, reorder_list

    classes, forecast, items, stock = policy_inputs()
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    assert reorder_csv(reorder_list(recs)).splitlines()[0].startswith("sku,description,supplier,urgency,order_by")


def test_render_escapes_data_and_shows_figures():
    html = render_report(_context("<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "run R1" in html and "cancellation=2" in html and "Order proposal" in html


def test_items_set_in_the_item_master_are_listed():
    classes, forecast, items, stock = policy_inputs()
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
    from jitjic.reports import markdown_summary

    classes, forecast, items, stock = policy_inputs()
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    md = markdown_summary("R9", recs)
    assert md.startswith("## jitjic run R9") and "reorder today: 2 SKUs" in md
    assert md.count("\n| ") == 2 + 2  # header, rule, two reorder lines


def test_workbook_keeps_text_as_text_and_formats_columns():
    import io

    from jitjic.reports.workbook import workbook_bytes
    from openpyxl import load_workbook

    recs = pd.DataFrame(
        {
            "sku": ["A1", "B2"],
            "description": ['=HYPERLINK("http://x","click")', "https://example.com/mug"],
            "unit_cost": [1.5, np.nan],
            "service_level": [0.95, np.nan],
            "reorder_now": [True, False],
            "created_at": pd.to_datetime(["2011-12-09 12:30", None]).tz_localize("UTC"),
        }
    )
    wb = load_workbook(io.BytesIO(workbook_bytes(recs, recs.head(1), recs.head(0))))
    ws = wb["Recommendations"]
    assert [c.value for c in ws[1]] == [
        "SKU",
        "Description",
        "Unit cost (currency)",
        "Service target (%)",
        "Due today",
        "Created at",
    ]
    assert ws["A1"].font.bold and ws.freeze_panes == "B2"
    assert ws["B2"].data_type == "s" and ws["B2"].value.startswith("=HYPERLINK") and ws["B3"].hyperlink is None
    assert ws["C2"].value == 1.5 and ws["C2"].number_format == "#,##0.00" and ws["C3"].value is None
    assert ws["D2"].number_format == "0.0%" and ws["E2"].value is True
    assert ws["F2"].value.isoformat() == "2011-12-09T12:30:00" and ws["F3"].value is None
    assert wb["Order proposal"].max_row == 2 and wb["Class changes"].max_row == 1


HOSTILE = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def test_text_that_a_spreadsheet_would_run_is_neutralised():
    import csv
    import io

    from jitjic.reports import reorder_csv
    from jitjic.reports.workbook import CELL_LIMIT, TRUNCATED, workbook_bytes
    from openpyxl import load_workbook

    long = "x" * (CELL_LIMIT + 10)
    n = len(HOSTILE) + 2
    recs = pd.DataFrame(
        {
            "sku": [f"S{i}" for i in range(n)],
            "description": [*HOSTILE, long, "after the long one"],
            "supplier": ["=1+1"] + ["ACME"] * (n - 1),
            "policy": ["JIC"] * n,
            "reorder_qty": [-1.5] + [2.0] * (n - 1),
            "unit_cost": 1.0,
            "reorder_value": 2.0,
            "on_hand": 0.0,
            "on_order": 0.0,
            "reorder_point": 1.0,
            "lead_time_days": 14.0,
        }
    )
    rows = list(csv.DictReader(io.StringIO(reorder_csv(recs))))
    for row, text in zip(rows, HOSTILE, strict=False):
        assert row["description"] == "'" + text  # OWASP: a leading apostrophe makes it text
    assert rows[0]["supplier"] == "'=1+1" and rows[0]["reorder_qty"] == "-2"  # numbers stay numbers (whole units)
    assert len(rows[-2]["description"]) == CELL_LIMIT and rows[-2]["description"].endswith(TRUNCATED)
    assert rows[-1]["description"] == "after the long one"
    ws = load_workbook(io.BytesIO(workbook_bytes(recs, recs, recs.head(0))))["Recommendations"]
    cells = [ws.cell(row=2 + i, column=2) for i in range(n)]
    for cell, text in zip(cells, HOSTILE, strict=False):
        # (openpyxl leaves XLSX's escape of a carriage return, _x000D_, as it is)
        assert cell.data_type == "s" and cell.value.replace("_x000D_", "\r") == text and cell.quotePrefix
    assert len(cells[-2].value) == CELL_LIMIT and cells[-2].value.endswith(TRUNCATED)
    assert cells[-1].value == "after the long one"  # the long cell no longer blanks the rest


def test_the_artifact_carries_no_markup_from_data():
    from jitjic.reports import markdown_summary

    classes, forecast, items, stock = policy_inputs()
    items["description"] = ["<script>alert(1)</script> | [x](http://evil.example) *", "a\nb", None]
    recs = recommend(classes, forecast, items, stock, PolicyParams(decide_by="class"))
    md = markdown_summary("R9", recs)
    assert "<script>" not in md and "](http" not in md and "\\|" in md and "&lt;script&gt;" in md
    assert md.count("\n| ") == 2 + 2  # a newline in a description does not break the table


def test_the_replay_sentences_name_the_policy_planned_with_and_its_price_in_service():
    """On a monthly catalogue planned with JIT everywhere: months, not weeks; the plan's own fill
    and A-item service; and a plan serving less than the per-item recommendation says why and
    what to set."""
    from jitjic.reports.sentences import simulation_sentences

    strategies = {"JIT everywhere": 0.30, "JIC everywhere": 0.95, "class rule": 0.90, "recommended": 0.72}
    simulation = pd.DataFrame(
        [
            {
                "scenario": "plain",
                "strategy": k,
                "abc": "all",
                "fill_rate": v,
                "avg_stock_value": 1e5 * v,
                "total_cost": 2e5,
                "weeks": 36,
                "target_cycle_service": np.nan,
            }
            for k, v in strategies.items()
        ]
    )
    choice = pd.DataFrame(
        {
            "candidate": ["JIT everywhere", "recommended"],
            "fill_rate": [0.30, 0.72],
            "avg_stock_value": [3e4, 7.2e4],
            "cycle_service_a": [0.451, 0.9],
            "chosen": [True, False],
            "reason": ["JIT everywhere replayed at 100/yr, against recommended 180/yr", None],
        }
    )
    text = " ".join(simulation_sentences(simulation, choice=choice, period="month", currency="EUR"))
    assert "last 36 months" in text and "weeks" not in text
    assert "Tonight's plan uses JIT everywhere, chosen by replaying 2 policies" in text
    assert "JIT everywhere replayed at 100/yr, against recommended 180/yr" in text
    assert "it served 30.0% of demand from stock with EUR 30,000 on average, A items 45.1% of their cycles" in text
    assert "42.0 points below the per-item recommendation's fill" in text and "shortage_cost" in text
    # the per-item recommendation planned with: no warning against itself
    mine = choice.assign(chosen=[False, True], reason=[None, "recommended replayed at 180/yr"])
    text = " ".join(simulation_sentences(simulation, choice=mine, period="month"))
    assert "Tonight's plan uses the per-item recommendation" in text and "points below" not in text
