"""What a buyer reads: the triaged proposal, the stock warnings, the mail's subject, text and
inlined HTML, the workbook and the CSV, on hand-made recommendations."""

import io
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest
from jitjic.reports import (
    build_context,
    by_supplier,
    due_today,
    mail_subject,
    proposal_lines,
    render_email,
    render_report,
    render_text,
    reorder_csv,
    stock_notices,
    workbook_bytes,
)
from openpyxl import load_workbook

AS_OF = date(2011, 12, 9)


def _recs() -> pd.DataFrame:
    """Five items of two suppliers and one without: urgency, value and stock set by hand."""
    rows = [
        # sku, supplier, policy, urgency, reorder_now, reorder_qty, unit_cost, reorder_point, order_qty
        ("A-LATER", "ACME", "JIC", "later", False, 0.0, 1.0, 10.0, 50.0),
        ("A-SMALL", "ACME", "JIC", "overdue", True, 10.0, 1.0, 9445.53, 10.0),
        ("A-BIG", "ACME", "JIC", "today", True, 100.0, 5.0, 80.2, 100.0),
        ("B-OVER", "BOLT", "JIC", "overdue", True, 13806.0, 2.0, 120.0, 13806.0),
        ("B-WEEK", "BOLT", "JIC", "this week", False, 0.0, 2.0, 40.0, 23.0),
        ("X-NONE", None, "JIT", "today", True, 3.0, 7.0, 1.0, 3.0),
    ]
    recs = pd.DataFrame(
        rows,
        columns=[
            "sku",
            "supplier",
            "policy",
            "urgency",
            "reorder_now",
            "reorder_qty",
            "unit_cost",
            "reorder_point",
            "order_qty",
        ],
    )
    recs["run_id"] = "R2"
    recs["description"] = [f"item {s}" for s in recs["sku"]]
    recs["reorder_value"] = recs["reorder_qty"] * recs["unit_cost"]
    recs["order_by"] = [None if u == "later" else AS_OF for u in recs["urgency"]]
    recs["days_until_stockout"] = [30.0, 0.4, 12.0, 1.0, 9.5, 3.0]
    recs["on_hand"], recs["on_order"] = 5.0, 0.0
    recs["order_up_to"] = recs["reorder_point"] + recs["order_qty"]
    recs["moq"], recs["pack_size"] = 1.0, [1.0, 1.0, 1.0, 1.0, 5.0, 1.0]
    recs["lead_time_days"], recs["reason"] = 14.0, "because"
    recs["capital_tied_up"], recs["orders_per_year"] = 10.0, 4.0
    recs["decided_by"], recs["risk_flag"], recs["assumed"] = "cost", None, None
    return recs


def test_proposal_is_per_supplier_most_urgent_first_then_by_value():
    lines = proposal_lines(_recs())
    # BOLT has an overdue line worth more than ACME's overdue one; the line without a supplier is
    # due today only; within a supplier: overdue, today, this week, each by value
    assert list(lines["sku"]) == ["B-OVER", "B-WEEK", "A-SMALL", "A-BIG", "X-NONE"]
    assert lines.loc[lines["sku"] == "X-NONE", "supplier"].item() == "(no supplier in the item master)"
    # due today is reorder now: overdue or today; the line due this week gets its planned order
    # (its EOQ 23, in whole packs of 5: 25)
    assert list(due_today(lines)["sku"]) == ["B-OVER", "A-SMALL", "A-BIG", "X-NONE"]
    assert lines.set_index("sku").loc["B-WEEK", "qty"] == 25
    summary = by_supplier(lines).set_index("supplier")
    assert summary.loc["BOLT", "overdue"] == 1 and summary.loc["BOLT", "this_week"] == 1
    assert summary.loc["ACME", "value_today"] == pytest.approx(10.0 + 500.0)


