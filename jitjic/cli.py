"""The ``jitjic`` command. Prefect is imported only by the commands that run a flow."""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from pathlib import Path

import click

from jitjic.settings import Settings, SettingsError, load_settings

__all__ = ["main", "cli"]

# exit codes, documented in the README
EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_INPUT, EXIT_DATABASE = 0, 1, 2, 3, 4


def _settings(ctx: click.Context, **sections: dict) -> Settings:
    obj = ctx.obj
    paths = {"database": obj["db"]} if obj["db"] else {}
    try:
        return load_settings(obj["config"], paths=paths, **sections)
    except SettingsError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_CONFIG)


class _NoTraceback(logging.Formatter):
    """Prefect's console lines, without the traceback of a failure jitjic explains itself (an
    input refused, a database in use, a full disk, a stage's own error): the run's last line
    says what is wrong and what to do. Unexpected errors keep theirs."""

    def __init__(self, inner: logging.Formatter):
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        exc = record.exc_info[1] if record.exc_info else None
        explained = isinstance(exc, RuntimeError | TimeoutError) or (
            exc is not None and _run_failure(exc, Path())[0] != EXIT_FAILED
        )
        if explained:
            record = logging.makeLogRecord({**record.__dict__, "exc_info": None, "exc_text": None})
        return self.inner.format(record)


# Prefect's log lines carry the date as well as the time (a log kept over nights needs both)
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


# Prefect waits 20 s for its temporary API server, which took 21-22 s to start on a busy
# 2-core machine (3 of 10 runs died before any stage); a slow start is no reason to fail
EPHEMERAL_STARTUP_SECONDS = "120"


def _prefect_environment() -> None:
    """Before Prefect loads (only in the commands that run the flow): no telemetry from an
    offline machine, time for the temporary API server to start, and log timestamps with the
    date (Prefect's own default shows the time of day only). A variable set already wins."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", EPHEMERAL_STARTUP_SECONDS)
    for formatter in ("STANDARD", "SIMPLE", "DEBUG"):
        os.environ.setdefault(f"PREFECT_LOGGING_FORMATTERS_{formatter}_DATEFMT", LOG_DATE_FORMAT)


def _console():
    """The console Prefect logs to (so the live stage line and the log lines share it), else
    one on stderr."""
    from rich.console import Console

    for handler in logging.getLogger().handlers:
        console = getattr(handler, "console", None)
        if isinstance(console, Console):
            return console
    return Console(stderr=True)


def _explained_failures_in_one_line() -> None:
    for handler in logging.getLogger().handlers:
        if handler.formatter is not None and not isinstance(handler.formatter, _NoTraceback):
            handler.setFormatter(_NoTraceback(handler.formatter))


def _run_failure(exc: BaseException, database: Path) -> tuple[int, str]:
    """Exit code and message of a failed run: an input file refused (3); a working database that
    cannot be used, e.g. another run holds it, or a full disk (4); else the stage's error (1)."""
    from jitjic.ingest import IngestError
    from jitjic.warehouse.db import WarehouseError, storage_error

    full = storage_error(exc, database)
    if full:
        return EXIT_DATABASE, full
    if isinstance(exc, WarehouseError):
        return EXIT_DATABASE, str(exc)
    if isinstance(exc, IngestError):
        return EXIT_INPUT, f"input refused: {exc} (nothing from this file was loaded)"
    if "ephemeral Prefect API server" in str(exc):
        waited = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "20")
        return EXIT_FAILED, (
            f"Prefect's temporary API server did not start within {waited} s, so no stage ran and "
            "nothing changed: try again, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or "
            "run `prefect server start` and set PREFECT_API_URL"
        )
    return EXIT_FAILED, f"{type(exc).__name__}: {exc}"


def _latest_run_id(con) -> str:
    """The latest completed run, or exit with a message saying how to get one."""
    from jitjic import warehouse

    latest = warehouse.latest_run_id(con)
    if latest is None:
        click.echo("error: no completed run in the warehouse yet: run `jitjic run` first", err=True)
        sys.exit(EXIT_FAILED)
    return latest


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config",
    type=click.Path(path_type=Path),
    default=None,
    help="TOML settings file (default: ./jitjic.toml when present).",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=None,
    help="Working DuckDB file (overrides paths.database; analysts read paths.analysts_database).",
)
@click.version_option(package_name="jitjic")
@click.pass_context
def cli(ctx: click.Context, config: Path | None, db: Path | None) -> None:
    """jitjic: which SKUs to buffer just-in-case, which to order just-in-time, and what to reorder today."""
    ctx.obj = {"config": config, "db": db}


