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

    settings = _settings(tmp_path, free_port(), password="s3cret-do-not-log", user="jitjic")
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
