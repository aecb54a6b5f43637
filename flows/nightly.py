"""The nightly flow: ingest -> demand -> forecast -> classify -> policy -> publish -> report."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from jitjic.flows.stages import (
    ClassifyStage,
    DemandStage,
    ForecastStage,
    IngestStage,
    PolicyStage,
    PublishStage,
    ReportStage,
    SimulateStage,
    Store,
    resolve,
)
from jitjic.ingest import IngestError
from jitjic.replay import RECOMMENDED, applied_params, told_choice
from jitjic.reports import alert_message, markdown_summary, refused_for_good, send_message
from jitjic.warehouse.runs import new_run_id, utc_now
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from jitjic import classification, forecasting, policy, progress, warehouse
from jitjic.reporting import (
    ReportFiles,
    mail_withheld,
    report_email,
    smtp_config,
    write_report_files,
)
from jitjic.settings import Settings
from jitjic.simulation import simulate_demand
from jitjic.wiring import expand_inputs

__all__ = ["nightly", "nightly_for", "STAGES"]

STAGES = ("ingest", "demand", "forecast", "classify", "simulate", "policy", "publish", "report")  # then: email


def _worth_retrying(task: Any, task_run: Any, state: Any) -> bool:
    """Retry I/O hiccups (a lock, a network share, a mail server that does not answer), never a
    file that is wrong, a disk that is full or a mail server's permanent refusal (a bad password,
    a message too large): they will fail the same way in 5 seconds."""
    try:
        state.result()
    except (IngestError, FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return False  # a missing or unreadable input stays so
    except warehouse.WarehouseError as exc:
        return exc.locked  # a lock passes; a corrupt file does not
    except Exception as exc:
        return warehouse.db.storage_error(exc, "") is None and not refused_for_good(exc)
    return False


_IO_RETRY = {"retries": 3, "retry_delay_seconds": [2, 5, 15], "retry_condition_fn": _worth_retrying}


class _Hold:
    """Keeps the working database open in this process for the whole run: every stage's own
    connection shares it, and no other process (a reader, a second run) can take the file between
    two stages. Released only while Dask workers read it themselves."""

    def __init__(self, store: Store):
        self.store: Store = store
        self.con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> _Hold:
        self.con = self.store.connect()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None

    @contextmanager
    def released(self) -> Iterator[None]:
        self.__exit__()
        try:
            yield
        finally:
            self.__enter__()


@contextmanager
def _stage(
    store: Store, run_id: str, name: str, since: tuple[datetime, float] | None = None
) -> Iterator[tuple[duckdb.DuckDBPyConnection, dict]]:
    """Open the warehouse for one stage; time it (from ``since``, the wall clock and
    ``perf_counter`` when the stage began, if it began in earlier tasks), log it, and record it
    (or its failure)."""
    log = get_run_logger()
    started, t0 = since or (utc_now(), time.perf_counter())
    out: dict[str, Any] = {}
    progress.tell("started", name)
    con = store.connect()
    try:
        yield con, out
        seconds = time.perf_counter() - t0
        warehouse.record_stage(con, run_id, name, started, seconds, out.get("rows"))
        details = ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in out.items())
        log.info("stage %-8s done in %6.2f s: %s", name, seconds, details)
        progress.tell("done", name, seconds=seconds, **out)
    except BaseException as exc:
        progress.tell("failed", name, error=f"{type(exc).__name__}: {exc}")
        _fail_stage(con, run_id, name, exc)
        raise
    finally:
        con.close()


@task(cache_policy=NO_CACHE, **_IO_RETRY)
def begin_run(store: Store, parameters: dict[str, Any]) -> str:
    """Create the schema if needed, close out abandoned runs, and record this run as running
    (with the settings it runs on, ``parameters``)."""
    run_id = new_run_id()
    con = store.connect()
    try:
        warehouse.ensure_schema(con)
        warehouse.abandon_running(con, found_by=run_id)
        warehouse.start_run(con, run_id, str(flow_run.id) if flow_run.id else None, parameters)
    finally:
        con.close()
    get_run_logger().info("run %s started; warehouse %s", run_id, store.database)
    return run_id


@task(cache_policy=NO_CACHE, timeout_seconds=1800, **_IO_RETRY)
def ingest_inputs(p: IngestStage, run_id: str) -> dict[str, Any]:
    """Load every configured input file not loaded before (order lines, item master, stock)."""
    log = get_run_logger()
    with _stage(p.store, run_id, "ingest") as (con, out):
        totals = {"files": 0, "new_files": 0, "rows": 0, "rejected": 0}
        for kind, patterns in p.inputs.items():
            for path in expand_inputs(list(patterns)):
                result = warehouse.load_file(
                    con, path, kind, mapping=p.mapping, rules=p.rules, run_id=run_id, replace_resent=p.replace_resent
                )
                log.info(result.summary())
                totals["files"] += 1
                totals["new_files"] += result.status == "loaded"
                totals["rows"] += result.rows_loaded
                totals["rejected"] += result.rows_rejected
                progress.tell("update", "ingest", **totals)
        out.update(totals)
    return totals


@task(cache_policy=NO_CACHE)
def build_demand(p: DemandStage, run_id: str) -> dict[str, Any]:
    """Zero-filled demand per SKU per whole period up to as_of."""
    with _stage(p.store, run_id, "demand") as (con, out):
        as_of = p.end_of_history(warehouse.latest_as_of(con), warehouse.order_lines_grain(con))
        if as_of is None:
            raise RuntimeError("no order lines in the warehouse: configure inputs.orders or run `jitjic ingest`")
        rows = warehouse.build_demand(con, run_id, p.period, as_of)
        if rows == 0:
            raise RuntimeError(f"no whole {p.period} of demand up to {as_of}")
        warehouse.set_as_of(con, run_id, as_of)
        out.update(rows=rows, as_of=str(as_of))
    return out


def _write_forecasts(
    con: duckdb.DuckDBPyConnection, run_id: str, result: forecasting.ForecastResult, out: dict[str, Any]
) -> None:
    for table, frame in (
        ("forecasts", result.forecasts),
        ("forecast_lead_time", result.lead_time),
        ("forecast_accuracy", result.accuracy),
        ("forecast_coverage", result.coverage),
        ("forecast_summary", result.summary),
        ("forecast_backtests", result.backtest),
    ):
        warehouse.write_results(con, table, run_id, frame)
    cov = result.coverage.set_index("level")["coverage"].to_dict()
    out.update(
        rows=len(result.forecasts),
        skus=len(result.summary),
        outliers_capped=int(result.summary["outliers_capped"].sum()),
        coverage_90=round(cov.get(0.9, float("nan")), 3),
    )


def _horizon(con: duckdb.DuckDBPyConnection, p: ForecastStage, demand_skus) -> int:
    """forecast.horizon, raised to the longest lead time + review period among the SKUs: every
    reorder point is read off quantiles of its own protection interval."""
    return max(p.horizon, policy.protection_horizon(warehouse.read_items(con), demand_skus, p.policy))


@task(cache_policy=NO_CACHE)
def forecast(p: ForecastStage, run_id: str) -> dict[str, Any]:
    """Per-SKU forecasts with intervals, in this process."""
    with _stage(p.store, run_id, "forecast") as (con, out):
        demand = warehouse.read_demand(con, run_id)
        horizon = _horizon(con, p, demand["sku"].unique())
        result = forecasting.forecast_demand(demand, horizon, period=p.period, **p.model)
        out["horizon"] = horizon
        _write_forecasts(con, run_id, result, out)
    return out


@task(cache_policy=NO_CACHE, **_IO_RETRY)
def plan_partitions(p: ForecastStage, partitions: int, run_id: str) -> dict[str, Any]:
    """SKU ranges and the shared calendar of the partitioned forecast; the working database is
    closed again before any worker opens it (read-only)."""
    since = (utc_now(), time.perf_counter())
    con = p.store.connect()
    try:
        parts = warehouse.demand_partitions(con, run_id, partitions)
        periods = warehouse.demand_periods(con, run_id)
        skus = warehouse.demand_skus(con, run_id)
        horizon = _horizon(con, p, skus)
    finally:
        con.close()
    if not parts:
        raise RuntimeError(f"run {run_id} has no demand to forecast")
    return {"since": since, "ranges": parts, "periods": periods, "horizon": horizon}


@task(cache_policy=NO_CACHE, **_IO_RETRY)
def forecast_partition(
    p: ForecastStage, run_id: str, skus: tuple[str, str], periods: list, horizon: int
) -> forecasting.Partition:
    """One partition's row-wise forecasting work, on a Dask worker: its SKUs' demand only."""
    con = p.store.read()
    try:
        demand = warehouse.read_demand(con, run_id, skus=tuple(skus))
    finally:
        con.close()
    return forecasting.prepare_partition(demand, periods, horizon, period=p.period, **p.row_wise())


@task(cache_policy=NO_CACHE)
def fit_seasonal(job: forecasting.SeasonalJob) -> Any:
    """One chunk of statsmodels Holt-Winters fits, on a Dask worker."""
    return forecasting.run_seasonal_job(job)


@task(cache_policy=NO_CACHE)
def plan_seasonal(p: ForecastStage, parts: list[forecasting.Partition], horizon: int) -> list[forecasting.SeasonalJob]:
    return forecasting.seasonal_jobs(parts, horizon, period=p.period, **p.seasonal())


@task(cache_policy=NO_CACHE)
def finish_forecast(
    p: ForecastStage,
    run_id: str,
    plan: dict[str, Any],
    parts: list[forecasting.Partition],
    jobs: list[forecasting.SeasonalJob],
    fitted: list,
) -> dict[str, Any]:
    """Select and calibrate over all partitions (the same numbers as one process), then write."""
    with _stage(p.store, run_id, "forecast", since=plan["since"]) as (con, out):
        result = forecasting.forecast_partitions(
            parts,
            plan["periods"],
            plan["horizon"],
            period=p.period,
            jobs=jobs,
            fitted=fitted,
            **p.model,
        )
        _write_forecasts(con, run_id, result, out)
        out["partitions"] = len(parts)
    return out


def _gather(futures: Any, deadline: float, what: str, limit: float) -> list:
    """Every future's result, or TimeoutError once ``deadline`` (time.monotonic) has passed: a
    task on a worker that died would otherwise be waited for forever."""
    out = []
    for f in futures:
        try:
            out.append(f.result(timeout=max(deadline - time.monotonic(), 0.0)))
        except TimeoutError:
            raise TimeoutError(
                f"{what} not done after {limit:g} s (cluster.timeout_seconds): a Dask worker may have died or "
                "the cluster is overloaded, see its worker logs; nothing of this run was published"
            ) from None
    return out


@flow(name="jitjic-forecast-partitions")
def forecast_partitioned(p: ForecastStage, partitions: int, run_id: str) -> dict[str, Any]:
    """The forecast stage over SKU partitions, a subflow on its own task runner (Dask when
    configured): a LocalCluster lives only while the partitions are forecast."""
    limit = p.timeout_seconds
    deadline = time.monotonic() + limit
    try:
        plan = plan_partitions(p, partitions, run_id)
        parts = _gather(
            forecast_partition.map(
                unmapped(p), unmapped(run_id), plan["ranges"], unmapped(plan["periods"]), unmapped(plan["horizon"])
            ),
            deadline,
            "forecast partitions",
            limit,
        )
        jobs = plan_seasonal(p, parts, plan["horizon"])
        fitted = _gather(fit_seasonal.map(jobs), deadline, "Holt-Winters fits", limit) if jobs else []
    except Exception as exc:
        _record_failure(p.store, run_id, "forecast", exc)
        raise
    return finish_forecast(p, run_id, plan, parts, jobs, fitted)


def _fail_stage(con: duckdb.DuckDBPyConnection, run_id: str, stage: str, exc: BaseException) -> None:
    """Log and record that ``stage`` failed with ``exc``."""
    get_run_logger().error("stage %s failed: %s", stage, exc)
    warehouse.fail_run(con, run_id, stage, f"{type(exc).__name__}: {exc}")


def _record_failure(store: Store, run_id: str | None, stage: str, exc: BaseException) -> None:
    """``_fail_stage`` outside a ``_stage`` block (which would hold the database open while the
    workers read it); never hides ``exc``."""
    if run_id is None:
        return
    try:
        con = store.connect()
        try:
            _fail_stage(con, run_id, stage, exc)
        finally:
            con.close()
    except Exception:  # e.g. a stuck worker still holds the file: the flow's hook tries again
        pass


@task(cache_policy=NO_CACHE)
def classify(p: ClassifyStage, run_id: str) -> dict[str, Any]:
    """ABC, XYZ and demand pattern per SKU."""
    with _stage(p.store, run_id, "classify") as (con, out):
        demand = warehouse.read_demand(con, run_id)
        items = warehouse.read_items(con).set_index("sku")
        # last completed run's classes: an item near a border keeps its class (no flip on a 0.01 change)
        previous = warehouse.read_table(con, "latest_classes")[["sku", "abc", "xyz"]]
        grain = warehouse.order_lines_grain(con) if p.grain == "auto" else p.grain
        classes = classification.classify_skus(
            demand, items["unit_cost"].dropna(), previous=previous, period_totals=grain == "period", **p.params
        )
        warehouse.write_results(con, "sku_classes", run_id, classes)
        out.update(
            rows=len(classes),
            **{k: int(v) for k, v in classes["abc"].value_counts().sort_index().items()},
            **{k: int(v) for k, v in classes["lifecycle"].value_counts().sort_index().items()},
        )
    return out


@task(cache_policy=NO_CACHE)
def recommend(p: PolicyStage, run_id: str) -> dict[str, Any]:
    """JIT or JIC per SKU, with buffers, order quantities, reorder-now and reasons."""
    with _stage(p.store, run_id, "policy") as (con, out):
        classes = warehouse.read_table(con, "sku_classes", run_id)
        summary = warehouse.read_table(con, "forecast_summary", run_id)
        # the last completed run's choices: an item changes policy only when the other is clearly cheaper
        previous = warehouse.read_table(con, "latest_recommendations")[["sku", "policy", "capital_tied_up"]]
        name = warehouse.chosen_policy(con, run_id) or RECOMMENDED
        params = applied_params(p.policy, name, p.levels)
        stock = warehouse.read_latest_stock(con)
        if params is None:  # cannot happen with one set of settings per run; said if it does
            get_run_logger().warning("policy: no candidate %r among this run's: planned with the recommendation", name)
            name, params = RECOMMENDED, p.policy
        recs = policy.recommend(
            classes,
            summary,
            warehouse.read_items(con),
            stock,
            params,
            lead_time=warehouse.read_table(con, "forecast_lead_time", run_id),
            previous=previous,
            history=warehouse.read_demand(con, run_id),
        )
        as_of = warehouse.run_as_of(con, run_id)
        steps = warehouse.read_table(con, "forecasts", run_id)[["sku", "step", "mean"]]
        recs = recs.merge(
            policy.order_proposal(recs, steps, as_of, p.policy.period_days).drop(columns="due_today"),
            on="sku",
            how="left",
        )
        recs = told_choice(recs, name, params)  # each reason the rule decided names the policy planned with
        found = policy.exceptions(recs, p.exceptions, previous)
        recs["exceptions"] = policy.exceptions_per_item(found, recs["sku"])  # shown on the item's order line
        recs["stock_date"] = recs["sku"].map(stock.set_index("sku")["snapshot_date"])  # the count it rests on
        warehouse.write_results(con, "recommendations", run_id, recs)
        warehouse.write_results(con, "run_exceptions", run_id, found)
        warehouse.record_stock_used(con, run_id)  # the next run can tell whether its stock is newer
        out.update(
            rows=len(recs),
            **{k: int(v) for k, v in recs["policy"].value_counts().sort_index().items()},
            reorder_now=int(recs["reorder_now"].sum()),
            exceptions=len(found),
            by_cost=int((recs["decided_by"] == "cost").sum()),
            planned_with=name,
        )
    return out


@task(cache_policy=NO_CACHE)
def simulate(p: SimulateStage, run_id: str) -> dict[str, Any]:
    """Replay the past through JIT everywhere, JIC everywhere, the class rule and the
    recommendation, under every scenario, and the exchange curve."""
    with _stage(p.store, run_id, "simulate") as (con, out):
        if not p.enabled:
            out["skipped"] = "simulation.enabled = false"
            return out
        sim = simulate_demand(
            warehouse.read_demand(con, run_id),
            warehouse.read_items(con),
            p.replay,
            loaded_grain=warehouse.order_lines_grain(con),
            previous=warehouse.chosen_policy(con),
        )
        warehouse.write_results(con, "simulation_results", run_id, sim.results)
        warehouse.write_results(con, "exchange_curves", run_id, sim.curve)
        if sim.choice is None:
            get_run_logger().info("simulate: policy not chosen by replay (%s)", p.replay.why_not_chosen() or "no SKU")
        else:
            table = sim.choice.table
            warehouse.write_results(
                con,
                "policy_choice",
                run_id,
                table.assign(reason=table["chosen"].map({True: sim.choice.why, False: None})),
            )
            get_run_logger().info("simulate: policy chosen by replay: %s", sim.choice.why)
            out["chosen"] = sim.choice.chosen
        plain = sim.results[(sim.results["scenario"] == "plain") & (sim.results["abc"] == "all")].set_index("strategy")
        for warning in sim.warnings:  # figures the replay is too short to judge
            get_run_logger().warning("simulate: %s", warning)
        out.update(
            rows=len(sim.results),
            weeks=sim.weeks,
            **{f"fill_{k.split()[0].lower()}": round(float(v), 3) for k, v in plain["fill_rate"].items()},
        )
    return out


@task(cache_policy=NO_CACHE, timeout_seconds=1800, **_IO_RETRY)
def publish(p: PublishStage, run_id: str, counts: dict[str, Any]) -> None:
    """Check the run's results, mark the run completed, drop old demand, and swap in a new
    analysts' database. A broken check fails the stage: nothing is published."""
    with _stage(p.store, run_id, "publish") as (con, out):
        failures = warehouse.failed_checks(con, run_id, **p.ceilings)
        if failures:
            raise RuntimeError("data checks failed, nothing published: " + "; ".join(map(str, failures)))
        out["checks_passed"] = len(warehouse.CHECKS)
        as_of = warehouse.run_as_of(con, run_id)
        ended = utc_now()
        out["pruned_demand_rows"] = warehouse.prune_demand(con, run_id)
        # completed in the published copy first, in the working database only after the swap
        out["runs_published"] = warehouse.publish_analysts_db(
            con,
            p.analysts_database,
            p.keep_runs,
            storage_version=p.storage_version,
            completing=lambda c: warehouse.finish_run(c, run_id, as_of, counts, ended, database="publish_target"),
        )
        warehouse.finish_run(con, run_id, as_of, counts, ended)
        out["analysts_database"] = str(p.analysts_database)


