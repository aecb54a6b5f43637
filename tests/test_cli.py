"""The jitjic command without Prefect: help, ingest, configuration errors and exit codes."""

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from jitjic.cli import EXIT_CONFIG, EXIT_INPUT, cli


def test_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "jitjic.cli", "--help"], capture_output=True, text=True, check=True)
    assert "run" in out.stdout and "ingest" in out.stdout


def test_ingest_twice_adds_nothing(tmp_path: Path, sample_dir: Path):
    db = tmp_path / "w.duckdb"
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(db), "ingest", str(sample_dir / "online_retail_sample.csv.gz")])
    assert first.exit_code == 0, first.output
    assert "loaded" in first.output and "rejected" in first.output
    again = runner.invoke(cli, ["--db", str(db), "ingest", str(sample_dir / "online_retail_sample.csv.gz")])
    assert again.exit_code == 0
    assert "same file loaded before" in again.output
    items = runner.invoke(cli, ["--db", str(db), "ingest", "--kind", "items", str(sample_dir / "items.csv")])
    assert items.exit_code == 0 and "items" in items.output


def test_bad_file_exit_code_and_message(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "w.duckdb"), "ingest", str(bad)])
    assert result.exit_code == EXIT_INPUT
    assert (
        "bad.csv" in result.output
        and "'StockCode'" in result.output
        and "nothing from this file was loaded" in result.output
    )


def test_ingest_maps_item_master_columns_from_the_settings(tmp_path: Path):
    """ingest.item_columns and ingest.ignore_columns reach the loader; without them the file is
    refused (exit 3) naming the setting, and nothing is loaded."""
    import duckdb

    items = tmp_path / "items.csv"
    items.write_text("sku,unit_cost_eur,lead_time_weeks,moq_units\nM1,1.5,7,10\nM2,2.5,16,0\n")
    db = tmp_path / "w.duckdb"
    refused = CliRunner().invoke(cli, ["--db", str(db), "ingest", "--kind", "items", str(items)])
    assert refused.exit_code == EXIT_INPUT
    assert "'unit_cost_eur' (did you mean unit_cost?)" in refused.output and "ingest.item_columns" in refused.output
    cfg = tmp_path / "j.toml"
    cfg.write_text(
        '[ingest]\nitem_columns = { unit_cost = "unit_cost_eur", moq = "moq_units" }\n'
        'ignore_columns = ["lead_time_weeks"]\n'
    )
    loaded = CliRunner().invoke(cli, ["--config", str(cfg), "--db", str(db), "ingest", "--kind", "items", str(items)])
    assert loaded.exit_code == 0, loaded.output
    assert "read 2, loaded 2" in loaded.output and "notes: zero_moq=1" in loaded.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select sku, unit_cost, moq from items order by sku").fetchall() == [
            ("M1", 1.5, 10.0),
            ("M2", 2.5, None),
        ]


def test_bad_config_exit_code(tmp_path: Path):
    cfg = tmp_path / "j.toml"
    cfg.write_text("[forecast]\nhorizon = -2\n")
    result = CliRunner().invoke(cli, ["--config", str(cfg), "ingest", "x.csv"])
    assert result.exit_code == EXIT_CONFIG
    assert "forecast.horizon" in result.output