def test_stock_notices_say_same_stock_and_old_stock():
    fresh = {"as_of": AS_OF, "stock_date": date(2011, 12, 8), "same_stock": False, "previous_run_id": None}
    assert stock_notices(fresh, 7) == []
    same = {**fresh, "same_stock": True, "previous_run_id": "R1", "previous_as_of": AS_OF}
    (notice,) = stock_notices(same, 7)
    assert "No newer stock count than the previous run (R1" in notice and "do not order these lines twice" in notice
    old = {**fresh, "stock_date": date(2011, 11, 20)}
    (notice,) = stock_notices(old, 7)
    assert "19 days old" in notice and "counted 2011-11-20" in notice
    assert stock_notices(old, 30) == []
    (none,) = stock_notices(fresh, 7, counted=False)
    assert none.startswith("No stock count has been loaded")


def test_subject_names_the_business_date_and_the_lines_due():
    facts = {"as_of": "2011-12-09", "due_today": 4, "overdue": 2, "this_week": 1}
    assert mail_subject("[jitjic]", facts) == (
        "[jitjic] Purchasing 2011-12-09: 4 order lines due today (2 overdue), 1 more this week"
    )
    again = mail_subject("[jitjic]", {**facts, "same_stock": True, "previous_run_id": "R1"})
    assert "SAME STOCK as run R1" in again and "4 order lines due today" in again
    old = mail_subject("[jitjic]", {**facts, "stale": True, "stock_age_days": 19.0})
    assert old.endswith("; stock count 19 days old")


def _context(recs=None, **kw):
    recs = _recs() if recs is None else recs
    run = {"run_id": "R2", "as_of": AS_OF, "period": "week", "generated_at": "2026-11-23 10:00"}
    exceptions = pd.DataFrame(
        {
            "sku": ["A-LATER"],
            "description": ["item A-LATER"],
            "exception": ["excess stock"],
            "money_at_stake": [123.0],
            "rule": ["on hand above ..."],
            "detail": ["500 units"],
        }
    )
    stock = {"as_of": AS_OF, "stock_date": date(2011, 11, 20), "same_stock": False}
    return build_context(
        run,
        recs,
        pd.DataFrame(),
        pd.DataFrame(),
        pd.DataFrame(),
        exceptions=exceptions,
        stock=stock,
        currency="EUR",
        **kw,
    )


def test_warning_tops_the_page_the_mail_and_its_text():
    ctx = _context()
    html, mail, text = render_report(ctx), render_email(ctx), render_text(ctx)
    for page in (html, mail):
        warn = page.index("The stock count is 19 days old")
        assert warn < page.index("due today (2 overdue)") < page.index("Order proposal")
    assert text.index("WARNING: The stock count is 19 days old") < text.index("Due today: 4 order lines (2 overdue)")
    assert "EUR 28,143.00" in text  # 13806 x 2 + 10 + 500 + 21: the value due today, in the currency
    # the top order lines, most urgent first, with their order-by date and whole units
    assert re.search(r"overdue\s+by 2011-12-09\s+B-OVER\s+13,806 units\s+EUR 27,612.00", text)
    assert text.index("B-OVER") < text.index("A-SMALL") < text.index("X-NONE")
    # one order line a line, however the exception text ends
    flagged = _recs().assign(exceptions=["excess stock", None, "season ending", None, None, None])
    text = render_text(_context(recs=flagged))
    rows = [line for line in text.splitlines() if re.match(r"  (overdue|today|this week)\s+by ", line)]
    assert len(rows) == 5 and all(line.count(" by 20") == 1 for line in rows)
    assert sum("[exception: " in line for line in rows) >= 1 and "nan" not in text
    # with room for two lines, the text part names every supplier: shown, or listed after
    short = render_text(_context(text_lines=2))
    for supplier in ("BOLT", "ACME", "(no supplier in the item master)"):
        assert supplier in short


def test_mail_html_has_its_css_inline_and_no_flexbox():
    mail = render_email(_context())
    assert "<style" not in mail and "flex" not in mail
    assert re.search(r'<td class="group"[^>]*style="[^"]*background: ?#eaf1fb', mail)
    assert re.search(r'<table class="page"[^>]*style="[^"]*table-layout: ?fixed', mail)
    # the page is tables for layout: no div boxes that Outlook's engine would drop
    assert "<div" not in mail