@cli.command()
@click.option("--orders", multiple=True, help="Order-line file or glob (repeatable); replaces inputs.orders.")
@click.option("--items", multiple=True, help="Item master file (repeatable); replaces inputs.items.")
@click.option("--stock", multiple=True, help="Stock snapshot file (repeatable); replaces inputs.stock.")
@click.option("--as-of", "as_of", default=None, help="Last day of history to use (YYYY-MM-DD).")
@click.pass_context
def run(
    ctx: click.Context, orders: tuple[str, ...], items: tuple[str, ...], stock: tuple[str, ...], as_of: str | None
) -> None:
    """Run the nightly flow once, now: ingest, forecast, classify, recommend, publish, report."""
    inputs = {k: list(v) for k, v in {"orders": orders, "items": items, "stock": stock}.items() if v}
    settings = _settings(ctx, inputs=inputs, demand={"as_of": as_of} if as_of else {})
    click.echo(f"jitjic: nightly run on {settings.paths.database} (starting Prefect)...", err=True)
    t0 = time.perf_counter()
    _prefect_environment()
    from jitjic.flows.nightly import nightly_for
    from jitjic.progress import StageLines, listening

    _explained_failures_in_one_line()
    try:
        with StageLines(_console()) as lines, listening(lines):
            result = nightly_for(settings)(settings)
    except Exception as exc:
        code, message = _run_failure(exc, settings.paths.database)
        click.echo(f"error: run failed: {message}", err=True)
        ctx.exit(code)
    for stage, counts in result["counts"].items():
        shown = ", ".join(f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in counts.items())
        click.echo(f"  {stage:<9} {shown}")
    click.echo(f"run {result['run_id']} completed in {time.perf_counter() - t0:.1f} s")
    click.echo(f"report: {result['report']}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--kind", type=click.Choice(["orders", "items", "stock"]), default="orders", show_default=True)
@click.pass_context
def ingest(ctx: click.Context, files: tuple[Path, ...], kind: str) -> None:
    """Load FILES (CSV, CSV.gz, Parquet) into the warehouse; a file loaded before adds nothing."""
    from jitjic import warehouse
    from jitjic.ingest import IngestError
    from jitjic.wiring import column_mapping, line_rules

    settings = _settings(ctx)
    try:
        mapping, rules = column_mapping(settings), line_rules(settings)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_CONFIG)
    con = warehouse.connect(settings.paths.database)
    code = EXIT_OK
    try:
        warehouse.ensure_schema(con)
        for path in files:
            try:
                t0 = time.perf_counter()
                result = warehouse.load_file(
                    con, path, kind, mapping=mapping, rules=rules, replace_resent=settings.ingest.replace_resent
                )
                click.echo(f"{result.summary()} ({time.perf_counter() - t0:.1f} s)")
            except IngestError as exc:
                click.echo(f"error: {exc} (nothing from this file was loaded)", err=True)
                code = EXIT_INPUT
    finally:
        con.close()
    ctx.exit(code)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--freq",
    type=click.Choice(["D", "W", "M"]),
    default="W",
    show_default=True,
    help="Period: day, week (starting Monday) or month.",
)
@click.option("--horizon", type=int, default=None, help="Planning horizon in periods (default: --holdout).")
@click.option("--holdout", type=int, default=8, show_default=True, help="Last periods held out for scoring.")
@click.option("--sku-col", default="sku", show_default=True)
@click.option("--date-col", default="date", show_default=True)
@click.option("--qty-col", default="qty", show_default=True)
@click.option(
    "--grain",
    type=click.Choice(["auto", "line", "period"]),
    default="auto",
    show_default=True,
    help="Rows are dated sales (line) or whole periods dated on their start (period); auto: period "
    "when every date is a period start.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=Path("evaluate.json"),
    show_default=True,
    help="Where the same table is written as JSON.",
)
def evaluate(
    file: Path,
    freq: str,
    horizon: int | None,
    holdout: int,
    sku_col: str,
    date_col: str,
    qty_col: str,
    grain: str,
    output: Path,
) -> None:
    """Score every forecast method and the automatic choice on FILE (long sku, date, qty)."""
    import json

    from jitjic.evaluation import demand_from_file
    from jitjic.forecasting.evaluate import evaluate_holdout
    from jitjic.ingest import IngestError

    period = {"D": "day", "W": "week", "M": "month"}[freq]
    try:
        read = demand_from_file(file, period, sku_col=sku_col, date_col=date_col, qty_col=qty_col, grain=grain)
        demand = read.demand
        table = evaluate_holdout(demand, holdout, horizon=horizon, period=period)
    except IngestError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_INPUT)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    skus = demand["sku"].nunique()
    rows = "one row per SKU and " + period if read.grain == "period" else "dated sales"
    click.echo(
        f"{skus:,} SKUs, {read.periods_kept} whole {period}s kept of {read.periods_in_file} in the file "
        f"({rows}), last {holdout} held out"
    )
    click.echo(table.to_string(index=False, float_format=lambda v: f"{v:.4f}", na_rep="-"))
    output.write_text(
        json.dumps(
            {
                "file": str(file),
                "period": period,
                "grain": read.grain,
                "periods_in_file": read.periods_in_file,
                "periods_kept": read.periods_kept,
                "holdout": holdout,
                "skus": skus,
                "methods": table.to_dict("records"),
            },
            indent=2,
        )
    )
    click.echo(f"written: {output}")


