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