def test_workbook_filters_prints_and_speaks_in_words():
    ctx_lines = proposal_lines(_recs())
    notices = ["The stock count is 19 days old"]
    exceptions = pd.DataFrame({"sku": ["A-LATER"], "exception": ["excess stock"], "money_at_stake": [123.0]})
    changes = pd.DataFrame(columns=["run_id", "sku", "abc_from", "abc_to", "why"])
    wb = load_workbook(
        io.BytesIO(workbook_bytes(_recs(), ctx_lines, changes, exceptions=exceptions, currency="EUR", notices=notices))
    )
    assert wb.sheetnames == ["Order proposal", "Exceptions", "Recommendations", "Class changes"]
    for ws in wb:  # the warning above every table, the header below it, repeated on every page
        assert ws["A1"].value == "WARNING: The stock count is 19 days old"
        assert ws["A2"].value == "SKU" and ws.auto_filter.ref.startswith("A2:")
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$2:$2"
    order = wb["Order proposal"]
    header = [c.value for c in order[2]]
    assert header[:2] == ["SKU", "Description"] and "run_id" not in header and "Run id" not in header
    for title in ("Order by (date)", "Order (units)", "MOQ (units)", "Pack (units)", "Value (EUR)", "Reason"):
        assert title in header
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in order.iter_rows(min_row=3, values_only=True)}
    assert rows["B-OVER"]["Order (units)"] == 13806 and rows["B-OVER"]["Order by (date)"].date() == AS_OF
    assert rows["A-SMALL"]["Reorder point (units)"] == 9446  # whole units, rounded up
    assert order.auto_filter.ref == f"A2:{order.cell(row=2, column=len(header)).column_letter}{2 + len(rows)}"
    recs = wb["Recommendations"]
    assert "Unit cost (EUR)" in [c.value for c in recs[2]]


def test_reorder_csv_writes_whole_units():
    lines = due_today(proposal_lines(_recs()))
    text = reorder_csv(lines)
    header, first = text.splitlines()[:2]
    assert header.startswith("sku,description,supplier,urgency,order_by,days_until_stockout,reorder_qty,moq,pack_size")
    row = dict(zip(header.split(","), first.split(","), strict=True))
    assert row["sku"] == "B-OVER" and row["reorder_qty"] == "13806" and row["reorder_value"] == "27612.00"
    assert row["order_by"] == "2011-12-09" and row["days_until_stockout"] == "1"
    assert "9446," in text and "9445.53" not in text  # the reorder point of A-SMALL


def test_days_the_stock_lasts_read_as_words():
    ctx = _context()
    html = render_report(ctx)
    assert "Stock on hand lasts less than a day" in html  # A-SMALL: 0.4 days
    assert "Stock on hand lasts 1 day," in html and "lasts 12 days" in html


def test_exceptions_and_policy_changes_sections():
    changes = pd.DataFrame(
        {
            "sku": ["B-WEEK"],
            "description": ["item B-WEEK"],
            "policy_from": ["JIT"],
            "policy_to": ["JIC"],
            "decided_by": ["cost"],
            "capital_change": [55.0],
            "reason": ["JIC 10/yr vs JIT 30/yr"],
        }
    )
    html = render_report(_context(policy_changes=changes))
    assert "Exceptions: 1, EUR 123 at stake" in html and "excess stock" in html and "500 units" in html
    assert "Policy changes since the previous run (1)" in html and "JIT → JIC" in html and "+55.00" in html


