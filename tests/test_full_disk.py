"""A full disk, simulated with a file size limit (RLIMIT_FSIZE): one clear message, exit code 4,
the published results untouched, and after space is freed the run completes with every file
loaded exactly once."""

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _limited(limit_bytes: int):
    def apply() -> None:
        # without this the kernel kills the writer (SIGXFSZ) instead of failing the write
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return apply


def test_ingest_on_a_full_disk(tmp_path: Path):
    db = tmp_path / "work.duckdb"
    cmd = [sys.executable, "-m", "jitjic.cli", "--db", str(db), "ingest", str(SAMPLE / "online_retail_sample.csv.gz")]
    full = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=_limited(2 << 20))
    assert full.returncode == 4, full.stderr
    assert "out of disk space" in full.stderr and "Free space there and run again" in full.stderr
    assert "Traceback" not in full.stderr
    # space freed: the same file loads completely, once
    again = subprocess.run(cmd, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    twice = subprocess.run(cmd, capture_output=True, text=True)
    assert "same file loaded before" in twice.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from load_log").fetchall() == [(1,)]
        assert (
            con.execute("select count(*) from order_lines").fetchall()[0][0]
            == con.execute("select rows_loaded from load_log").fetchall()[0][0]
            > 90_000
        )


@pytest.mark.flow
def test_nightly_run_on_a_full_disk_keeps_the_published_results(prefect_harness, tmp_path: Path):
    from jitjic.flows.nightly import nightly
    from prefect.settings import PREFECT_API_URL

    from jitjic.settings import load_settings

    cfg = tmp_path / "jitjic.toml"
    cfg.write_text(
        f'[paths]\ndatabase = "{tmp_path / "work.duckdb"}"\nanalysts_database = "{tmp_path / "analysts.duckdb"}"\n'
        f'reports_dir = "{tmp_path / "reports"}"\n'
        f'[inputs]\norders = ["{SAMPLE / "online_retail_sample.csv.gz"}"]\nitems = ["{SAMPLE / "items.csv"}"]\n'
        f'stock = ["{SAMPLE / "stock.csv"}"]\n[simulation]\nenabled = false\n[report]\ndrilldowns = 1\n',
        encoding="utf-8",
    )
    settings = load_settings(cfg)
    first = nightly(settings)
    published = (tmp_path / "analysts.duckdb").read_bytes()
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    # no file may grow past 1 MiB: the working database (larger already) cannot take new pages
    limit = 1 << 20
    run = subprocess.run(
        [sys.executable, "-m", "jitjic.cli", "--config", str(cfg), "run"],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=_limited(limit),
    )
    assert run.returncode == 4, run.stderr[-2000:]
    assert "error: run failed: out of disk space" in run.stderr
    assert (tmp_path / "analysts.duckdb").read_bytes() == published
    with duckdb.connect(str(tmp_path / "analysts.duckdb"), read_only=True) as con:
        assert con.execute("select run_id from latest_run").fetchall() == [(first["run_id"],)]
    second = nightly(settings)  # space freed
    with duckdb.connect(str(tmp_path / "work.duckdb"), read_only=True) as con:
        statuses = [s for (s,) in con.execute("select status from runs order by started_at").fetchall()]
        assert con.execute("select count(*) - count(distinct line_key) from order_lines").fetchall() == [(0,)]
    assert statuses[0] == "completed" and statuses[-1] == "completed" and statuses[1] in ("failed", "abandoned")
    assert second["counts"]["ingest"]["rows"] == 0
