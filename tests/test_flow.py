"""The real nightly Prefect flow on the bundled sample, into a temp DuckDB file."""

from pathlib import Path

import duckdb
import pytest
from jitjic.policy.simulate import SCENARIOS

pytestmark = pytest.mark.flow

STAGE_TABLES = ("demand", "forecasts", "sku_classes", "recommendations")


def q(db: Path, sql: str, params=None):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def two_runs(prefect_harness, tmp_path_factory, request):
    """Two nightly runs on the same inputs (the second must add nothing), then a failing one."""
    from jitjic.flows.nightly import nightly

    from jitjic.settings import load_settings

    base = tmp_path_factory.mktemp("flow")
    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    settings = load_settings(
        None,
        use_default_file=False,
        paths={
            "database": base / "j.duckdb",
            "analysts_database": base / "analysts.duckdb",
            "reports_dir": base / "reports",
        },
        inputs={
            "orders": [str(sample / "online_retail_sample.csv.gz")],
            "items": [str(sample / "items.csv")],
            "stock": [str(sample / "stock.csv")],
        },
    )
    first = nightly(settings)
    lines_after_first = q(settings.paths.database, "select count(*) from order_lines")[0][0]
    second = nightly(settings)
    return settings, first, second, lines_after_first


def test_popular_means_often_ordered_by_default(two_runs):
    """Default settings rank ABC by order lines, and the reasons purchasing reads say so."""
    settings, first, _, _ = two_runs
    db, run_id = settings.paths.database, first["run_id"]
    assert q(db, "select distinct abc_basis from sku_classes where run_id = ?", [run_id]) == [("hits",)]
    reasons = q(db, "select reason from recommendations where run_id = ? and reason like 'A-item%'", [run_id])
    assert reasons and all("of order lines)" in r for (r,) in reasons)


def test_the_run_plans_with_the_policy_its_replay_chose(two_runs):
    """Every candidate replayed and stored, one chosen; the policy stage plans with it, and the
    next run knows the last one's choice."""
    settings, first, second, _ = two_runs
    db = settings.paths.database
    for run in (first, second):
        rows = q(
            db, "select candidate, total_cost, chosen, reason from policy_choice where run_id = ?", [run["run_id"]]
        )
        assert len(rows) == 2 + 9 + 9  # recommended, JIT everywhere, 9 uniform levels, 9 class-rule variants
        chosen = [r for r in rows if r[2]]
        assert len(chosen) == 1 and chosen[0][3] and chosen[0][0] in chosen[0][3]
        assert run["counts"]["simulate"]["chosen"] == run["counts"]["policy"]["planned_with"] == chosen[0][0]
        # the cheapest, or last night's within the margin
        cheapest = min(cost for _, cost, _, _ in rows)
        assert chosen[0][1] <= cheapest * (1 + settings.simulation.choice_margin) + 1e-9
        noted = q(
            db,
            "select count(*) from recommendations where run_id = ? and reason like '%chosen by replay%'",
            [run["run_id"]],
        )
        assert (noted[0][0] > 0) == (chosen[0][0] != "recommended")
        # told as decided by the replay, never on a reason the lifecycle or the item master decided
        sql = (
            "select count(*) from recommendations where run_id = ? and reason like '%chosen by replay%' "
            "and decided_by in ('lifecycle', 'item master')"
        )
        assert q(db, sql, [run["run_id"]])[0][0] == 0
    previous = q(db, "select candidate from policy_choice where run_id = ? and previous", [second["run_id"]])
    assert previous == [(first["counts"]["simulate"]["chosen"],)]
    # the analysts read it, and the report says which policy tonight's plan uses
    assert q(settings.paths.analysts_database, "select count(*) from latest_policy_choice where chosen")[0][0] == 1
    report = Path(second["report"]).read_text()
    assert "Tonight&#39;s plan uses" in report or "Tonight's plan uses" in report


