"""The forecast stage on a real Dask LocalCluster (2 worker processes) through prefect-dask's
DaskTaskRunner: SKU partitions read from DuckDB by the workers, the same tables as one process."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

pytestmark = pytest.mark.flow
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TABLES = ("forecasts", "forecast_lead_time", "forecast_accuracy", "forecast_coverage", "recommendations")


def _settings(tmp_path: Path, name: str, **cluster):
    from jitjic.settings import load_settings

    return load_settings(
        None,
        use_default_file=False,
        paths={
            "database": tmp_path / f"{name}.duckdb",
            "analysts_database": tmp_path / f"{name}_analysts.duckdb",
            "reports_dir": tmp_path / f"{name}_reports",
        },
        inputs={
            "orders": [str(SAMPLE / "online_retail_sample.csv.gz")],
            "items": [str(SAMPLE / "items.csv")],
            "stock": [str(SAMPLE / "stock.csv")],
        },
        demand={"as_of": "2011-12-09"},
        simulation={"enabled": False},
        cluster=cluster,
    )


def _tables(settings, run_id: str) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(settings.paths.database), read_only=True) as con:
        return {
            t: con.execute(f"select * exclude (run_id) from {t} where run_id = ? order by all", [run_id]).df()
            for t in TABLES
        }


def test_forecast_on_local_cluster_equals_one_process(prefect_harness, tmp_path, monkeypatch):
    from distributed import Client, LocalCluster
    from jitjic.flows.nightly import nightly_for
    from prefect.settings import PREFECT_API_URL

    # the workers report to this session's Prefect server rather than each starting one
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    one = _settings(tmp_path, "one")
    single = nightly_for(one)(one)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        many = _settings(tmp_path, "many", enabled=True, address=cluster.scheduler_address, partitions=4)
        spread = nightly_for(many)(many)
        ran = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
        workers = len(client.scheduler_info()["workers"])
    assert workers == 2
    assert any("forecast_partition" in p for p in ran), ran
    assert spread["counts"]["forecast"]["partitions"] == 4
    a, b = _tables(one, single["run_id"]), _tables(many, spread["run_id"])
    assert len(a["forecasts"]) > 2000 and len(a["forecasts"]) % 8 == 0
    for table in TABLES:
        pd.testing.assert_frame_equal(b[table], a[table], check_exact=True, obj=table)


def test_global_model_cannot_be_partitioned():
    from jitjic.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="GlobalGBM learns across all SKUs"):
        load_settings(
            None, use_default_file=False, cluster={"enabled": True}, forecast={"models": ["Naive", "GlobalGBM"]}
        )


def test_a_stalled_worker_fails_the_stage_instead_of_hanging(prefect_harness, tmp_path, monkeypatch):
    """The only worker stops answering (SIGSTOP: alive to the OS, as good as dead to Dask): the
    partitioned forecast gives up after cluster.timeout_seconds instead of waiting forever, the
    run is recorded failed in the forecast stage, and nothing is published."""
    import os
    import signal

    from distributed import Client, LocalCluster
    from jitjic.flows.nightly import nightly_for
    from prefect.settings import PREFECT_API_URL

    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
        Client(cluster) as client,
    ):
        pids = list(client.run(os.getpid).values())
        stalled = _settings(
            tmp_path, "stalled", enabled=True, address=cluster.scheduler_address, partitions=2, timeout_seconds=3
        )
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        try:
            with pytest.raises(TimeoutError, match=r"forecast partitions not done after 3 s \(cluster.timeout"):
                nightly_for(stalled)(stalled)
        finally:
            for pid in pids:
                os.kill(pid, signal.SIGCONT)
    with duckdb.connect(str(stalled.paths.database), read_only=True) as con:
        runs = con.execute("select status, failed_stage, error from runs").fetchall()
        stages = [r[0] for r in con.execute("select stage from run_stages").fetchall()]
    assert len(runs) == 1 and runs[0][:2] == ("failed", "forecast") and "timeout_seconds" in runs[0][2]
    assert stages == ["ingest", "demand"]
    assert not stalled.paths.analysts_database.exists()


def test_local_cluster_workers_keep_glibcs_adaptive_malloc(tmp_path):
    """The nightly's own LocalCluster starts workers without Dask's MALLOC_TRIM_THRESHOLD_ (it
    made the forecasting kernels 3-4x slower there) but keeps one BLAS thread per worker. In a
    fresh process, as `jitjic run`: every nanny also writes its variables into its parent's
    environment, so this pytest process is no clean witness."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, os\n"
        "from pathlib import Path\n"
        "from tests.test_cluster import _settings\n"
        "from jitjic.flows.nightly import _scaled_out\n"
        "if __name__ == '__main__':\n"
        f"    runner = _scaled_out(_settings(Path({str(tmp_path)!r}), 'env', enabled=True, workers=1)).task_runner\n"
        "    with runner:\n"
        "        names = ('MALLOC_TRIM_THRESHOLD_', 'OMP_NUM_THREADS')\n"
        "        env = runner.client.run(lambda: [os.environ.get(n) for n in names])\n"
        "    print(json.dumps(list(env.values())))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[1],
        check=True,
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [[None, "1"]]
