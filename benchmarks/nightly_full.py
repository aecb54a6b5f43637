"""Whole nightly flow on the full Online Retail file: wall time per stage and peak memory.

    python benchmarks/nightly_full.py [path/to/online_retail.csv.gz]

Prefect's temporary API server is started by a warm-up flow first, so the timed run excludes
it. Target (issue 2): <= 60 s end to end on a 2-core machine. Item master and stock snapshot
are absent, so every SKU uses the configured defaults.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import duckdb  # noqa: E402
from prefect import flow  # noqa: E402

from flows.nightly import nightly  # noqa: E402
from jitjic.settings import load_settings  # noqa: E402

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "online_retail.csv.gz"


@flow
def _warm_up() -> int:
    return 1


def main(source: Path) -> None:
    t0 = time.perf_counter()
    _warm_up()
    server_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            None, use_default_file=False,
            paths={"database": Path(tmp) / "j.duckdb", "analysts_database": Path(tmp) / "analysts.duckdb",
                   "reports_dir": Path(tmp) / "reports"},
            inputs={"orders": [str(source)], "items": [], "stock": []},
        )
        t0 = time.perf_counter()
        result = nightly(settings)
        total = time.perf_counter() - t0
        con = duckdb.connect(str(settings.paths.database), read_only=True)
        stages = con.execute(
            "select stage, seconds, rows from run_stages where run_id = ? order by started_at", [result["run_id"]]
        ).fetchall()
        skus = con.execute("select count(*) from recommendations where run_id = ?", [result["run_id"]]).fetchall()[0][0]
        con.close()
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"source: {source}  ({skus:,} SKUs planned)")
    print(f"Prefect server start (warm-up, excluded): {server_s:6.2f} s")
    print(f"{'stage':<10}{'seconds':>9}{'rows':>12}")
    for stage, seconds, rows in stages:
        print(f"{stage:<10}{seconds:>9.2f}{rows if rows is not None else '':>12}")
    print(f"{'stages':<10}{sum(s for _, s, _ in stages):>9.2f}")
    print(f"{'flow':<10}{total:>9.2f}   (end to end, incl. Prefect task overhead)")
    print(f"peak RSS: flow process {peak_self:,.0f} MiB; largest child (Prefect server) {peak_children:,.0f} MiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