@task(cache_policy=NO_CACHE, **_IO_RETRY)
def write_report(p: ReportStage, run_id: str) -> str:
    """Write the report folder of this run: HTML, charts, XLSX, reorder-now CSV."""
    with _stage(p.store, run_id, "report") as (con, out):
        files = write_report_files(con, p.settings, run_id)
        out["folder"] = str(files.folder)
        # earlier runs whose report folder a kill or a failure left unfinished: written now
        for other in [r for r in warehouse.runs_missing_a_report(con) if r != run_id]:
            try:
                write_report_files(con, p.settings, other)
                out["reports_rewritten"] = out.get("reports_rewritten", 0) + 1
            except Exception as exc:  # that run's report stays 'failed'; tonight's is written
                get_run_logger().warning("the report of run %s could not be written again: %s", other, exc)
        recs = warehouse.read_table(con, "recommendations", run_id)
        create_markdown_artifact(
            markdown=markdown_summary(run_id, recs, currency=p.settings.report.currency),
            key="jitjic-nightly",
            description=f"reorder now and headline figures of run {run_id}",
        )
    return str(files.html)


@task(cache_policy=NO_CACHE, timeout_seconds=600, retry_condition_fn=_worth_retrying)
def send_report(p: ReportStage, run_id: str, folder: str) -> str:
    """Email the report written in ``folder`` (retried); the files on disk and the published
    results never depend on it."""
    log = get_run_logger()
    settings = p.settings
    if not settings.email.enabled:
        log.info("email disabled (email.enabled = false): report left on disk only")
        return "disabled"
    files = ReportFiles.in_folder(folder)
    withheld = mail_withheld(files, settings)
    if withheld:
        log.info("report not mailed: %s", withheld)
        return f"not sent: {withheld}"
    send_message(report_email(files, settings, run_id), smtp_config(settings))
    log.info(
        "report sent to %s via %s:%s", ", ".join(settings.email.recipients), settings.email.host, settings.email.port
    )
    return "sent"


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 5])
def alert_failure(p: ReportStage, run_id: str | None, error: str) -> None:
    """Tell operations by email that the run failed: run id, failed stage, error."""
    e = p.settings.email
    if not (e.enabled and e.ops_recipients):
        return
    stage = None
    if run_id:
        con = p.store.connect()
        try:
            stage = warehouse.failed_stage(con, run_id)
        finally:
            con.close()
    send_message(alert_message(e.sender, e.ops_recipients, run_id, stage, error), smtp_config(p.settings))