def test_first_run_fills_every_table(two_runs):
    settings, first, _, _ = two_runs
    db, run_id = settings.paths.database, first["run_id"]
    for table in ("forecasts", "sku_classes", "recommendations"):
        assert q(db, f"select count(*) from {table} where run_id = ?", [run_id])[0][0] > 0, table
    assert q(db, "select count(distinct sku) from sku_classes where run_id = ?", [run_id])[0][0] >= 250
    status, counts, params = q(db, "select status, counts, parameters from runs where run_id = ?", [run_id])[0]
    assert status == "completed" and '"forecast"' in counts and '"database"' in params
    stages = {s for (s,) in q(db, "select stage from run_stages where run_id = ?", [run_id])}
    assert stages == {"ingest", "demand", "forecast", "classify", "policy", "simulate", "publish", "report"}
    sims = q(
        db,
        "select count(distinct scenario), count(distinct strategy) from simulation_results where run_id = ?",
        [run_id],
    )[0]
    assert sims == (len(SCENARIOS), 4)
    # the exchange curve: JIT everywhere, JIC everywhere at each target and at equal stock, the
    # class rule and the recommendation, with the recommendation's stock matched
    curve = q(db, "select policy, setting, avg_stock_value from exchange_curves where run_id = ?", [run_id])
    assert len(curve) == 9 + 4
    rec = [v for p, _, v in curve if p == "recommended"][0]
    matched = [v for _, s, v in curve if "equal stock" in s][0]
    assert abs(matched - rec) <= 0.001 * rec
    from prefect.client.orchestration import get_client

    async def artifact():
        async with get_client() as client:
            return await client.read_latest_artifacts()

    import asyncio

    latest = [a for a in asyncio.run(artifact()) if a.key == "jitjic-nightly"]
    assert latest and "reorder today" in latest[0].data
    report = Path(first["report"])
    assert report.exists() and run_id in report.read_text()
    # forecasts carry calibrated quantiles; lead-time quantiles, accuracy and coverage are stored
    assert (
        q(db, "select count(*) from forecasts where run_id = ? and not (q50 <= q90 and q90 <= q99)", [run_id])[0][0]
        == 0
    )
    skus = q(db, "select count(distinct sku) from forecasts where run_id = ?", [run_id])[0][0]
    assert q(db, "select count(distinct sku) from forecast_lead_time where run_id = ?", [run_id])[0][0] == skus
    assert q(db, "select count(*) from forecast_accuracy where run_id = ? and selected", [run_id])[0][0] == skus
    assert q(db, "select count(*) from forecast_coverage where run_id = ? and level = 0.9", [run_id])[0][0] == 1
    policies = dict(q(db, "select policy, count(*) from recommendations where run_id = ? group by all", [run_id]))
    assert policies["JIC"] > 0 and policies["JIT"] > 0


def test_rerun_adds_nothing_and_gives_the_same_answer(two_runs):
    settings, first, second, lines_after_first = two_runs
    db = settings.paths.database
    assert q(db, "select count(*) from order_lines")[0][0] == lines_after_first
    assert q(db, "select count(*) from load_log")[0][0] == 3
    assert second["counts"]["ingest"]["new_files"] == 0
    diff = q(
        db,
        """
        select count(*) from (
            (select * exclude (run_id) from recommendations where run_id = $a
             except all select * exclude (run_id) from recommendations where run_id = $b)
            union all
            (select * exclude (run_id) from recommendations where run_id = $b
             except all select * exclude (run_id) from recommendations where run_id = $a))
    """,
        {"a": first["run_id"], "b": second["run_id"]},
    )[0][0]
    assert diff == 0
    # the same data twice: no item changed class; the summary covers every SKU
    assert q(db, "select count(*) from class_changes")[0][0] == 0
    assert q(db, "select sum(skus) from abc_summary")[0][0] == q(db, "select count(*) from latest_classes")[0][0]
    # demand is kept for the latest run only
    assert {r for (r,) in q(db, "select distinct run_id from demand")} == {second["run_id"]}
    assert q(db, "select run_id from latest_run")[0][0] == second["run_id"]


def test_failed_run_keeps_yesterdays_results(two_runs, tmp_path):
    from jitjic.flows.nightly import nightly

    settings, _, second, _ = two_runs
    db = settings.paths.database
    before = q(db, "select count(*), sum(capital_tied_up) from latest_recommendations")
    bad = tmp_path / "broken_export.csv"
    bad.write_text("InvoiceNo;StockCode;Quantity\n1;A;2\n")
    broken = settings.model_copy(update={"inputs": settings.inputs.model_copy(update={"orders": [str(bad)]})})
    with pytest.raises(Exception, match="broken_export.csv"):
        nightly(broken)
    status, stage, error = q(db, "select status, failed_stage, error from runs order by started_at desc limit 1")[0]
    assert (status, stage) == ("failed", "ingest") and "broken_export.csv" in error
    assert q(db, "select run_id from latest_run")[0][0] == second["run_id"]
    assert q(db, "select count(*), sum(capital_tied_up) from latest_recommendations") == before


