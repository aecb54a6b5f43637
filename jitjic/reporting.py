"""Assemble a run's report from the warehouse: HTML, charts, XLSX and CSV on disk, and the email."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from jitjic import policy, reports, warehouse
from jitjic.settings import Settings
from jitjic.warehouse.runs import utc_now

__all__ = ["ReportFiles", "write_report_files", "report_email", "mail_withheld", "smtp_config", "mailed_files"]

XLSX = "jitjic_recommendations.xlsx"
CSV = "reorder_now.csv"
FACTS = "report.json"
SAMPLE_ORDERS = Path(Settings.model_fields["inputs"].default.orders[0]).name  # the bundled sample's order lines
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTS = ("heatmap", "capital", "accuracy", "exchange")
# per-SKU charts are drill_01.png, drill_02.png, ... (names never come from data)
DRILL = "drill_{:02d}"
# periods of history a per-SKU chart shows
DRILL_HISTORY = 52


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path  # for a browser: charts as PNG files beside it
    email_html: Path  # the mail's HTML (CSS inlined), charts as the files beside it; cid: when mailed
    email_text: Path  # the mail's text/plain part
    facts: Path  # the headline facts as JSON: the mail's subject and whether it goes out
    xlsx: Path
    csv: Path
    images: dict[str, Path]

    @classmethod
    def in_folder(cls, folder: str | Path) -> ReportFiles:
        """The files ``write_report_files`` wrote into ``folder`` (a chart without data, e.g. the
        exchange curve when the replay is off, is not written)."""
        folder = Path(folder)
        names = [n for n in CHARTS if (folder / f"{n}.png").exists()]
        names += sorted(p.stem for p in folder.glob("drill_*.png"))
        return cls(
            folder,
            folder / "report.html",
            folder / "report_email.html",
            folder / "report_email.txt",
            folder / FACTS,
            folder / XLSX,
            folder / CSV,
            {name: folder / f"{name}.png" for name in names},
        )

    def read_facts(self) -> dict[str, Any]:
        return json.loads(self.facts.read_text(encoding="utf-8")) if self.facts.exists() else {}


def mailed_files(sizes: dict[str, int], limit_mb: float) -> list[str]:
    """Which of the files (name -> bytes, in order of preference: the reorder list first) go by
    mail: all when they fit ``limit_mb`` together as they travel (base64: 4/3 of their bytes),
    else those that fit taken in that order."""
    room, chosen = limit_mb * 1024 * 1024, []
    for name, size in sizes.items():
        if size * 4 / 3 <= room:
            chosen.append(name)
            room -= size * 4 / 3
    return chosen


def _changes(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    changes = warehouse.read_table(con, "class_changes")
    return changes[changes["run_id"] == run_id] if len(changes) else changes


def _recommendations(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> pd.DataFrame:
    """The run's recommendations with each item's MOQ and pack size (the item master's, else the
    policy defaults the plan used)."""
    recs = warehouse.read_table(con, "recommendations", run_id)
    if recs["exceptions"].isna().all():  # a run from before the column: its exceptions are on record
        found = warehouse.read_table(con, "run_exceptions", run_id)
        recs["exceptions"] = policy.exceptions_per_item(found, recs["sku"])
    items = warehouse.item_packs(con)
    recs = recs.merge(items, on="sku", how="left")
    return recs.fillna({"moq": settings.policy.default_moq, "pack_size": settings.policy.default_pack_size})


def _exceptions(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """The run's exceptions, the most money first, with the item's description."""
    return warehouse.ranked_exceptions(con, run_id)


def _policy_changes(con: duckdb.DuckDBPyConnection, run_id: str, previous_run_id: str | None) -> pd.DataFrame:
    """The policy_changes view's rows for ``run_id`` against ``previous_run_id`` (the view itself
    shows only the latest run: a report written again later must show its own run's)."""
    return warehouse.policy_changes_between(con, run_id, previous_run_id)


def _drilldown_charts(
    con: duckdb.DuckDBPyConnection, run_id: str, picks: list[dict[str, str]], recs: pd.DataFrame, period: str
) -> list[tuple[str, dict[str, str], bytes]]:
    """(image name, caption, PNG) per picked SKU: its last DRILL_HISTORY periods of demand (the
    latest run's: demand is kept for it only), the run's forecast, its stock and reorder point."""
    if not picks:
        return []
    skus = [p["sku"] for p in picks]
    history = warehouse.recent_demand(con, run_id, skus, DRILL_HISTORY)
    forecast = warehouse.sku_forecasts(con, run_id, skus)
    items = recs.set_index("sku")
    out = []
    for i, pick in enumerate(picks, start=1):
        item = {"sku": pick["sku"], **items.loc[pick["sku"]].to_dict()} if pick["sku"] in items.index else pick
        png = reports.sku_drilldown(
            history[history["sku"] == pick["sku"]], forecast[forecast["sku"] == pick["sku"]], item, period=period
        )
        out.append((DRILL.format(i), {**pick, "description": item.get("description")}, png))
    return out