def test_no_exceptions_and_no_changes_are_said_plainly():
    ctx = build_context({"run_id": "R1", "as_of": AS_OF}, _recs(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    html = render_report(ctx)
    assert "No exceptions in this run." in html and "No item changed policy since the previous run." in html
    assert np.isclose(ctx["value_today"], 27612 + 10 + 500 + 21)


def test_a_run_on_the_same_stock_is_told_and_not_mailed(con, tmp_path):
    import json

    from jitjic import warehouse
    from jitjic.reporting import ReportFiles, mail_withheld
    from jitjic.settings import load_settings

    def night(run_id, day):
        warehouse.start_run(con, run_id, None, {})
        warehouse.record_stock_used(con, run_id)
        warehouse.finish_run(con, run_id, day, {}, ended_at=pd.Timestamp(day).to_pydatetime())
        return warehouse.stock_status(con, run_id)

    assert night("R0", "2011-12-05")["stock_load_id"] is None  # no count yet: nothing to compare
    con.execute("insert into stock_snapshots values ('2011-12-05', 'A', 5, 0, 1), ('2011-12-05', 'B', 1, 0, 1)")
    first = night("R1", "2011-12-06")
    assert first["stock_load_id"] == 1 and str(first["stock_date"]) == "2011-12-05" and not first["same_stock"]
    again = night("R2", "2011-12-07")
    assert again["same_stock"] and again["previous_run_id"] == "R1"
    con.execute("insert into stock_snapshots values ('2011-12-07', 'A', 4, 0, 2)")  # a newer count of one SKU
    newer = night("R3", "2011-12-08")
    assert not newer["same_stock"] and newer["stock_load_id"] == 2 and str(newer["stock_date"]) == "2011-12-07"
    # the mail of R3's list failed: the next run on the same stock is compared with R2's mailed
    # list, not R3's unsent one, so R3's list goes out after all
    warehouse.set_mail_status(con, "R3", "failed")
    after_failure = night("R4", "2011-12-09")
    assert after_failure["previous_run_id"] == "R2" and not after_failure["same_stock"]

    folder = tmp_path / "R2"
    folder.mkdir()
    (folder / "report.json").write_text(json.dumps({"same_stock": True, "previous_run_id": "R1"}))
    files = ReportFiles.in_folder(folder)
    settings = load_settings(None, use_default_file=False)
    assert "no newer stock count than run R1" in mail_withheld(files, settings)
    always = settings.model_copy(update={"email": settings.email.model_copy(update={"send_when": "always"})})
    assert mail_withheld(files, always) is None
    (folder / "report.json").write_text(json.dumps({"same_stock": False}))
    assert mail_withheld(files, settings) is None


def test_progress_lines_carry_the_date_and_the_counts():
    from rich.console import Console

    from jitjic import progress

    out = io.StringIO()
    lines = progress.StageLines(Console(file=out, force_terminal=False, width=200))
    with lines, progress.listening(lines), progress.listening(lambda *a: 1 / 0):  # a broken listener is ignored
        progress.tell("started", "ingest")
        progress.tell("update", "ingest", files=1, rows=1200)
        progress.tell("done", "ingest", seconds=2.5, files=3, rows=95481)
        progress.tell("started", "forecast")
        progress.tell("failed", "forecast", error="ValueError: bad")
    progress.tell("started", "ignored")  # nobody listens any more
    text = out.getvalue().splitlines()
    stamp = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \| "
    assert re.fullmatch(stamp + r"ingest\s+started", text[0])
    assert re.fullmatch(stamp + r"ingest\s+done in\s+2\.5 s: files 3, rows 95,481", text[1])
    assert re.fullmatch(stamp + r"forecast\s+FAILED: ValueError: bad", text[-1]) and len(text) == 4


def test_a_supplier_without_a_line_shown_is_named_not_an_empty_header():
    """With only the top line shown, ACME's and the supplier-less lines are not headers over
    nothing (read as "nothing to order"): they are named under the table with their lines."""
    html = render_report(_context(top_n=1))
    proposal = html[html.index("Order proposal") : html.index("Exceptions:")]
    assert "BOLT: " in proposal and "ACME: " not in proposal
    assert re.search(r"2 more suppliers with [34] lines due, in the workbook \(sheet Order proposal\): ", proposal)
    assert re.search(r"ACME \([0-9]+ lines?, ", proposal)


def test_every_supplier_gets_its_share_of_the_lines_shown():
    """One supplier with forty lines due no longer hides four others: each shows its most urgent
    line at least; what the shares leave goes to the most urgent lines overall."""
    from jitjic.reports.proposal import fair_share

    rows = [("BIG", "today", 100.0 - i) for i in range(40)] + [
        (s, u, v)
        for s, u, v in (
            ("A", "later", 5.0),
            ("B", "overdue", 1.0),
            ("B", "overdue", 0.5),
            ("C", "this week", 2.0),
            ("D", "today", 3.0),
        )
    ]
    lines = pd.DataFrame(rows, columns=["supplier", "urgency", "value"]).assign(
        sku=lambda f: [f"S{i}" for i in f.index]
    )
    shown = fair_share(lines, 10)
    assert len(shown) == 10 and set(shown["supplier"]) == {"BIG", "A", "B", "C", "D"}
    # shares of 10 // 5 = 2: BIG 2, A 1, B 2, C 1, D 1; the three left go to the most urgent: BIG's
    assert shown["supplier"].value_counts().to_dict() == {"BIG": 5, "B": 2, "A": 1, "C": 1, "D": 1}
    assert list(shown.index) == sorted(shown.index)  # in the proposal's own order
    assert fair_share(lines, 100).equals(lines)
    # more suppliers than lines to show: the first line of the first suppliers
    assert list(fair_share(lines, 3)["supplier"]) == ["BIG", "A", "B"]


def test_reorder_csv_carries_its_run_stock_date_and_a_key_a_repeat_shares():
    """An ERP import refuses a line it already took: a line whose own stock count is not newer
    keeps its key whatever the run; a line counted again gets a new one."""
    import csv as csv_module

    lines = due_today(proposal_lines(_recs()))

    def rows(run_id, dates):
        return list(csv_module.DictReader(io.StringIO(reorder_csv(lines.assign(stock_date=dates), run_id))))

    old = pd.Timestamp("2011-12-09")
    night, again = rows("R1", old), rows("R2", old)
    # a count of the first item only: the others keep their keys
    partly = rows("R3", [pd.Timestamp("2011-12-16")] + [old] * (len(lines) - 1))
    assert [r["run_id"] for r in night] == ["R1"] * len(lines) and night[0]["stock_date"] == "2011-12-09"
    assert night[0]["order_key"] == f"{night[0]['sku']}@2011-12-09"
    assert [r["order_key"] for r in night] == [r["order_key"] for r in again]
    assert partly[0]["order_key"] != night[0]["order_key"]
    assert [r["order_key"] for r in partly[1:]] == [r["order_key"] for r in night[1:]]
    assert len({r["order_key"] for r in night}) == len(night)  # one key a line


def test_how_long_stock_lasts_is_the_same_whole_days_everywhere():
    """Stock lasting 0.4 days: "less than a day" in the mail, 0 in the CSV and the workbook; 9.5
    days: 9 in every one (whole days it lasts, rounded down)."""
    import csv as csv_module

    recs = _recs()
    lines = proposal_lines(recs)
    html = render_report(_context())
    csv_days = {
        r["sku"]: r["days_until_stockout"] for r in csv_module.DictReader(io.StringIO(reorder_csv(due_today(lines))))
    }
    changes = pd.DataFrame(columns=["run_id", "sku", "abc_from", "abc_to", "why"])
    order = load_workbook(io.BytesIO(workbook_bytes(recs, lines, changes)))["Order proposal"]
    top = 1 if order["A1"].value == "SKU" else 2  # a warning row above the header, when there is one
    header = [c.value for c in order[top]]
    at = header.index("Stock lasts (days)")
    book = {row[0]: row[at] for row in order.iter_rows(min_row=top + 1, values_only=True)}
    for sku, days in zip(recs["sku"], recs["days_until_stockout"], strict=True):
        if sku not in set(lines["sku"]):
            continue
        whole = int(np.floor(days))
        assert book[sku] == whole, sku
        if sku in csv_days:
            assert int(csv_days[sku]) == whole, sku
        words = "less than a day" if whole < 1 else ("1 day" if whole == 1 else f"{whole} days")
        assert f"Stock on hand lasts {words}" in html