@cli.command()
@click.option("--weeks", type=int, default=None, help="Periods to replay (default: simulation.weeks).")
@click.option(
    "--backorders/--lost-sales",
    default=None,
    help="All unmet demand waits, or all is lost (default: settings; per item and class).",
)
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Also write the table as CSV.")
@click.pass_context
def simulate(ctx: click.Context, weeks: int | None, backorders: bool | None, output: Path | None) -> None:
    """Replay the latest run's history through JIT everywhere, JIC everywhere, the class rule and
    the recommendation, and print the exchange curve."""
    from jitjic import warehouse
    from jitjic.simulation import simulate_demand, simulation_params

    sim = {}
    if weeks is not None:
        sim["weeks"] = weeks
    if backorders is not None:
        sim["unmet_demand"] = "backorders" if backorders else "lost"
    settings = _settings(ctx, simulation=sim)
    con = warehouse.connect(settings.paths.database)
    try:
        warehouse.ensure_schema(con)
        run_id = _latest_run_id(con)
        try:
            sim = simulate_demand(
                warehouse.read_demand(con, run_id),
                warehouse.read_items(con),
                simulation_params(settings),
                loaded_grain=warehouse.order_lines_grain(con),
                previous=warehouse.chosen_policy(con),  # kept as the nightly run keeps it
            )
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_CONFIG)
        warehouse.write_results(con, "simulation_results", run_id, sim.results)
        warehouse.write_results(con, "exchange_curves", run_id, sim.curve)
    finally:
        con.close()
    for warning in sim.warnings:
        click.echo(f"warning: {warning}", err=True)
    results = sim.results
    shown = results[results["abc"].isin(["all", "A"]) & (results["scenario"] == "plain")]
    cols = [
        "strategy",
        "abc",
        "fill_rate",
        "cycle_service_level",
        "target_cycle_service",
        "cycles_per_item",
        "avg_stock_value",
        "orders",
        "total_cost",
    ]
    click.echo(f"run {run_id}: last {sim.weeks} periods replayed, unmet demand {settings.simulation.unmet_demand}")
    click.echo(shown[cols].to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    click.echo("\nexchange curve (per year):")
    curve_cols = [
        "policy",
        "setting",
        "avg_stock_value",
        "fill_rate",
        "cycle_service_a",
        "orders_per_year",
        "total_cost",
    ]
    click.echo(sim.curve[curve_cols].to_string(index=False, float_format=lambda v: f"{v:,.3f}"))
    if sim.choice is not None:  # what the next nightly run would plan with (this run keeps its own)
        click.echo(f"\npolicy the replay chooses: {sim.choice.why}")
    if output:
        results.to_csv(output, index=False)
        click.echo(f"written: {output}")


@cli.command()
@click.option("--run", "run_id", default=None, help="Run id (default: the latest completed run).")
@click.option("--send", is_flag=True, help="Also email it to email.recipients.")
@click.pass_context
def report(ctx: click.Context, run_id: str | None, send: bool) -> None:
    """Render (and optionally send) the purchasing report of a run, without Prefect."""
    from jitjic import warehouse
    from jitjic.reporting import report_email, smtp_config, write_report_files
    from jitjic.reports import send_message

    settings = _settings(ctx)
    con = warehouse.connect(settings.paths.database)
    try:
        warehouse.ensure_schema(con)
        # without --run: the latest run, and every run whose report folder was never finished
        unfinished = [] if run_id else warehouse.runs_missing_a_report(con)
        run_id = run_id or _latest_run_id(con)
        try:
            for other in [r for r in unfinished if r != run_id]:
                click.echo(f"report of run {other} (never finished): {write_report_files(con, settings, other).html}")
            files = write_report_files(con, settings, run_id)
        except ValueError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_CONFIG)
    finally:
        con.close()
    click.echo(f"report of run {run_id}: {files.html}")
    if send:
        if not settings.email.recipients:
            click.echo("error: email.recipients is empty: nothing to send to", err=True)
            sys.exit(EXIT_CONFIG)
        try:
            send_message(report_email(files, settings, run_id), smtp_config(settings))
        except OSError as exc:  # smtplib errors are OSErrors too
            click.echo(
                f"error: could not send via {settings.email.host}:{settings.email.port}: {exc}; "
                f"the report stays in {files.folder}",
                err=True,
            )
            sys.exit(EXIT_FAILED)
        click.echo(f"sent to {', '.join(settings.email.recipients)}")


