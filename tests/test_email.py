"""The report and alert emails over a real SMTP server on localhost; parse what arrives."""

import csv
import io
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from tests.smtp_server import SmtpServer, free_port

pytestmark = pytest.mark.flow
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _settings(base: Path, port: int, orders=None, **email):
    from jitjic.settings import load_settings

    return load_settings(
        None, use_default_file=False,
        paths={"database": base / "j.duckdb", "analysts_database": base / "analysts.duckdb",
               "reports_dir": base / "reports"},
        inputs={"orders": orders or [str(SAMPLE / "online_retail_sample.csv.gz")],
                "items": [str(SAMPLE / "items.csv")], "stock": [str(SAMPLE / "stock.csv")]},
        email={"enabled": True, "host": "127.0.0.1", "port": port, "sender": "jitjic@example.test",
               "recipients": ["buyer@example.test", "planner@example.test"],
               "ops_recipients": ["ops@example.test"], "retry_delays_seconds": [0.1, 0.1], **email},
        simulation={"weeks": 4},
    )


@pytest.fixture(scope="module")
def delivered(prefect_harness, tmp_path_factory):
    from flows.nightly import nightly

    base = tmp_path_factory.mktemp("mail")
    # a description with markup must arrive escaped
    raw = (SAMPLE / "items.csv").read_text().splitlines()
    header, first = raw[0].split(","), raw[1].split(",")
    items = base / "items.csv"
    items.write_text(",".join(header + ["description"]) + "\n" + ",".join(first + ["<script>alert(1)</script>"]) + "\n"
                     + "\n".join(line + "," for line in raw[2:]) + "\n")
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
    assert result["run_id"] in msg["Subject"] and "to reorder today" in msg["Subject"]
    html = msg.get_body(preferencelist=("html",)).get_content()
    cids = {part["Content-ID"].strip("<>") for part in msg.walk() if part.get("Content-ID")}
    for name in ("heatmap", "capital", "accuracy"):
        assert f"cid:{name}" in html and name in cids
    assert "http://" not in html and "https://" not in html and "<script" not in html.lower().replace("&lt;script", "")


def test_attachments_match_the_warehouse(delivered):
    settings, result, messages, _ = delivered
    _, msg = messages[0]
    files = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    con = duckdb.connect(str(settings.paths.database), read_only=True)
    run = result["run_id"]
    n_recs = con.execute("select count(*) from recommendations where run_id = ?", [run]).fetchall()[0][0]
    reorder = con.execute("select sku, reorder_qty from recommendations where run_id = ? and reorder_now "
                          "order by reorder_value desc, sku", [run]).fetchall()
    con.close()
    wb = load_workbook(io.BytesIO(files["jitjic_recommendations.xlsx"]))
    assert f": {len(reorder)} SKUs to reorder today" in msg["Subject"]
    assert wb.sheetnames == ["Recommendations", "Reorder now", "Class changes"]
    assert wb["Recommendations"].max_row == n_recs + 1 and wb["Reorder now"].max_row == len(reorder) + 1
    assert wb["Recommendations"].freeze_panes == "A2" and wb["Recommendations"]["A1"].font.bold
    rows = list(csv.DictReader(io.StringIO(files["reorder_now.csv"].decode() if isinstance(files["reorder_now.csv"], bytes) else files["reorder_now.csv"])))
    assert [(r["sku"], float(r["reorder_qty"])) for r in rows] == [(s, q) for s, q in reorder]


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
    from flows.nightly import nightly

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
    from flows.nightly import nightly

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
        cfg.write_text(f'[paths]\nreports_dir = "{tmp_path / "out"}"\n[email]\nhost = "127.0.0.1"\nport = {server.port}\n'
                       'recipients = ["boss@example.test"]\n')
        ok = CliRunner().invoke(cli, ["--config", str(cfg), "--db", db, "report", "--send"])
        assert ok.exit_code == 0, ok.output
        assert f"report of run {result['run_id']}" in ok.output and "sent to boss@example.test" in ok.output
        assert (tmp_path / "out" / result["run_id"] / "report.html").exists()
        assert [r for r, _ in server.inbox.messages] == [["boss@example.test"]]
    cfg.write_text(cfg.read_text().replace(f"port = {server.port}", f"port = {free_port()}"))
    down = CliRunner().invoke(cli, ["--config", str(cfg), "--db", db, "report", "--send"])
    assert down.exit_code == EXIT_FAILED and "the report stays in" in down.output


def test_a_permanent_refusal_is_not_retried(prefect_harness, tmp_path):
    from flows.nightly import nightly

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
    csv_size, xlsx_size = (folder / "reorder_now.csv").stat().st_size, (folder / "jitjic_recommendations.xlsx").stat().st_size
    limit_mb = (csv_size + xlsx_size / 2) * 4 / 3 / 1024 / 1024  # base64-encoded, both do not fit; the CSV does
    cfg = tmp_path / "j.toml"
    with SmtpServer() as server:
        cfg.write_text(f'[paths]\nreports_dir = "{tmp_path / "out"}"\n[email]\nhost = "127.0.0.1"\n'
                       f'port = {server.port}\nrecipients = ["boss@example.test"]\nmax_attachments_mb = {limit_mb}\n')
        ok = CliRunner().invoke(cli, ["--config", str(cfg), "--db", str(settings.paths.database), "report", "--send"])
        assert ok.exit_code == 0, ok.output
        (_, msg), = server.inbox.messages
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

    from reports import refused_for_good

    assert refused_for_good(smtplib.SMTPAuthenticationError(535, b"bad credentials"))
    assert refused_for_good(smtplib.SMTPSenderRefused(552, b"too large", "jitjic@example.test"))
    assert refused_for_good(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}))
    assert not refused_for_good(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no"), "b@x": (450, b"busy")}))
    assert not refused_for_good(smtplib.SMTPDataError(451, b"try again later"))
    assert not refused_for_good(smtplib.SMTPServerDisconnected("gone"))
    assert not refused_for_good(TimeoutError("timed out")) and not refused_for_good(ConnectionRefusedError())
