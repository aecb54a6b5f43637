"""The nightly flow on synthetic M5-sized catalogues: wall time per stage and peak memory.

    python benchmarks/scale.py [--skus 3000 10000 30490] [--days 1941] [--cluster/--no-cluster]

For each size: ``jitjic generate`` writes a seeded catalogue (one Parquet file of order lines
per month, item master, stock), then ``jitjic run`` runs the whole nightly flow in a fresh
process (Prefect's temporary server, and with --cluster a Dask LocalCluster of 2 workers,
included). Memory is the peak of the summed RSS of that process and all its children (server,
Dask workers, process pools), sampled every 0.2 s. Targets (issue 7) at 30,490 x 1,941 days:
<= 10 minutes end to end, <= 6 GB peak, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
import psutil


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int, str]:
    """(seconds, peak tree RSS bytes, exit code, stderr tail) of ``cmd``."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps, peak, done = psutil.Process(proc.pid), 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(ps))
            except psutil.Error:
                pass
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    return time.perf_counter() - t0, peak, proc.returncode, err[-3000:]


def bench(skus: int, days: int, cluster: bool, root: Path) -> dict:
    out = root / f"syn_{skus}"
    shutil.rmtree(out, ignore_errors=True)  # a fresh warehouse: nothing loaded before
    jitjic = str(Path(sys.executable).with_name("jitjic"))
    env = dict(
        os.environ,
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_LEVEL="WARNING",
        JITJIC_CLUSTER__ENABLED="true" if cluster else "false",
    )
    gen_s, gen_peak, code, err = _run([jitjic, "generate", str(out), "--skus", str(skus), "--days", str(days)], env)
    if code:
        raise SystemExit(f"generate failed:\n{err}")
    run_s, run_peak, code, err = _run([jitjic, "--config", str(out / "jitjic.toml"), "run"], env)
    if code:
        raise SystemExit(f"run failed ({skus} SKUs):\n{err}")
    con = duckdb.connect(str(out / "work" / "jitjic_work.duckdb"), read_only=True)
    try:
        run_id = con.execute("select run_id from runs order by started_at desc limit 1").fetchall()[0][0]
        stages = con.execute(
            "select stage, seconds from run_stages where run_id = ? order by started_at", [run_id]
        ).fetchall()
        lines = con.execute("select count(*) from order_lines").fetchall()[0][0]
    finally:
        con.close()
    return {
        "skus": skus,
        "days": days,
        "lines": lines,
        "generate_s": gen_s,
        "run_s": run_s,
        "peak_gib": run_peak / 2**30,
        "stages": dict(stages),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skus", type=int, nargs="+", default=[3_000, 10_000, 30_490])
    ap.add_argument("--days", type=int, default=1_941)
    ap.add_argument(
        "--cluster",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="forecast on a Dask LocalCluster (2 workers) or in the flow's process",
    )
    ap.add_argument("--keep", type=Path, default=None, help="keep the catalogues and databases here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        results = []
        for n in args.skus:
            r = bench(n, args.days, args.cluster, root)
            results.append(r)
            print(
                f"{n:,} SKUs x {args.days:,} days: {r['lines']:,} order lines; run {r['run_s']:.1f} s, "
                f"peak {r['peak_gib']:.2f} GiB (generate {r['generate_s']:.1f} s)",
                flush=True,
            )
    stages = list(results[-1]["stages"])
    print(
        f"\nnightly flow, {'Dask LocalCluster (2 workers)' if args.cluster else 'one process'} "
        f"for the forecast stage; {os.cpu_count()} cores"
    )
    print(f"{'SKUs':>8}{'lines':>12}" + "".join(f"{s:>10}" for s in stages) + f"{'run s':>9}{'peak GiB':>10}")
    for r in results:
        print(
            f"{r['skus']:>8,}{r['lines']:>12,}"
            + "".join(f"{r['stages'].get(s, float('nan')):>10.1f}" for s in stages)
            + f"{r['run_s']:>9.1f}{r['peak_gib']:>10.2f}"
        )
    print(
        "run s: the whole `jitjic run` process, Prefect server start (and LocalCluster) included; "
        "targets at 30,490 SKUs: <= 600 s, <= 6 GiB"
    )


if __name__ == "__main__":
    main()
