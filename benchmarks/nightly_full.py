"""Whole nightly flow on the full Online Retail file: wall time per stage and peak memory.

    python benchmarks/nightly_full.py [path/to/online_retail.csv.gz]

Prefect's temporary API server is started by a warm-up flow first, so the timed run excludes
it. Target (issue 2): <= 60 s end to end on a 2-core machine. Item master and stock snapshot
are absent, so every SKU uses the configured defaults and nothing is due (no stock count); the
exceptions that need no stock count are still raised, and printed per rule.
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
from jitjic.flows.nightly import nightly  # noqa: E402
from prefect import flow  # noqa: E402

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
            None,
            use_default_file=False,
            paths={
                "database": Path(tmp) / "j.duckdb",
                "analysts_database": Path(tmp) / "analysts.duckdb",
                "reports_dir": Path(tmp) / "reports",
            },
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
        triage = triage_figures(con, result["run_id"])
        con.close()
        folder = Path(result["report"]).parent
        report_kb = {p.name: p.stat().st_size / 1024 for p in folder.iterdir()}
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
    print(triage)
    print(
        "report files (kB): "
        + ", ".join(f"{n} {kb:,.0f}" for n, kb in sorted(report_kb.items()) if not n.startswith("drill_"))
    )


def triage_figures(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    """The order proposal's triage and the exceptions per rule of a run, as printed lines: SKUs
    due today (overdue or today) out of all, and the count and money at stake per exception."""
    due = con.execute(
        "select count(*), count(*) filter (where reorder_now), count(*) filter (where urgency = 'overdue'), "
        "count(*) filter (where urgency = 'this week'), count(*) filter (where on_hand is not null) "
        "from recommendations where run_id = ?",
        [run_id],
    ).fetchall()[0]
    rules = con.execute(
        "select exception, count(*), sum(money_at_stake) from run_exceptions where run_id = ? "
        "group by exception order by count(*) desc",
        [run_id],
    ).fetchall()
    lines = [
        f"due today: {due[1]:,} of {due[0]:,} SKUs ({due[1] / max(due[0], 1):.0%}; {due[2]:,} overdue), "
        f"{due[3]:,} more this week; {due[4]:,} SKUs have a stock count"
    ]
    lines += [f"  exception {name:<36}{n:>7,}  at stake {money:>14,.0f}" for name, n, money in rules]
    return "\n".join(lines)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