def test_simulate_command_on_the_published_run(two_runs, tmp_path):
    from click.testing import CliRunner

    from jitjic.cli import cli

    settings, _, second, _ = two_runs
    out = tmp_path / "sim.csv"
    result = CliRunner().invoke(
        cli, ["--db", str(settings.paths.database), "simulate", "--weeks", "4", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert f"run {second['run_id']}: last 4 periods replayed" in result.output
    import pandas as pd

    table = pd.read_csv(out)
    assert set(table["strategy"]) == {"JIT everywhere", "JIC everywhere", "class rule", "recommended"}
    assert (table["weeks"] == 4).all()
    assert "exchange curve (per year):" in result.output and "(equal stock)" in result.output
    assert "policy the replay chooses: " in result.output


def test_sql_command_is_read_only(two_runs, tmp_path):
    from click.testing import CliRunner

    from jitjic.cli import EXIT_CONFIG, cli

    settings, _, second, _ = two_runs
    analysts = str(settings.paths.analysts_database)
    runner = CliRunner()
    listing = runner.invoke(cli, ["sql", "--database", analysts])
    assert listing.exit_code == 0 and "latest_recommendations" in listing.output and "reorder_now" in listing.output
    out = tmp_path / "reorder.csv"
    result = runner.invoke(
        cli, ["sql", "--database", analysts, "select sku, reorder_qty from reorder_now", "--csv", str(out)]
    )
    assert result.exit_code == 0, result.output
    import pandas as pd

    rows = pd.read_csv(out)
    assert (
        len(rows)
        == q(
            settings.paths.database,
            "select count(*) from recommendations where run_id = ? and reorder_now",
            [second["run_id"]],
        )[0][0]
    )
    write = runner.invoke(cli, ["sql", "--database", analysts, "delete from recommendations"])
    assert write.exit_code == EXIT_CONFIG and "read-only" in write.output.lower()
    assert q(settings.paths.analysts_database, "select count(*) from recommendations")[0][0] > 0


def test_data_checks_pass_on_a_real_run_and_catch_broken_rows(two_runs, tmp_path):
    import shutil

    from jitjic import warehouse

    settings, first, _, _ = two_runs
    run_id = first["run_id"]
    db = tmp_path / "copy.duckdb"
    shutil.copy(settings.paths.database, db)
    from jitjic.wiring import check_ceilings

    ceilings = check_ceilings(settings)
    con = warehouse.connect(db)
    try:
        assert warehouse.failed_checks(con, run_id, **ceilings) == []
        sku = con.execute(
            "select min(sku) from recommendations where run_id = ? and policy = 'JIC'", [run_id]
        ).fetchall()[0][0]
        con.execute("update recommendations set safety_stock = -1 where run_id = ? and sku = ?", [run_id, sku])
        con.execute(
            "update recommendations set policy = 'MAYBE' where run_id = ? and sku = "
            "(select max(sku) from recommendations where run_id = ?)",
            [run_id, run_id],
        )
        con.execute("insert into sku_classes select * from sku_classes where run_id = ? limit 1", [run_id])
        con.execute("update forecasts set q80 = q50 - 1 where run_id = ? and step = 1 and sku = ?", [run_id, sku])
        con.execute("update simulation_results set fill_rate = 1.5 where run_id = ? and abc = 'all'", [run_id])
        # a billion-unit order passes the other checks, not the ceilings ([limits])
        con.execute(
            "update recommendations set reorder_qty = 1e9, order_up_to = 1e9 where run_id = ? and sku = "
            "(select max(sku) from recommendations where run_id = ? and policy = 'JIT')",
            [run_id, run_id],
        )
        failures = {f.check: f for f in warehouse.failed_checks(con, run_id, **ceilings)}
    finally:
        con.close()
    assert set(failures) == {
        "recommendations_quantities",
        "recommendations_accepted_values",
        "sku_classes_accepted_values",
        "forecasts_quantiles_ordered",
        "simulation_shares",
        "recommendations_ceilings",
    }
    assert failures["recommendations_ceilings"].example["reorder_qty"] == 1e9
    assert (
        failures["recommendations_quantities"].rows == 1
        and failures["recommendations_quantities"].example["sku"] == sku
    )
    assert failures["recommendations_accepted_values"].example["policy"] == "MAYBE"
    assert str(failures["forecasts_quantiles_ordered"]).startswith("forecasts_quantiles_ordered: 1 row(s), e.g. kind=")
    from click.testing import CliRunner

    from jitjic.cli import EXIT_FAILED, cli

    out = CliRunner().invoke(cli, ["--db", str(db), "check", "--run", run_id])
    assert out.exit_code == EXIT_FAILED
    assert "FAILED recommendations_quantities: 1 row(s)" in out.output and sku in out.output
    assert "ok     recommendations_one_per_sku" in out.output and "1 of 7 checks hold" in out.output
    clean = CliRunner().invoke(cli, ["--db", str(settings.paths.database), "check"])  # the latest run
    assert clean.exit_code == 0 and "7 of 7 checks hold" in clean.output


def test_a_failed_check_publishes_nothing(two_runs, tmp_path):
    import shutil

    from jitjic.flows.nightly import publish
    from jitjic.flows.stages import resolve
    from prefect import flow

    settings, _, second, _ = two_runs
    work, analysts = tmp_path / "work.duckdb", tmp_path / "analysts.duckdb"
    shutil.copy(settings.paths.database, work)
    shutil.copy(settings.paths.analysts_database, analysts)
    before = analysts.read_bytes()
    con = duckdb.connect(str(work))
    con.execute("insert into runs (run_id, started_at, status, parameters) values ('R-bad', now(), 'running', '{}')")
    con.execute(
        "insert into recommendations select * replace ('R-bad' as run_id) from recommendations where run_id = ?",
        [second["run_id"]],
    )
    con.execute(
        "update recommendations set order_qty = 'nan'::double where run_id = 'R-bad' and sku = "
        "(select min(sku) from recommendations where run_id = 'R-bad')"
    )
    con.close()
    copy = settings.model_copy(
        update={"paths": settings.paths.model_copy(update={"database": work, "analysts_database": analysts})}
    )

    @flow
    def publish_only():
        publish(resolve(copy).publish, "R-bad", {})

    with pytest.raises(Exception, match="data checks failed, nothing published: .*recommendations_quantities"):
        publish_only()
    assert analysts.read_bytes() == before
    assert q(work, "select status, failed_stage from runs where run_id = 'R-bad'") == [("failed", "publish")]
    assert q(analysts, "select run_id from latest_run")[0][0] == second["run_id"]


def test_analysts_file_opens_in_the_duckdb_1x_cli(two_runs):
    """The analysts' file is written in DuckDB 1.0's storage format: the DuckDB CLI from pip
    (1.x, as BI tools on DuckDB 1.x) opens it and reads every table and view."""
    import shutil
    import subprocess
    import sys

    import duckdb

    settings, _, second, _ = two_runs
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent))
    assert cli, "the test dependencies install the DuckDB CLI (duckdb-cli)"
    version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("v1."), version
    with duckdb.connect(str(settings.paths.analysts_database), read_only=True) as con:
        names = [n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()]
    assert {"exchange_curve", "exceptions", "policy_changes", "reorder_now", "latest_run"} <= set(names)
    sql = "; ".join(f"select '{n}', count(*) from \"{n}\"" for n in names)
    out = subprocess.run(
        [cli, "-readonly", "-csv", "-noheader", str(settings.paths.analysts_database), "-c", sql],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    counts = dict(line.split(",") for line in out.stdout.split())
    assert set(counts) == set(names)
    assert counts["latest_run"] == "1" and int(counts["latest_recommendations"]) >= 250
    latest = subprocess.run(
        [
            cli,
            "-readonly",
            "-csv",
            "-noheader",
            str(settings.paths.analysts_database),
            "-c",
            "select run_id from latest_run",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert latest.strip() == second["run_id"]


def test_forecast_vs_actual_keeps_the_backtests(two_runs):
    settings, _, second, _ = two_runs
    db = settings.paths.analysts_database
    rows = q(
        db,
        "select kind, count(*), count(distinct sku), min(step), max(step) from forecast_vs_actual "
        "where kind like 'backtest%' group by kind order by kind",
    )
    # ten origins; the early ones see fewer SKUs (those sold since)
    assert len(rows) == 10 and all(n > 0 and skus >= 200 for _, n, skus, _, _ in rows)
    # the error is the forecast minus what happened; the backtest's own actual matches the demand
    # wherever no outlier was capped
    assert q(db, "select count(*) from forecast_vs_actual where abs(error - (forecast - actual)) > 1e-9")[0][0] == 0
    same = q(
        db,
        "select avg((b.actual = d.qty)::int) from forecast_backtests as b "
        "join latest_demand as d using (sku, period_start)",
    )[0][0]
    assert same > 0.95
    # only the latest run's backtests are kept
    assert q(db, "select count(distinct run_id) from forecast_backtests") == [(1,)]
    assert q(db, "select distinct run_id from forecast_backtests") == [(second["run_id"],)]


def test_a_weekly_totals_file_is_ranked_by_value_and_keeps_its_last_week(prefect_harness, tmp_path):
    """An ERP's weekly totals (one row per SKU and Monday, zeros included, the last week all zero)
    through the nightly run: no zero is a reject, the last week is history, ABC is on value."""
    import numpy as np
    import pandas as pd
    from jitjic.flows.nightly import nightly

    from jitjic.settings import load_settings

    rng = np.random.default_rng(7)
    mondays = pd.date_range("2024-01-01", periods=60, freq="W-MON")
    skus = [f"M{i:02d}" for i in range(12)]
    weekly = pd.DataFrame([(s, d.date()) for s in skus for d in mondays], columns=["sku", "week_start"])
    weekly["qty"] = rng.poisson(np.repeat(np.linspace(0.3, 6, len(skus)), len(mondays)))
    weekly.loc[weekly["week_start"] == mondays[-1].date(), "qty"] = 0
    weekly.to_csv(tmp_path / "weekly.csv", index=False)
    pd.DataFrame({"sku": skus, "unit_cost_eur": np.linspace(50, 1, len(skus)), "lead_time_weeks": 2}).to_csv(
        tmp_path / "items.csv", index=False
    )
    settings = load_settings(
        None,
        use_default_file=False,
        paths={"database": tmp_path / "j.duckdb", "analysts_database": tmp_path / "a.duckdb", "reports_dir": tmp_path},
        inputs={"orders": [str(tmp_path / "weekly.csv")], "items": [str(tmp_path / "items.csv")], "stock": []},
        ingest={
            "preset": "canonical",
            "columns": {"ordered_at": "week_start", "quantity": "qty"},
            "item_columns": {"unit_cost": "unit_cost_eur", "lead_time_days": "lead_time_weeks"},
            "item_units": {"lead_time_days": "weeks"},
        },
        simulation={"enabled": False},
    )
    run_id = nightly(settings)["run_id"]
    db = settings.paths.database
    assert q(db, "select grain, period, rows_loaded, rows_rejected from load_log where kind = 'orders'") == [
        ("period", "week", len(weekly), 0)
    ]
    assert q(db, "select as_of from runs where run_id = ?", [run_id]) == [(mondays[-1].date() + pd.Timedelta(days=6),)]
    assert q(db, "select max(period_start) from demand where run_id = ?", [run_id]) == [(mondays[-1].date(),)]
    assert q(db, "select distinct abc_basis from sku_classes where run_id = ?", [run_id]) == [("value",)]
    assert q(db, "select distinct lead_time_days from items") == [(14.0,)]


def test_an_items_exceptions_show_on_its_order_line_everywhere(two_runs):
    """The exceptions raised on an item ride on its recommendation, its order line in the
    reorder_now view and CSV, the workbook and the report: a buyer sees them where he orders."""
    import csv

    settings, _, second, _ = two_runs
    db, run_id = settings.paths.database, second["run_id"]
    raised = q(db, "select sku, exception from run_exceptions where run_id = ?", [run_id])
    per_sku = {}
    for sku, name in raised:
        per_sku.setdefault(sku, set()).add(name)
    recs = dict(q(db, "select sku, exceptions from recommendations where run_id = ?", [run_id]))
    assert {s for s, v in recs.items() if v} == set(per_sku)
    assert all(set(recs[s].split("; ")) == names for s, names in per_sku.items())
    due = dict(q(settings.paths.analysts_database, "select sku, exceptions from reorder_now"))
    flagged = [s for s, v in due.items() if v]
    assert flagged and all(due[s] == recs[s] for s in due)
    folder = Path(second["report"]).parent
    with open(folder / "reorder_now.csv", newline="", encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    rows = {r["sku"]: r["exceptions"] for r in lines}
    assert {s: v or None for s, v in rows.items()} == due
    # each line keyed on its own stock count, the one its recommendation rests on
    counted = dict(
        q(db, "select sku, strftime(stock_date, '%Y-%m-%d') from recommendations where run_id = ?", [run_id])
    )
    assert all(r["run_id"] == run_id and r["order_key"] == f"{r['sku']}@{counted[r['sku']]}" for r in lines)
    html = Path(second["report"]).read_text()
    assert any(f"exception: {recs[s]}" in html for s in flagged)