def _write_files(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, aside: Path, folder: Path) -> None:
    """Write every file of the run's report into ``aside``, one by one as each is made; ``folder``
    is where they will live (the mail names it)."""
    runs = warehouse.read_table(con, "runs", run_id)
    if runs.empty or runs["status"].iloc[0] != "completed":
        raise ValueError(f"no completed run {run_id!r} in {settings.paths.database}")
    run = runs.iloc[0].to_dict()
    as_of = pd.Timestamp(run["as_of"]).date() if pd.notna(run.get("as_of")) else None
    run.update(as_of=as_of, period=settings.demand.period, generated_at=f"{utc_now():%Y-%m-%d %H:%M}")
    # the bundled sample's licence asks for its credit; another catalogue's data are not UCI's
    run["sample_data"] = any(Path(f).name == SAMPLE_ORDERS for f in settings.inputs.orders)
    currency, top_n = settings.report.currency, settings.report.top_lines
    recs = _recommendations(con, settings, run_id)
    matrix = warehouse.read_table(con, "abc_xyz_matrix_by_run", run_id)
    accuracy = warehouse.accuracy_by_class(con, run_id)
    changes = _changes(con, run_id)
    curve = warehouse.read_table(con, "exchange_curves", run_id)
    stock = warehouse.stock_status(con, run_id)
    found = _exceptions(con, run_id)
    switched = _policy_changes(con, run_id, stock["previous_run_id"])

    def put(name: str, data: bytes | str) -> None:
        (aside / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    put("heatmap.png", reports.abc_xyz_heatmap(matrix))
    put("capital.png", reports.capital_by_class(recs, currency))
    put("accuracy.png", reports.accuracy_by_class(accuracy[accuracy["abc"] != "all"]))
    if not curve.empty:  # the replay may be off
        put("exchange.png", reports.exchange_curve_chart(curve, currency))
    lines = reports.proposal_lines(recs)
    picks = reports.drilldown_picks(lines, found, settings.report.drilldowns)
    drilldowns = []
    for name, caption, png in _drilldown_charts(con, run_id, picks, recs, settings.demand.period):
        put(f"{name}.png", png)
        drilldowns.append({**caption, "src": f"{name}.png"})
    charts = [n for n in CHARTS if (aside / f"{n}.png").exists()]
    notices = reports.stock_notices(
        stock, settings.inputs.max_stock_age_days, counted=bool(recs["on_hand"].notna().any())
    )
    reorder = reports.due_today(lines)
    sheets = {
        CSV: reports.reorder_csv(reorder, run_id).encode("utf-8"),
        XLSX: reports.workbook_bytes(
            recs,
            lines,
            changes,
            exceptions=found,
            policy_changes=switched,
            currency=currency,
            notices=notices,
            created=pd.Timestamp(run["started_at"]).to_pydatetime(),
        ),
    }
    mailed = mailed_files({name: len(data) for name, data in sheets.items()}, settings.email.max_attachments_mb)
    too_big = [{"name": name, "mb": len(data) / 1024 / 1024} for name, data in sheets.items() if name not in mailed]
    context = reports.build_context(
        run,
        recs,
        matrix,
        warehouse.read_table(con, "load_report", run_id),
        warehouse.read_table(con, "run_stages", run_id),
        changes=changes,
        accuracy=accuracy,
        curve=curve,
        choice=warehouse.read_table(con, "policy_choice", run_id),
        simulation=warehouse.read_table(con, "simulation_results", run_id),
        exceptions=found,
        policy_changes=switched,
        stock=stock,
        max_stock_age_days=settings.inputs.max_stock_age_days,
        currency=currency,
        images={n: f"{n}.png" for n in charts},
        drilldowns=drilldowns,
        top_n=top_n,
    )
    files = ReportFiles.in_folder(folder)
    put(files.html.name, reports.render_report(context))
    context.update(
        left_out=too_big, left_out_folder=str(folder.resolve()), attachment_limit_mb=settings.email.max_attachments_mb
    )
    # on disk it shows its charts from the files beside it; the mail refers to them by cid:
    put(files.email_html.name, reports.render_email(context))
    put(files.email_text.name, reports.render_text(context))
    age = reports.stock_age_days(stock)
    facts = {
        "run_id": run_id,
        "as_of": str(as_of),
        "currency": currency,
        **{k: context[k] for k in ("due_today", "overdue", "this_week", "value_today", "exceptions")},
        "same_stock": bool(stock["same_stock"]),
        "previous_run_id": stock["previous_run_id"],
        "stock_date": None if stock["stock_date"] is None else str(stock["stock_date"])[:10],
        "stock_age_days": age,
        "stale": age is not None and age > settings.inputs.max_stock_age_days,
        "notices": notices,
        "planned_with": context["planned_with"],
    }
    put(FACTS, json.dumps(facts, indent=2))
    for name, data in sheets.items():
        put(name, data)


@contextmanager
def _aside(folder: Path) -> Iterator[Path]:
    """A folder beside ``folder`` to write into, renamed into place when the block ends: ``folder``
    is absent, the previous complete version or the new complete one, never half written. Folders
    a killed writer left aside are removed first (one writer at a time: the run, or `jitjic
    report`, holds the working database)."""
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    for stale in [*parent.glob(".*.partial-*"), *parent.glob(".*.old-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    aside, old = parent / f".{folder.name}.partial-{os.getpid()}", parent / f".{folder.name}.old-{os.getpid()}"
    aside.mkdir()
    try:
        yield aside
    except BaseException:
        shutil.rmtree(aside, ignore_errors=True)
        raise
    if folder.exists():
        folder.rename(old)
    aside.rename(folder)
    shutil.rmtree(old, ignore_errors=True)


def write_report_files(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str) -> ReportFiles:
    """Write ``reports_dir/<run_id>/``: report.html (+ PNG charts), report_email.html, the XLSX
    and the reorder-now CSV, as one folder renamed into place; ``runs.report_status`` says
    ``written`` (or ``failed``, and the error is raised)."""
    folder = Path(settings.paths.reports_dir) / run_id
    try:
        with _aside(folder) as aside:
            _write_files(con, settings, run_id, aside, folder)
    except Exception:
        warehouse.set_report_status(con, run_id, "failed")
        raise
    warehouse.set_report_status(con, run_id, "written")
    return ReportFiles.in_folder(folder)


def report_email(files: ReportFiles, settings: Settings, run_id: str) -> EmailMessage:
    """The report mail, built from the files on disk: the subject from the run's facts (business
    date, lines due, same stock or old stock), the text part, the HTML with its charts inline."""
    e = settings.email
    facts = files.read_facts()
    subject = (
        reports.mail_subject(e.subject_prefix, facts) if facts else f"{e.subject_prefix} purchasing report {run_id}"
    )
    # the same choice as the note in report_email.html (written with the files)
    paths = {CSV: (files.csv, "text/csv"), XLSX: (files.xlsx, XLSX_MIME)}
    mailed = mailed_files({name: path.stat().st_size for name, (path, _) in paths.items()}, e.max_attachments_mb)
    return reports.build_message(
        subject,
        e.sender,
        e.recipients,
        _cid_images(files.email_html.read_text(encoding="utf-8"), files.images),
        text=files.email_text.read_text(encoding="utf-8") if files.email_text.exists() else None,
        images={name: path.read_bytes() for name, path in files.images.items()},
        attachments=[(name, paths[name][0].read_bytes(), paths[name][1]) for name in [XLSX, CSV] if name in mailed],
    )


def _cid_images(html: str, images: dict[str, Path]) -> str:
    """``src="<name>.png"`` of each image beside the page -> ``src="cid:<name>"`` (names are
    jitjic's own: CHARTS and drill_NN)."""
    for name in images:
        html = re.sub(rf'src="{re.escape(name)}\.png"', f'src="cid:{name}"', html)
    return html


def mail_withheld(files: ReportFiles, settings: Settings) -> str | None:
    """Why the nightly mail does not go out (``email.send_when = "new_stock"`` and the run saw
    no newer stock count than the previous completed run: the same list would be proposed
    twice), or None when it goes."""
    facts = files.read_facts()
    if settings.email.send_when == "new_stock" and facts.get("same_stock"):
        return (
            f"no newer stock count than run {facts.get('previous_run_id')}: the same order list is not mailed "
            'twice (email.send_when = "new_stock"; the report is on disk)'
        )
    return None


def smtp_config(settings: Settings) -> reports.SmtpConfig:
    e = settings.email
    return reports.SmtpConfig(
        host=e.host,
        port=e.port,
        security=e.security,
        user=e.user,
        password=e.password.get_secret_value() if e.password else None,
        timeout=e.timeout_seconds,
        allow_plaintext_auth=e.allow_plaintext_auth,
    )