def _record_mail(store: Store, run_id: str, email: str) -> None:
    """The mail's outcome on the run (the next run's "same stock" compares with the last list
    that reached the buyers); never fails the run."""
    status = (
        "sent"
        if email == "sent"
        else "disabled"
        if email == "disabled"
        else "withheld"
        if email.startswith("not sent")
        else "failed"
    )
    try:
        con = store.connect()
        try:
            warehouse.set_mail_status(con, run_id, status)
        finally:
            con.close()
    except Exception as exc:
        get_run_logger().warning("the mail's outcome (%s) could not be recorded: %s", status, exc)


def _mark_failed(flow: Any, run: Any, state: Any) -> None:
    """Flow-level failure outside a stage (e.g. bad parameters): close the run row if any."""
    try:
        settings = run.parameters.get("settings")
        path = settings["paths"]["database"] if isinstance(settings, dict) else settings.paths.database
        con = warehouse.connect(path)
        try:
            warehouse.fail_flow_run(con, str(run.id), str(state.message))
        finally:
            con.close()
    except Exception:  # the hook must never hide the original failure
        pass


@flow(name="jitjic-nightly", on_failure=[_mark_failed], on_crashed=[_mark_failed], log_prints=True)
def nightly(settings: Settings) -> dict[str, Any]:
    """One nightly run on ``settings``; returns the run id, counts per stage, report and email.
    The working database stays open in this process until the report is written (another run
    waits paths.lock_wait_seconds for it, then fails); a failure anywhere is recorded on the run
    (failed, with its stage and error) before it is raised."""
    run_id, counts, published = None, {}, False
    stages = None
    try:
        stages = resolve(settings)  # each task takes its stage's parameters only
        with _Hold(stages.store) as hold:
            run_id = begin_run(stages.store, settings.as_dict())
            counts["ingest"] = ingest_inputs(stages.ingest, run_id)
            counts["demand"] = build_demand(stages.demand, run_id)
            if settings.cluster.enabled:
                with hold.released():  # the Dask workers open it read-only themselves
                    counts["forecast"] = _scaled_out(settings)(stages.forecast, settings.cluster.partitions, run_id)
            else:
                counts["forecast"] = forecast(stages.forecast, run_id)
            counts["classify"] = classify(stages.classify, run_id)
            counts["simulate"] = simulate(stages.simulate, run_id)  # chooses the policy the next stage plans with
            counts["policy"] = recommend(stages.policy, run_id)
            publish(stages.publish, run_id, counts)
            published = True
            report = write_report(stages.report, run_id)
    except Exception as exc:
        # a stage records its own failure; this covers the rest (a run never stays 'running')
        store = stages.store if stages else Store(Path(settings.paths.database), settings.paths.lock_wait_seconds)
        _record_failure(store, run_id, "report" if published else STAGES[len(counts)], exc)
        if not published:  # a failed report leaves the published results as they are
            alert_failure(
                stages.report if stages else ReportStage(store, settings),
                run_id,
                f"{type(exc).__name__}: {exc}",
                return_state=True,
            )
        raise
    # the results are published and the report is on disk: a mail failure is logged, not fatal
    delays = settings.email.retry_delays_seconds
    sent = send_report.with_options(retries=len(delays), retry_delay_seconds=delays)(
        stages.report, run_id, str(Path(report).parent), return_state=True
    )
    email = sent.result() if sent.is_completed() else f"failed: {sent.message}"
    if not sent.is_completed():
        get_run_logger().error("report email failed after retries; the report is in %s", Path(report).parent)
    _record_mail(stages.store, run_id, email)
    return {"run_id": run_id, "counts": counts, "report": report, "email": email}


