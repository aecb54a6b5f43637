"""A locked or corrupt database file: one clear message, exit code 4, nothing else touched."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from jitjic.warehouse import WarehouseError

from jitjic import warehouse

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(30)"


def test_locked_database(tmp_path: Path, sample_dir: Path):
    db = tmp_path / "work.duckdb"
    warehouse.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseError, match="is in use by .*PID"):
            warehouse.connect(db)
        started = time.time()
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "jitjic.cli",
                "--db",
                str(db),
                "ingest",
                str(sample_dir / "items.csv"),
                "--kind",
                "items",
            ],
            capture_output=True,
            text=True,
        )
        assert cli.returncode == 4 and "is in use" in cli.stderr and "Traceback" not in cli.stderr
        # reading is blocked too while a run holds the working database
        check = subprocess.run(
            [sys.executable, "-m", "jitjic.cli", "--db", str(db), "check"], capture_output=True, text=True
        )
        assert check.returncode == 4 and "is in use" in check.stderr and "Traceback" not in check.stderr
        assert time.time() - started < 30
    finally:
        holder.kill()


def test_corrupt_database(tmp_path: Path):
    db = tmp_path / "work.duckdb"
    db.write_bytes(b"definitely not duckdb" * 500)
    with pytest.raises(WarehouseError, match="not a DuckDB database .* move it aside"):
        warehouse.connect(db)
    cli = subprocess.run(
        [sys.executable, "-m", "jitjic.cli", "--db", str(db), "simulate"], capture_output=True, text=True
    )
    assert cli.returncode == 4 and "not a DuckDB database" in cli.stderr
    assert db.read_bytes().startswith(b"definitely not duckdb")  # left as it was
