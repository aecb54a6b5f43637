"""The jitjic command without Prefect: help, ingest, configuration errors and exit codes."""

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
    assert "bad.csv" in result.output and "'StockCode'" in result.output and "nothing from this file was loaded" in result.output


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
    result = CliRunner().invoke(cli, ["evaluate", str(path), "--freq", "W", "--holdout", "6", "--sku-col", "item",
                                      "--date-col", "day", "--qty-col", "units", "--output", str(out)])
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
    frame = pd.DataFrame([(f"M{i}", d.date(), int(rng.poisson(5)) + 1) for i in range(5) for d in mondays],
                         columns=["sku", "week_start", "qty"])
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
    refused = subprocess.run([*cmd, "--db", str(tmp_path / "w.duckdb"), "ingest", str(bad)], capture_output=True, text=True)
    config = subprocess.run([*cmd, "--config", str(cfg), "sql", "select 1"], capture_output=True, text=True)
    no_run = subprocess.run([*cmd, "--db", str(tmp_path / "w.duckdb"), "report"], capture_output=True, text=True)
    usage = subprocess.run([*cmd, "--bogus"], capture_output=True, text=True)
    ok = subprocess.run([*cmd, "--help"], capture_output=True, text=True)
    assert (refused.returncode, config.returncode, no_run.returncode, usage.returncode, ok.returncode) == (
        EXIT_INPUT, EXIT_CONFIG, 1, 2, 0)
    assert "Traceback" not in refused.stderr + config.stderr + no_run.stderr + usage.stderr