def nightly_for(settings: Settings) -> Any:
    """The nightly flow, ready to run ``settings``: with ``cluster.enabled`` its Dask workers are
    told this process's Prefect API first."""
    if settings.cluster.enabled:
        _share_api_with_workers()
    return nightly


def _scaled_out(settings: Settings) -> Any:
    """The partitioned forecast subflow on Dask: a LocalCluster started and stopped with the
    stage (so the rest of the run neither pays for idle workers nor starves their heartbeats), or
    an existing scheduler's address."""
    import dask
    from prefect_dask import DaskTaskRunner

    c = settings.cluster
    # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536, which turns off glibc's
    # adaptive mmap threshold: every large NumPy temporary is then mapped and unmapped afresh,
    # and the forecasting kernels ran 3-4x slower on workers than in one process (measured)
    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})
    if c.address:
        runner = DaskTaskRunner(address=c.address)
    else:
        runner = DaskTaskRunner(
            cluster_kwargs={
                "n_workers": c.workers,
                "threads_per_worker": c.threads_per_worker,
                "processes": True,
                "memory_limit": c.memory_limit,
                "dashboard_address": ":0",  # any free port
            }
        )
    return forecast_partitioned.with_options(task_runner=runner)


def _share_api_with_workers() -> None:
    """Without PREFECT_API_URL every Dask worker process would start a temporary Prefect server
    of its own (~230 MB and 10 s each, measured) and report there; start this process's one now
    and hand its address to the workers through the environment they inherit."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the same instance Prefect's client would start
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
