"""Assemble a run's report from the warehouse: HTML, charts, XLSX and CSV on disk, and the email."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import duckdb
import pandas as pd

import reports
import warehouse
from jitjic.settings import Settings
from warehouse.runs import utc_now

__all__ = ["ReportFiles", "write_report_files", "report_email", "smtp_config", "mailed_files"]

XLSX = "jitjic_recommendations.xlsx"
CSV = "reorder_now.csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTS = ("heatmap", "capital", "accuracy", "exchange")


@dataclass(frozen=True)
class ReportFiles:
    folder: Path
    html: Path           # for a browser: charts as PNG files beside it
    email_html: Path     # for the email: charts as cid: references
    xlsx: Path
    csv: Path
    images: dict[str, Path]

    @classmethod
    def in_folder(cls, folder: str | Path) -> ReportFiles:
        """The files ``write_report_files`` wrote into ``folder`` (a chart without data, e.g. the
        exchange curve when the replay is off, is not written)."""
        folder = Path(folder)
        return cls(folder, folder / "report.html", folder / "report_email.html", folder / XLSX, folder / CSV,
                   {name: folder / f"{name}.png" for name in CHARTS if (folder / f"{name}.png").exists()})


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


def _write_files(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, aside: Path, folder: Path) -> None:
    """Write every file of the run's report into ``aside``, one by one as each is made; ``folder``
    is where they will live (the mail names it)."""
    runs = warehouse.read_table(con, "runs", run_id)
    if runs.empty or runs["status"].iloc[0] != "completed":
        raise ValueError(f"no completed run {run_id!r} in {settings.paths.database}")
    run = runs.iloc[0].to_dict()
    as_of = pd.Timestamp(run["as_of"]).date() if pd.notna(run.get("as_of")) else None
    run.update(as_of=as_of, period=settings.demand.period, generated_at=f"{utc_now():%Y-%m-%d %H:%M}")
    recs = warehouse.read_table(con, "recommendations", run_id)
    matrix = warehouse.read_table(con, "abc_xyz_matrix_by_run", run_id)
    accuracy = warehouse.accuracy_by_class(con, run_id)
    changes = _changes(con, run_id)
    curve = warehouse.read_table(con, "exchange_curves", run_id)

    def put(name: str, data: bytes | str) -> None:
        (aside / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    put("heatmap.png", reports.abc_xyz_heatmap(matrix))
    put("capital.png", reports.capital_by_class(recs))
    put("accuracy.png", reports.accuracy_by_class(accuracy[accuracy["abc"] != "all"]))
    if not curve.empty:  # the replay may be off
        put("exchange.png", reports.exchange_curve_chart(curve))
    charts = [n for n in CHARTS if (aside / f"{n}.png").exists()]
    reorder = reports.reorder_list(recs)
    sheets = {CSV: reports.reorder_csv(reorder).encode("utf-8"),
              XLSX: reports.workbook_bytes(recs, reorder[reports.REORDER_COLUMNS], changes,
                                           created=pd.Timestamp(run["started_at"]).to_pydatetime())}
    mailed = mailed_files({name: len(data) for name, data in sheets.items()}, settings.email.max_attachments_mb)
    too_big = [{"name": name, "mb": len(data) / 1024 / 1024} for name, data in sheets.items() if name not in mailed]
    common = dict(changes=changes, accuracy=accuracy, curve=curve,
                  simulation=warehouse.read_table(con, "simulation_results", run_id))
    args = (run, recs, matrix, warehouse.read_table(con, "load_report", run_id),
            warehouse.read_table(con, "run_stages", run_id))
    files = ReportFiles.in_folder(folder)
    put(files.html.name, reports.render_report(
        reports.build_context(*args, images={n: f"{n}.png" for n in charts}, **common)))
    email_context = reports.build_context(*args, images={n: f"cid:{n}" for n in charts}, **common)
    email_context.update(left_out=too_big, left_out_folder=str(folder.resolve()),
                         attachment_limit_mb=settings.email.max_attachments_mb)
    put(files.email_html.name, reports.render_report(email_context))
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
    """The report mail, built from the files on disk (the CSV has one line per SKU to reorder)."""
    e = settings.email
    with open(files.csv, newline="", encoding="utf-8") as fh:  # descriptions may hold newlines
        reorder_count = sum(1 for _ in csv.reader(fh)) - 1
    subject = f"{e.subject_prefix} purchasing report {run_id}: {reorder_count} SKUs to reorder today"
    # the same choice as the note in report_email.html (written with the files)
    paths = {CSV: (files.csv, "text/csv"), XLSX: (files.xlsx, XLSX_MIME)}
    mailed = mailed_files({name: path.stat().st_size for name, (path, _) in paths.items()}, e.max_attachments_mb)
    return reports.build_message(
        subject, e.sender, e.recipients, files.email_html.read_text(encoding="utf-8"),
        images={name: path.read_bytes() for name, path in files.images.items()},
        attachments=[(name, paths[name][0].read_bytes(), paths[name][1]) for name in [XLSX, CSV] if name in mailed],
    )


def smtp_config(settings: Settings) -> reports.SmtpConfig:
    e = settings.email
    return reports.SmtpConfig(
        host=e.host, port=e.port, security=e.security, user=e.user,
        password=e.password.get_secret_value() if e.password else None, timeout=e.timeout_seconds,
        allow_plaintext_auth=e.allow_plaintext_auth,
    )