# credentials of other tools a process may inherit; analyst SQL runs without them
_SECRET_NAMES = re.compile(
    r"PASSWORD|PASSWD|SECRET|TOKEN|API_KEY|ACCESS_KEY|CREDENTIAL|PRIVATE_KEY|^AWS_|^AZURE_", re.IGNORECASE
)


def _drop_secrets() -> list[str]:
    """Remove jitjic's settings (the SMTP password among them) and other credentials from this
    process's environment; returns the names removed."""
    from jitjic.settings import ENV_PREFIX

    names = [k for k in os.environ if k.upper().startswith(ENV_PREFIX) or _SECRET_NAMES.search(k)]
    for name in names:
        del os.environ[name]
    return names


@cli.command()
@click.argument("query", required=False)
@click.option(
    "--database",
    type=click.Path(path_type=Path),
    default=None,
    help="DuckDB file to query (default: paths.analysts_database).",
)
@click.option("--csv", "csv_out", type=click.Path(path_type=Path), default=None, help="Write the result as CSV.")
@click.option(
    "--parquet", "parquet_out", type=click.Path(path_type=Path), default=None, help="Write the result as Parquet."
)
@click.option("--max-rows", type=int, default=50, show_default=True, help="Rows printed.")
@click.pass_context
def sql(
    ctx: click.Context,
    query: str | None,
    database: Path | None,
    csv_out: Path | None,
    parquet_out: Path | None,
    max_rows: int,
) -> None:
    """Run one read-only QUERY (a SELECT) on the analysts' database (no Prefect). Without QUERY:
    list the tables and views with their row counts and what each holds. The query reaches
    nothing but that database: no files, network, extensions, ATTACH or settings; jitjic itself
    writes --csv / --parquet."""
    import duckdb

    from jitjic import warehouse

    path = database or _settings(ctx).paths.analysts_database
    _drop_secrets()
    if not Path(path).exists():
        click.echo(f"error: {path} does not exist yet: run `jitjic run` first", err=True)
        sys.exit(EXIT_FAILED)
    con = warehouse.connect_confined(path)  # not a database file: its message, exit 4
    try:
        if not query:
            _print_catalogue(warehouse.catalogue(con))
            return
        text = query
        kinds = [st.type for st in con.extract_statements(text)]
        if len(kinds) != 1 or kinds[0] not in (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN):
            got = ", ".join(k.name for k in kinds) or "none"
            click.echo(f"error: jitjic sql is read-only: it runs one SELECT statement; got {got}", err=True)
            sys.exit(EXIT_CONFIG)
        frame = con.execute(text).df()
    except duckdb.Error as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    finally:
        con.close()
    if csv_out:
        frame.to_csv(csv_out, index=False)
    if parquet_out:
        frame.to_parquet(parquet_out, index=False)
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 30):
        click.echo(frame.head(max_rows).to_string(index=False))
    if len(frame) > max_rows:
        click.echo(f"... {len(frame) - max_rows:,} more rows ({len(frame):,} in all)")


def _print_catalogue(frame) -> None:
    width = max(len(n) for n in frame["name"]) if len(frame) else 4
    for r in frame.itertuples():
        rows = f"{r.rows:,} row" + ("" if r.rows == 1 else "s")
        click.echo(f"{r.name:<{width}}  {r.kind:<5}  {rows:>16}  {r.description or ''}")
    click.echo(f'{len(frame)} tables and views; columns and units: docs/schema.md, or jitjic sql "describe <name>"')


@cli.command()
@click.argument("load_id", type=int)
@click.pass_context
def unload(ctx: click.Context, load_id: int) -> None:
    """Take back load LOAD_ID (see the load_report view): its lines or rows, its rejects and its
    log entry; rows it replaced come back. Recorded in the run history (no Prefect). The next run
    publishes the change; the same file can then be loaded again."""
    from jitjic import warehouse

    settings = _settings(ctx)
    con = warehouse.connect(settings.paths.database)
    try:
        warehouse.ensure_schema(con)
        try:
            done = warehouse.unload(con, load_id)
        except warehouse.UnloadError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_FAILED)
    finally:
        con.close()
    click.echo(
        f"unloaded load {load_id} ({done['kind']} {done['file']}): removed {done['rows_removed']:,} rows and "
        f"{done['rejects_removed']:,} rejects, restored {done['rows_restored']:,} rows it had replaced; "
        "the next run publishes the change"
    )


