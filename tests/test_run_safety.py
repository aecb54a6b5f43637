"""Runs that survive readers and bad inputs: the nightly run holds the working database for its
whole length, a second run exits 4, an input that cannot be read fails the run at once (exit 3,
no retries), and a failed run is always recorded with its stage and error."""

import logging
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.flow
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
# a reader that opens the working database read-only again and again, as an analyst's notebook or
# `jitjic check` would, until told to stop; prints how often it got in and how often it was refused
READER = """
import os, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
got = refused = 0
while not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.Error as exc:
        refused += "lock" in str(exc).lower()
    else:
        got += 1
        time.sleep(0.2)
        con.close()
    time.sleep(0.05)
print(got, refused, flush=True)
"""
HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"


def _config(tmp_path: Path, orders: str | None = None) -> Path:
    cfg = tmp_path / "jitjic.toml"
    cfg.write_text(
        f'[paths]\ndatabase = "{tmp_path / "work.duckdb"}"\nanalysts_database = "{tmp_path / "analysts.duckdb"}"\n'
        f'reports_dir = "{tmp_path / "reports"}"\nlock_wait_seconds = 1\n'
        f'[inputs]\norders = ["{orders or SAMPLE / "online_retail_sample.csv.gz"}"]\n'
        f'items = ["{SAMPLE / "items.csv"}"]\nstock = ["{SAMPLE / "stock.csv"}"]\n'
        "[simulation]\nenabled = false\n[report]\ndrilldowns = 1\n",
        encoding="utf-8",
    )
    return cfg


def _run(cfg: Path) -> tuple[int, str, float]:
    """`jitjic run` as the console script, against this session's Prefect server: exit code,
    what it printed, seconds."""
    import os

    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "jitjic.cli", "--config", str(cfg), "run"], capture_output=True, text=True, env=env
    )
    return out.returncode, out.stdout + out.stderr, time.monotonic() - started


class _TaskRunLog(logging.Handler):
    """Keeps the messages of Prefect's task-run logger."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _runs(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select status, failed_stage, error from runs order by started_at").fetchall()


def test_readers_cannot_break_a_run_and_a_second_run_exits_4(prefect_harness, tmp_path):
    from jitjic.flows.nightly import STAGES, nightly

    from jitjic.settings import load_settings

    settings = load_settings(_config(tmp_path))
    (tmp_path / "reader.py").write_text(READER)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, str(tmp_path / "reader.py"), str(settings.paths.database), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        result = nightly(settings)  # before: a reader landing between two stages failed the run
    finally:
        stop.write_text("")
        got, refused = map(int, reader.communicate(timeout=30)[0].split())
    assert refused > 0, "the reader never met the run"
    with duckdb.connect(str(settings.paths.database), read_only=True) as con:
        stages = {
            s for (s,) in con.execute("select stage from run_stages where run_id = ?", [result["run_id"]]).fetchall()
        }
    assert stages == set(STAGES) and _runs(settings.paths.database) == [("completed", None, None)]

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(settings.paths.database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        code, out, seconds = _run(tmp_path / "jitjic.toml")
    finally:
        holder.kill()
        holder.wait()
    assert code == 4 and "is in use by" in out and "PID" in out and "Traceback" not in out
    assert _runs(settings.paths.database) == [("completed", None, None)]  # nothing left running


def test_an_input_that_cannot_be_read_fails_the_run_at_once(prefect_harness, tmp_path):
    import gzip

    from jitjic.flows.nightly import nightly
    from jitjic.ingest import IngestError

    from jitjic.settings import load_settings

    code, out, seconds = _run(_config(tmp_path, orders=str(tmp_path / "missing.csv")))
    assert code == 3 and "missing.csv: file not found" in out and "Traceback" not in out, out
    assert "nothing from this file was loaded" in out
    # Prefect says "Retry 1/3 will start ..." before each retry (read, not timed: a busy machine)
    assert " will start " not in out, "a missing file is not retried"
    data = gzip.compress((SAMPLE / "items.csv").read_bytes() * 50)
    (tmp_path / "cut.csv.gz").write_bytes(data[: len(data) // 2])
    heard = _TaskRunLog()
    logging.getLogger("prefect.task_runs").addHandler(heard)
    try:
        with pytest.raises(IngestError, match="cut.csv.gz: not a readable gzip file"):
            nightly(load_settings(_config(tmp_path, orders=str(tmp_path / "cut.csv.gz"))))
    finally:
        logging.getLogger("prefect.task_runs").removeHandler(heard)
    assert heard.messages  # the handler hears Prefect's task runs
    assert not any(" will start " in m for m in heard.messages), "a broken file is not retried"
    assert [(status, stage) for status, stage, _ in _runs(tmp_path / "work.duckdb")] == [
        ("failed", "ingest"),
        ("failed", "ingest"),
    ]
