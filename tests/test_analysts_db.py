"""Analysts keep reading while the nightly run publishes: three read-only readers in other
processes hold the published file open throughout a run; each sees the complete previous run,
and after reconnecting the complete new one — never a mix."""

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.flow
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

READER = r"""
import json, sys, time, os, duckdb
path, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
SQL = '''select r.run_id,
                (select count(*) from recommendations x where x.run_id = r.run_id),
                (select count(*) from latest_recommendations),
                (select count(distinct run_id) from runs where status = 'completed')
         from latest_run r'''
seen = []
con = duckdb.connect(path, read_only=True)
open(out + ".ready", "w").close()
while not os.path.exists(stop):
    seen.append(con.execute(SQL).fetchall()[0])
    time.sleep(0.05)
seen.append(con.execute(SQL).fetchall()[0])   # still the old connection, after the publish
con.close()
con = duckdb.connect(path, read_only=True)     # reconnect: the new file
after = con.execute(SQL).fetchall()[0]
con.close()
json.dump({"held": seen, "after": after}, open(out, "w"))
"""


def test_readers_never_block_the_run_nor_see_a_mix(prefect_harness, tmp_path):
    from jitjic.flows.nightly import nightly

    from jitjic.settings import load_settings

    analysts = tmp_path / "analysts.duckdb"
    settings = load_settings(
        None,
        use_default_file=False,
        paths={"database": tmp_path / "work.duckdb", "analysts_database": analysts, "reports_dir": tmp_path / "r"},
        inputs={
            "orders": [str(SAMPLE / "online_retail_sample.csv.gz")],
            "items": [str(SAMPLE / "items.csv")],
            "stock": [str(SAMPLE / "stock.csv")],
        },
        simulation={"enabled": False},
        report={"drilldowns": 1},
    )
    first = nightly(settings)
    (tmp_path / "script.py").write_text(READER)
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reader{i}.json" for i in range(3)]
    readers = [
        subprocess.Popen([sys.executable, str(tmp_path / "script.py"), str(analysts), str(stop), str(o)]) for o in outs
    ]
    deadline = time.time() + 60
    while not all(Path(str(o) + ".ready").exists() for o in outs) and time.time() < deadline:
        time.sleep(0.05)
    second = nightly(settings)  # must not fail though three readers hold the file open
    stop.write_text("")
    for r in readers:
        assert r.wait(timeout=60) == 0
    with duckdb.connect(str(analysts), read_only=True) as con:
        new_count = con.execute("select count(*) from recommendations where run_id = ?", [second["run_id"]]).fetchall()[
            0
        ][0]
    for out in outs:
        seen = json.loads(out.read_text())
        assert len(seen["held"]) >= 2
        for run_id, run_rows, latest_rows, completed in seen["held"]:
            # the whole previous run, consistent with itself
            assert run_id == first["run_id"] and run_rows == latest_rows > 0 and completed == 1
        run_id, run_rows, latest_rows, completed = seen["after"]
        assert run_id == second["run_id"] and run_rows == latest_rows == new_count and completed == 2
    assert not list(tmp_path.glob("analysts.duckdb.*.tmp"))


def test_failed_publish_leaves_the_live_file(prefect_harness, tmp_path):
    from jitjic import warehouse

    live = tmp_path / "analysts.duckdb"
    with duckdb.connect(str(live)) as con:
        con.execute("create table marker as select 42 as answer")
    work = warehouse.connect(tmp_path / "work.duckdb")
    warehouse.ensure_schema(work)
    work.execute("drop table simulation_results")  # the copy fails half-way through
    with pytest.raises(duckdb.Error):
        warehouse.publish_analysts_db(work, live)
    work.close()
    with duckdb.connect(str(live), read_only=True) as con:
        assert con.execute("select answer from marker").fetchall() == [(42,)]
    assert not list(tmp_path.glob("analysts.duckdb.*.tmp"))
