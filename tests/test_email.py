"""The report and alert emails over a real SMTP server on localhost; parse what arrives."""

import csv
import io
import re
from pathlib import Path

import duckdb
import numpy as np
import pytest
from openpyxl import load_workbook

from tests.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.flow
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _settings(base: Path, port: int, orders=None, **email):
    from jitjic.settings import load_settings

    return load_settings(
        None,
        use_default_file=False,
        paths={
            "database": base / "j.duckdb",
            "analysts_database": base / "analysts.duckdb",
            "reports_dir": base / "reports",
        },
        inputs={
            "orders": orders or [str(SAMPLE / "online_retail_sample.csv.gz")],
            "items": [str(SAMPLE / "items.csv")],
            "stock": [str(SAMPLE / "stock.csv")],
        },
        email={
            "enabled": True,
            "host": "127.0.0.1",
            "port": port,
            "sender": "jitjic@example.test",
            "recipients": ["buyer@example.test", "planner@example.test"],
            "ops_recipients": ["ops@example.test"],
            "retry_delays_seconds": [0.1, 0.1],
            **email,
        },
        simulation={"weeks": 4},
    )


@pytest.fixture(scope="module")
def delivered(prefect_harness, tmp_path_factory):
    from jitjic.flows.nightly import nightly

    base = tmp_path_factory.mktemp("mail")
    # a description with markup must arrive escaped
    raw = (SAMPLE / "items.csv").read_text().splitlines()
    header, first = raw[0].split(","), raw[1].split(",")
    items = base / "items.csv"
    items.write_text(
        ",".join(header + ["description"])
        + "\n"
        + ",".join(first + ["<script>alert(1)</script>"])
        + "\n"
        + "\n".join(line + "," for line in raw[2:])
        + "\n"
    )
    with SmtpServer() as server:
        settings = _settings(base, server.port)
        settings = settings.model_copy(update={"inputs": settings.inputs.model_copy(update={"items": [str(items)]})})
        result = nightly(settings)
    return settings, result, server.inbox.messages, first[0]


def test_report_arrives_with_everything(delivered):
    settings, result, messages, _ = delivered
    assert result["email"] == "sent" and len(messages) == 1
    rcpts, msg = messages[0]
    assert sorted(rcpts) == ["buyer@example.test", "planner@example.test"]
    assert "buyer@example.test" in msg["To"] and "planner@example.test" in msg["To"]
    html = msg.get_body(preferencelist=("html",)).get_content()
    cids = {part["Content-ID"].strip("<>") for part in msg.walk() if part.get("Content-ID")}
    for name in ("heatmap", "capital", "accuracy"):
        assert f"cid:{name}" in html and name in cids
    assert "http://" not in html and "https://" not in html and "<script" not in html.lower().replace("&lt;script", "")


def _due(settings, run_id):
    con = duckdb.connect(str(settings.paths.database), read_only=True)
    try:
        as_of = con.execute("select as_of from runs where run_id = ?", [run_id]).fetchall()[0][0]
        due = con.execute(
            "select sku, urgency from recommendations where run_id = ? and reorder_now order by sku", [run_id]
        ).fetchall()
    finally:
        con.close()
    return as_of, due


def test_mail_structure_survives_clients(delivered):
    from email.utils import parsedate_to_datetime

    settings, result, messages, _ = delivered
    _, msg = messages[0]
    assert parsedate_to_datetime(msg["Date"]).tzinfo is not None  # a Date header, with its zone
    assert re.fullmatch(r"<[^@>]+@example\.test>", msg["Message-ID"])
    # mixed( alternative( text, related( html, images ) ), workbook, csv )
    assert msg.get_content_type() == "multipart/mixed"
    body, *attached = msg.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    text, related = body.get_payload()
    assert text.get_content_type() == "text/plain" and related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html" and len(images) >= 4
    for image in images:  # shown in the page, never listed as a file
        assert image.get_content_type() == "image/png" and image.get_content_disposition() == "inline"
        assert image.get_filename() is None and image["Content-ID"]
    assert [p.get_filename() for p in attached] == ["jitjic_recommendations.xlsx", "reorder_now.csv"]
    assert [p.get_filename() for p in msg.iter_attachments()] == ["jitjic_recommendations.xlsx", "reorder_now.csv"]
    html = html_part.get_content()
    referenced = set(re.findall(r'src="cid:([^"]+)"', html))
    assert referenced == {i["Content-ID"].strip("<>") for i in images}  # every image shown, none missing
    assert {n for n in referenced if n.startswith("drill_")}  # per-SKU charts for the top lines
    assert "<style" not in html and "flex" not in html and 'style="' in html  # CSS inlined by css-inline