@cli.command()
@click.option("--run", "run_id", default=None, help="Run id (default: the latest run, whatever its status).")
@click.option("--max-rows", type=int, default=10, show_default=True, help="Offending rows printed per check.")
@click.pass_context
def check(ctx: click.Context, run_id: str | None, max_rows: int) -> None:
    """Run the data checks (sql/checks) on a run in the working database, read-only (no Prefect),
    and print the rows that break them: what to look at when a run failed them."""
    import pandas as pd

    from jitjic import warehouse
    from jitjic.wiring import check_ceilings

    settings = _settings(ctx)
    path = settings.paths.database
    if not Path(path).exists():
        click.echo(f"error: {path} does not exist yet: run `jitjic run` first", err=True)
        sys.exit(EXIT_FAILED)
    con = warehouse.connect(path, read_only=True)  # a locked or corrupt file: its message, exit 4
    try:
        run_id = run_id or warehouse.latest_run_id(con, completed=False)
        if run_id is None or not warehouse.run_exists(con, run_id):
            click.echo(f"error: no run {run_id!r} in {path}", err=True)
            sys.exit(EXIT_CONFIG)
        results = warehouse.check_rows(con, run_id, **check_ceilings(settings))
    finally:
        con.close()
    broken = 0
    for name, rows in results.items():
        click.echo(f"{'ok    ' if rows.empty else 'FAILED'} {name}" + (f": {len(rows):,} row(s)" if len(rows) else ""))
        if len(rows):
            broken += 1
            with pd.option_context("display.width", 200, "display.max_columns", 30):
                click.echo(rows.head(max_rows).to_string(index=False))
    click.echo(f"run {run_id}: {len(warehouse.CHECKS) - broken} of {len(warehouse.CHECKS)} checks hold")
    if broken:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option("--skus", type=click.IntRange(min=1), default=3_000, show_default=True, help="SKUs (M5: 30490).")
@click.option("--days", type=click.IntRange(min=28), default=730, show_default=True, help="Days of history (M5: 1941).")
@click.option("--start", default="2011-01-29", show_default=True, help="First day (YYYY-MM-DD).")
@click.option("--seed", type=int, default=42, show_default=True)
def generate(out_dir: Path, skus: int, days: int, start: str, seed: int) -> None:
    """Write a seeded M5-like synthetic catalogue (order lines, items, stock, settings) to OUT_DIR.

    Then: jitjic --config OUT_DIR/jitjic.toml run
    """
    from jitjic.synthetic import CatalogueSpec, generate_catalogue

    t0 = time.perf_counter()
    counts = generate_catalogue(out_dir, CatalogueSpec(skus=skus, days=days, start=start, seed=seed))
    click.echo(", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in counts.items()))
    click.echo(
        f"written to {out_dir} in {time.perf_counter() - t0:.1f} s; "
        f"run it with: jitjic --config {out_dir / 'jitjic.toml'} run"
    )


@cli.command()
@click.pass_context
def serve(ctx: click.Context) -> None:
    """Serve the nightly flow on its schedule ([schedule] cron and timezone) until stopped.

    Needs a Prefect API to register with (PREFECT_API_URL, e.g. a `prefect server start`).
    """
    settings = _settings(ctx)
    _prefect_environment()
    from jitjic.flows.deploy import serve_nightly

    config = str(ctx.obj["config"]) if ctx.obj["config"] else None
    s = settings.schedule
    click.echo(f"serving '{s.deployment_name}': cron '{s.cron}' ({s.timezone}), one run at a time; Ctrl-C stops")
    serve_nightly(settings, config)


def main() -> None:
    from jitjic.warehouse.db import WarehouseError, storage_error

    try:
        # not standalone, so the errors below get their messages; click then returns the exit
        # code of ctx.exit() instead of exiting with it
        code = cli(prog_name="jitjic", standalone_mode=False)
    except WarehouseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_DATABASE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_FAILED)
    except Exception as exc:
        full = storage_error(exc, "the working database")
        if not full:
            raise
        click.echo(f"error: {full}", err=True)
        sys.exit(EXIT_DATABASE)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


if __name__ == "__main__":
    sys.exit(main())