def test_evaluate_scores_every_method(tmp_path: Path):
    import json

    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    days = pd.date_range("2011-01-03", periods=7 * 30, freq="D")  # 30 whole weeks, Monday to Sunday
    rows = [(f"S{i}", d.date(), int(rng.poisson(3 + i))) for i in range(12) for d in days]
    rows.append(("S0", days[5].date(), "lots"))  # rejected by the ingest rules, not fatal
    path = tmp_path / "long.csv"
    pd.DataFrame(rows, columns=["item", "day", "units"]).to_csv(path, index=False)
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(
        cli,
        [
            "evaluate",
            str(path),
            "--freq",
            "W",
            "--holdout",
            "6",
            "--sku-col",
            "item",
            "--date-col",
            "day",
            "--qty-col",
            "units",
            "--output",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "12 SKUs, 30 whole weeks kept of 30 in the file (dated sales), last 6 held out" in result.output
    report = json.loads(out.read_text())
    methods = {m["method"]: m for m in report["methods"]}
    assert {"Naive", "SES", "TSB", "IMAPA", "auto"} <= set(methods)
    assert 0.5 < methods["auto"]["coverage_90"] <= 1 and methods["auto"]["pinball"] > 0
    assert all(m["rmsse"] > 0 for m in methods.values())


def test_evaluate_takes_a_file_at_the_period_grain(tmp_path: Path):
    """One row per SKU and week, dated the week's Monday: every week is whole, the last too."""
    import json

    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(4)
    mondays = pd.date_range("2012-01-02", periods=20, freq="7D")
    frame = pd.DataFrame(
        [(f"M{i}", d.date(), int(rng.poisson(5)) + 1) for i in range(5) for d in mondays],
        columns=["sku", "week_start", "qty"],
    )
    path = tmp_path / "weekly.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "w.json"
    args = ["evaluate", str(path), "--date-col", "week_start", "--holdout", "4", "--output", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "5 SKUs, 20 whole weeks kept of 20 in the file (one row per SKU and week)" in result.output
    assert json.loads(out.read_text())["periods_kept"] == 20
    # read as dated sales, the last Monday opens a week not yet over: it is left out, and said
    result = CliRunner().invoke(cli, [*args, "--grain", "line"])
    assert "19 whole weeks kept of 20 in the file (dated sales)" in result.output


def test_evaluate_rejects_a_too_long_holdout(tmp_path: Path):
    path = tmp_path / "long.csv"
    path.write_text("sku,date,qty\nA,2011-01-03,1\nA,2011-01-10,2\nA,2011-01-17,1\n")
    result = CliRunner().invoke(cli, ["evaluate", str(path), "--holdout", "2", "--output", str(tmp_path / "x.json")])
    assert result.exit_code == EXIT_CONFIG and "need at least 4" in result.output


def test_commands_needing_a_run_say_so(tmp_path: Path):
    from jitjic.cli import EXIT_FAILED

    for args in (["simulate"], ["report"]):
        result = CliRunner().invoke(cli, ["--db", str(tmp_path / "empty.duckdb"), *args])
        assert result.exit_code == EXIT_FAILED and "no completed run" in result.output
    missing = CliRunner().invoke(cli, ["sql", "--database", str(tmp_path / "nope.duckdb")])
    assert missing.exit_code == EXIT_FAILED and "does not exist yet" in missing.output


def test_the_installed_command_exits_with_the_documented_codes(tmp_path: Path):
    """Through ``main`` as the console script runs it (CliRunner's standalone mode hid a bug:
    every ctx.exit code came out as 0)."""
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    cfg = tmp_path / "j.toml"
    cfg.write_text("[forecast]\nhorizon = -2\n")
    cmd = [sys.executable, "-m", "jitjic.cli"]
    refused = subprocess.run(
        [*cmd, "--db", str(tmp_path / "w.duckdb"), "ingest", str(bad)], capture_output=True, text=True
    )
    config = subprocess.run([*cmd, "--config", str(cfg), "sql", "select 1"], capture_output=True, text=True)
    no_run = subprocess.run([*cmd, "--db", str(tmp_path / "w.duckdb"), "report"], capture_output=True, text=True)
    usage = subprocess.run([*cmd, "--bogus"], capture_output=True, text=True)
    ok = subprocess.run([*cmd, "--help"], capture_output=True, text=True)
    assert (refused.returncode, config.returncode, no_run.returncode, usage.returncode, ok.returncode) == (
        EXIT_INPUT,
        EXIT_CONFIG,
        1,
        2,
        0,
    )
    assert "Traceback" not in refused.stderr + config.stderr + no_run.stderr + usage.stderr


def _jitjic(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """The console script in this process: its exit code and what it printed (a traceback would
    raise here instead)."""
    from jitjic.cli import main

    monkeypatch.setattr(sys, "argv", ["jitjic", *args])
    try:
        main()
    except SystemExit as exc:
        out = capsys.readouterr()
        return exc.code, out.out + out.err
    raise AssertionError("main() did not exit")


def test_files_that_cannot_be_read_get_one_line_and_exit_3(tmp_path: Path, monkeypatch, capsys):
    import gzip
    import os

    gz = gzip.compress(b"InvoiceNo,StockCode,Quantity,InvoiceDate\n" + b"1,85123A,2,2010-12-01\n" * 3000)
    (tmp_path / "cut.csv.gz").write_bytes(gz[: len(gz) // 2])
    (tmp_path / "corrupt.csv.gz").write_bytes(gz[:12] + b"\xff" * 40 + gz[52:])
    (tmp_path / "folder.csv").mkdir()
    os.symlink("loop.csv", tmp_path / "loop.csv")
    db = str(tmp_path / "w.duckdb")
    for name, words in [
        ("cut.csv.gz", "corrupt or cut short"),
        ("corrupt.csv.gz", "not a readable gzip"),
        ("folder.csv", "is a directory"),
        ("loop.csv", "symbolic link loop"),
        ("absent.csv", "file not found"),
    ]:
        code, out = _jitjic(monkeypatch, capsys, "--db", db, "ingest", str(tmp_path / name))
        assert code == EXIT_INPUT and words in out and "aborted" not in out, (name, out)
        assert out.count("\n") == 1 and "nothing from this file was loaded" in out


def test_settings_files_and_variables_that_cannot_be_read(tmp_path: Path, monkeypatch, capsys):
    args = ["--db", str(tmp_path / "none.duckdb"), "check"]  # reads the settings, then stops: no database
    code, out = _jitjic(monkeypatch, capsys, "--config", str(tmp_path), *args)
    assert code == EXIT_CONFIG and "is a directory: pass the TOML file itself" in out
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[email]\nsender = "caf\xe9@example.com"\n'.encode("latin-1"))
    code, out = _jitjic(monkeypatch, capsys, "--config", str(latin), *args)
    assert code == EXIT_CONFIG and "not UTF-8 text (byte 0xe9 on line 2)" in out
    bom = tmp_path / "bom.toml"
    bom.write_bytes("\ufeff[forecast]\nhorizon = 5\n".encode())
    from jitjic.settings import load_settings

    assert load_settings(bom).forecast.horizon == 5  # Notepad's byte-order mark is fine
    monkeypatch.setenv("JITJIC_EMAIL__RECIPIENTS", "a@example.com,b@example.com")
    monkeypatch.setenv("JITJIC_POLICY__SERVICE_LEVEL", "A=0.97,B=0.9")
    monkeypatch.setenv("jitjic_forecast__horizon", "6")
    s = load_settings(None, use_default_file=False)
    assert s.email.recipients == ["a@example.com", "b@example.com"] and s.policy.service_level == {"A": 0.97, "B": 0.9}
    assert s.forecast.horizon == 6
    monkeypatch.setenv("jitjic_forecast__horizon", "soon")  # lower case: named as it was set
    code, out = _jitjic(monkeypatch, capsys, *args)
    assert code == EXIT_CONFIG and ", jitjic_forecast__horizon)" in out and "forecast.horizon" in out
    monkeypatch.delenv("jitjic_forecast__horizon")
    monkeypatch.setenv("JITJIC_FORECAST__HORIZN", "6")
    monkeypatch.setenv("jitjic_emial__host", "smtp")
    code, out = _jitjic(monkeypatch, capsys, *args)
    assert code == EXIT_CONFIG
    assert "JITJIC_FORECAST__HORIZN: not a setting; did you mean JITJIC_FORECAST__HORIZON?" in out
    assert "jitjic_emial__host: not a setting; did you mean JITJIC_EMAIL__HOST?" in out


def test_no_password_in_clear_text(tmp_path: Path, monkeypatch, capsys):
    cfg = tmp_path / "j.toml"
    cfg.write_text('[email]\nenabled = true\nuser = "jitjic"\nrecipients = ["a@example.com"]\n')
    code, out = _jitjic(monkeypatch, capsys, "--config", str(cfg), "--db", str(tmp_path / "x"), "check")
    assert code == EXIT_CONFIG and 'email.security = "none"' in out and "allow_plaintext_auth" in out
    from jitjic.reports import (
        PlaintextAuthRefused,
        SmtpConfig,
        build_message,
        refused_for_good,
        send_message,
    )

    from tests.smtp_server import SmtpServer

    msg = build_message("s", "a@example.com", ["b@example.com"], "<p>x</p>")
    with SmtpServer() as server:
        try:
            send_message(msg, SmtpConfig("127.0.0.1", server.port, user="jitjic", password="pw"))
        except PlaintextAuthRefused as exc:
            assert refused_for_good(exc) and "pw" not in str(exc)
        else:
            raise AssertionError("sent a password in clear text")
        assert server.inbox.greetings == 0  # refused before connecting
        send_message(msg, SmtpConfig("127.0.0.1", server.port))  # no login: fine
        assert len(server.inbox.messages) == 1


def test_sql_on_a_file_that_is_no_database(tmp_path: Path, monkeypatch, capsys):
    bad = tmp_path / "notes.duckdb"
    bad.write_text("not a database\n" * 400)
    code, out = _jitjic(monkeypatch, capsys, "sql", "--database", str(bad), "select 1")
    assert code == 4 and "is not a DuckDB database" in out and out.count("\n") == 1


def test_unload_command(tmp_path: Path, monkeypatch, capsys, sample_dir: Path):
    db = str(tmp_path / "w.duckdb")
    items = str(sample_dir / "items.csv")
    assert _jitjic(monkeypatch, capsys, "--db", db, "ingest", "--kind", "items", items)[0] == 0
    code, out = _jitjic(monkeypatch, capsys, "--db", db, "unload", "1")
    assert code == 0 and "unloaded load 1 (items" in out and "the next run publishes the change" in out
    code, out = _jitjic(monkeypatch, capsys, "--db", db, "unload", "1")
    assert code == 1 and "no load 1" in out
    code, out = _jitjic(monkeypatch, capsys, "--db", db, "ingest", "--kind", "items", items)
    assert code == 0 and "loaded" in out and "same file loaded before" not in out


def test_a_slow_prefect_start_is_waited_for_and_explained(monkeypatch):
    """Prefect's temporary API server took 21-22 s to start on a busy machine, past Prefect's
    20 s default: jitjic waits longer, keeps an operator's own value, and says what happened."""
    from jitjic import cli

    for name in ("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "PREFECT_LOGGING_FORMATTERS_STANDARD_DATEFMT"):
        monkeypatch.delenv(name, raising=False)
    cli._prefect_environment()
    assert int(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 60
    assert "%Y" in os.environ["PREFECT_LOGGING_FORMATTERS_STANDARD_DATEFMT"]  # log lines carry the date
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "300")
    cli._prefect_environment()
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "300"
    code, message = cli._run_failure(
        RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server."), Path("x.duckdb")
    )
    assert code == 1 and "300 s" in message and "no stage ran" in message and "PREFECT_API_URL" in message