def test_subject_and_text_carry_the_figures(delivered):
    settings, result, messages, _ = delivered
    _, msg = messages[0]
    as_of, due = _due(settings, result["run_id"])
    overdue = sum(u == "overdue" for _, u in due)
    assert msg["Subject"].startswith(
        f"[jitjic] Purchasing {as_of:%Y-%m-%d}: {len(due)} order lines due today ({overdue} overdue)"
    )
    assert result["run_id"] not in msg["Subject"] and "SAME STOCK" not in msg["Subject"]
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert (
        f"business date {as_of:%Y-%m-%d}" in text and f"Due today: {len(due)} order lines ({overdue} overdue)" in text
    )
    assert "Exceptions: " in text and "Buffer stock (JIC): GBP " in text and "Forecasts: " in text
    rows = list(csv.DictReader(io.StringIO(_attachment(msg, "reorder_now.csv"))))
    top = rows[0]  # the CSV and the text list the lines in the same order: the first is the most urgent
    assert re.search(
        rf"{top['urgency']}\s+by {top['order_by']}\s+{re.escape(top['sku'])}\s+"
        rf"{int(top['reorder_qty']):,} units",
        text,
    )
    assert "more lines in the attached workbook" in text


def _attachment(msg, name):
    data = next(p.get_content() for p in msg.iter_attachments() if p.get_filename() == name)
    return data.decode() if isinstance(data, bytes) else data


def test_attachments_match_the_warehouse(delivered):
    settings, result, messages, _ = delivered
    _, msg = messages[0]
    files = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    con = duckdb.connect(str(settings.paths.database), read_only=True)
    run = result["run_id"]
    n_recs = con.execute("select count(*) from recommendations where run_id = ?", [run]).fetchall()[0][0]
    reorder = dict(
        con.execute("select sku, reorder_qty from recommendations where run_id = ? and reorder_now", [run]).fetchall()
    )
    n_exceptions = con.execute("select count(*) from run_exceptions where run_id = ?", [run]).fetchall()[0][0]
    con.close()
    wb = load_workbook(io.BytesIO(files["jitjic_recommendations.xlsx"]))
    assert wb.sheetnames == ["Order proposal", "Exceptions", "Policy changes", "Recommendations", "Class changes"]
    assert wb["Recommendations"].max_row == n_recs + 1 and wb["Exceptions"].max_row == n_exceptions + 1
    assert wb["Recommendations"].freeze_panes == "B2" and wb["Recommendations"]["A1"].font.bold
    assert wb["Recommendations"]["A1"].value == "SKU" and wb["Recommendations"].auto_filter.ref
    order = wb["Order proposal"]
    header = [c.value for c in order[1]]
    urgency = [r[header.index("Urgency")] for r in order.iter_rows(min_row=2, values_only=True)]
    assert set(urgency) <= {"overdue", "today", "this week"} and urgency.count("overdue") + urgency.count(
        "today"
    ) == len(reorder)
    rows = list(csv.DictReader(io.StringIO(_attachment(msg, "reorder_now.csv"))))
    assert {r["sku"]: int(r["reorder_qty"]) for r in rows} == {s: int(np.ceil(q - 1e-6)) for s, q in reorder.items()}
    ranks = [("overdue", "today").index(r["urgency"]) for r in rows]
    by_supplier = {}
    for r, rank in zip(rows, ranks, strict=True):  # per supplier: overdue lines first, then by value
        by_supplier.setdefault(r["supplier"], []).append((rank, -float(r["reorder_value"])))
    assert all(v == sorted(v) for v in by_supplier.values())


def test_the_report_says_what_jit_is_exposed_to(delivered):
    _, result, messages, _ = delivered
    page = Path(result["report"]).read_text()
    assert "Would the advice have paid off?" in page
    assert "No buffer here is sized for a black swan" in page and "a late supplier" in page


def test_the_mail_reads_on_a_phone_and_a_desktop(delivered, tmp_path):
    """The received HTML in headless Chromium at 390 px and 1280 px: nothing wider than the
    screen, every image shown."""
    screenshots = _screenshots_module()
    if screenshots.chromium() is None:
        pytest.skip("no Chromium on this machine (apt-get install -y chromium)")
    _, msg = delivered[2][0]
    html = screenshots.received_html(msg)
    for width in screenshots.WIDTHS:
        seen = screenshots.measure(html, width, tmp_path)
        assert seen["width"] == width and seen["scroll_width"] <= width, seen
        assert seen["wider_than_screen"] == [] and seen["images"] >= 4 and seen["broken"] == 0, seen


def _screenshots_module():
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "docs" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("jitjic_docs_screenshots", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_markup_from_data_arrives_escaped(delivered):
    settings, result, messages, sku = delivered
    _, msg = messages[0]
    html = msg.get_body(preferencelist=("html",)).get_content()
    disk = Path(result["report"]).read_text()
    for page in (html, disk):
        assert "<script>alert(1)</script>" not in page
    con = duckdb.connect(str(settings.paths.database), read_only=True)
    desc = con.execute("select description from items where sku = ?", [sku]).fetchall()[0][0]
    con.close()
    assert desc == "<script>alert(1)</script>"


def test_failing_run_alerts_operations(prefect_harness, tmp_path):
    from jitjic.flows.nightly import nightly

    bad = tmp_path / "bad.csv"
    bad.write_text("InvoiceNo;StockCode\n1;A\n")
    with SmtpServer() as server:
        with pytest.raises(Exception, match="bad.csv"):
            nightly(_settings(tmp_path, server.port, orders=[str(bad)]))
        messages = server.inbox.messages
    assert len(messages) == 1
    rcpts, msg = messages[0]
    assert rcpts == ["ops@example.test"] and "FAILED at ingest" in msg["Subject"]
    body = msg.get_content()
    assert "bad.csv" in body and "run id: " in body


def test_unreachable_smtp_keeps_report_and_results(prefect_harness, tmp_path):
    from jitjic.flows.nightly import nightly

    settings = _settings(tmp_path, free_port(), password="s3cret-do-not-log", user="jitjic", allow_plaintext_auth=True)
    result = nightly(settings)
    assert result["email"].startswith("failed")
    assert Path(result["report"]).exists() and (Path(result["report"]).parent / "reorder_now.csv").exists()
    con = duckdb.connect(str(settings.paths.database), read_only=True)
    assert con.execute("select run_id, status from latest_run").fetchall() == [(result["run_id"], "completed")]
    params = con.execute("select parameters from runs").fetchall()[0][0]
    con.close()
    assert "s3cret-do-not-log" not in params and "s3cret-do-not-log" not in Path(result["report"]).read_text()
    assert "s3cret-do-not-log" not in repr(settings) and "s3cret-do-not-log" not in str(settings.as_dict())


def test_report_command_renders_and_sends(delivered, tmp_path):
    from click.testing import CliRunner

    from jitjic.cli import EXIT_FAILED, cli

    settings, result, _, _ = delivered
    db = str(settings.paths.database)
    cfg = tmp_path / "j.toml"
    with SmtpServer() as server:
        cfg.write_text(
            f'[paths]\nreports_dir = "{tmp_path / "out"}"\n[email]\nhost = "127.0.0.1"\nport = {server.port}\n'
            'recipients = ["boss@example.test"]\n'
        )
        ok = CliRunner().invoke(cli, ["--config", str(cfg), "--db", db, "report", "--send"])
        assert ok.exit_code == 0, ok.output
        assert f"report of run {result['run_id']}" in ok.output and "sent to boss@example.test" in ok.output
        assert (tmp_path / "out" / result["run_id"] / "report.html").exists()
        assert [r for r, _ in server.inbox.messages] == [["boss@example.test"]]
    cfg.write_text(cfg.read_text().replace(f"port = {server.port}", f"port = {free_port()}"))
    down = CliRunner().invoke(cli, ["--config", str(cfg), "--db", db, "report", "--send"])
    assert down.exit_code == EXIT_FAILED and "the report stays in" in down.output


def test_a_permanent_refusal_is_not_retried(prefect_harness, tmp_path):
    from jitjic.flows.nightly import nightly

    with SmtpServer(data_size_limit=20_000) as server:  # the report mail is larger: 552, for good
        result = nightly(_settings(tmp_path, server.port, retry_delays_seconds=[0.1, 0.1, 0.1]))
    assert result["email"].startswith("failed") and "552" in result["email"]
    assert server.inbox.greetings == 1 and server.inbox.messages == []  # one attempt, not four
    assert Path(result["report"]).exists()


def test_files_too_large_to_mail_stay_on_disk_and_the_mail_says_where(delivered, tmp_path):
    from click.testing import CliRunner

    from jitjic.cli import cli

    settings, result, _, _ = delivered
    folder = Path(result["report"]).parent
    csv_size, xlsx_size = (
        (folder / "reorder_now.csv").stat().st_size,
        (folder / "jitjic_recommendations.xlsx").stat().st_size,
    )
    limit_mb = (csv_size + xlsx_size / 2) * 4 / 3 / 1024 / 1024  # base64-encoded, both do not fit; the CSV does
    cfg = tmp_path / "j.toml"
    with SmtpServer() as server:
        cfg.write_text(
            f'[paths]\nreports_dir = "{tmp_path / "out"}"\n[email]\nhost = "127.0.0.1"\n'
            f'port = {server.port}\nrecipients = ["boss@example.test"]\nmax_attachments_mb = {limit_mb}\n'
        )
        ok = CliRunner().invoke(cli, ["--config", str(cfg), "--db", str(settings.paths.database), "report", "--send"])
        assert ok.exit_code == 0, ok.output
        ((_, msg),) = server.inbox.messages
    assert [part.get_filename() for part in msg.iter_attachments()] == ["reorder_now.csv"]
    html = msg.get_body(preferencelist=("html",)).get_content()
    out = tmp_path / "out" / result["run_id"]
    assert "Not attached, too large for mail" in html and "jitjic_recommendations.xlsx (" in html and str(out) in html
    # the same run's workbook, written again: the same bytes
    assert (out / "jitjic_recommendations.xlsx").read_bytes() == (folder / "jitjic_recommendations.xlsx").read_bytes()
    assert "Not attached" not in (out / "report.html").read_text()  # the browser copy has no mail note


def test_which_files_fit_the_mail():
    from jitjic.reporting import mailed_files

    mb = 3 / 4 * 1024 * 1024  # a file of this many bytes is 1 MB in the mail (base64)
    assert mailed_files({"reorder_now.csv": mb, "book.xlsx": 2 * mb}, 3) == ["reorder_now.csv", "book.xlsx"]
    assert mailed_files({"reorder_now.csv": mb, "book.xlsx": 2 * mb}, 2.5) == ["reorder_now.csv"]
    assert mailed_files({"reorder_now.csv": 3 * mb, "book.xlsx": 2 * mb}, 2.5) == ["book.xlsx"]
    assert mailed_files({"reorder_now.csv": 3 * mb}, 1) == []


def test_permanent_and_passing_smtp_failures():
    import smtplib

    from jitjic.reports import refused_for_good

    assert refused_for_good(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert refused_for_good(smtplib.SMTPSenderRefused(552, b"too large", "jitjic@example.test"))
    assert refused_for_good(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}))
    assert not refused_for_good(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no"), "b@x": (450, b"busy")}))
    assert not refused_for_good(smtplib.SMTPDataError(451, b"try again later"))
    assert not refused_for_good(smtplib.SMTPServerDisconnected("gone"))
    assert not refused_for_good(TimeoutError("timed out")) and not refused_for_good(ConnectionRefusedError())


def test_a_rerun_on_the_same_stock_says_so_and_is_not_mailed_again(delivered, tmp_path):
    """No new stock count since the mailed run: the report says so at the top, the nightly mail
    stays home (email.send_when = "new_stock"), and a mail sent by hand says so in its subject."""
    import shutil

    from click.testing import CliRunner
    from jitjic.flows.nightly import nightly

    from jitjic.cli import cli

    settings, first, _, _ = delivered
    shutil.copy(settings.paths.database, tmp_path / "j.duckdb")  # a copy: the other tests keep theirs
    with SmtpServer() as server:
        again = settings.model_copy(
            update={
                "paths": settings.paths.model_copy(
                    update={
                        "database": tmp_path / "j.duckdb",
                        "analysts_database": tmp_path / "analysts.duckdb",
                        "reports_dir": tmp_path / "reports",
                    }
                ),
                "email": settings.email.model_copy(update={"port": server.port}),
            }
        )
        result = nightly(again)
        assert server.inbox.messages == []
    assert result["email"].startswith("not sent: no newer stock count than run " + first["run_id"])
    page = Path(result["report"]).read_text()
    notice = f"No newer stock count than the previous run ({first['run_id']}"
    assert notice in page and page.index(notice) < page.index("Order proposal")
    wb = load_workbook(Path(result["report"]).parent / "jitjic_recommendations.xlsx")
    assert all(ws["A1"].value.startswith("WARNING: " + notice) for ws in wb)
    cfg = tmp_path / "j.toml"
    with SmtpServer() as server:
        cfg.write_text(
            f'[email]\nhost = "127.0.0.1"\nport = {server.port}\nrecipients = ["boss@example.test"]\n'
            f'[paths]\nreports_dir = "{tmp_path / "out"}"\n'
        )
        ok = CliRunner().invoke(cli, ["--config", str(cfg), "--db", str(tmp_path / "j.duckdb"), "report", "--send"])
        assert ok.exit_code == 0, ok.output
        ((_, msg),) = server.inbox.messages
    assert f"SAME STOCK as run {first['run_id']}" in msg["Subject"]
    assert msg.get_body(preferencelist=("plain",)).get_content().index("WARNING: " + notice) < 200


def test_sql_lists_what_analysts_query_with_descriptions_and_rows(delivered):
    """`jitjic sql` on the published file: each table and view with its row count and its one
    line, staging hidden; the DuckDB catalogue carries the same descriptions."""
    from click.testing import CliRunner

    from jitjic.cli import cli

    settings, result, _, _ = delivered
    listing = CliRunner().invoke(cli, ["sql", "--database", str(settings.paths.analysts_database)])
    assert listing.exit_code == 0, listing.output
    lines = {line.split()[0]: line for line in listing.output.splitlines()[:-1]}
    assert "stg_order_lines" not in listing.output
    con = duckdb.connect(str(settings.paths.analysts_database), read_only=True)
    try:
        n_recs = con.execute("select count(*) from recommendations").fetchall()[0][0]
        n_due = con.execute("select count(*) from reorder_now").fetchall()[0][0]
        undescribed = con.execute(
            "select table_name from duckdb_tables() where comment is null union all "
            "select view_name from duckdb_views() where not internal and comment is null "
            "and view_name not like 'stg_%'"
        ).fetchall()
    finally:
        con.close()
    assert undescribed == []
    assert re.fullmatch(
        rf"recommendations\s+table\s+{n_recs:,} rows\s+Every run's advice per SKU.*", lines["recommendations"]
    )
    assert re.fullmatch(rf"reorder_now\s+view\s+{n_due:,} rows\s+What to order today.*", lines["reorder_now"])
    for name in ("exceptions", "policy_changes", "forecast_vs_actual", "runs"):
        assert name in lines
    assert listing.output.splitlines()[-1].startswith(f"{len(lines)} tables and views")


def test_the_mail_page_on_disk_shows_its_images(delivered):
    """report_email.html beside its charts: every image it shows is a file in its folder."""
    _, result, _, _ = delivered
    folder = Path(result["report"]).parent
    sources = re.findall(r'src="([^"]+)"', (folder / "report_email.html").read_text())
    assert sources and all((folder / s).is_file() for s in sources), sources
    assert not any(s.startswith("cid:") for s in sources)
