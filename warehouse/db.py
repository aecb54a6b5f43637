"""Open the DuckDB file and run the SQL files of ``sql/`` in their declared order."""

from __future__ import annotations

import errno
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

__all__ = [
    "SCHEMA_FILES",
    "COMMENTS_FILE",
    "describe_objects",
    "WarehouseError",
    "CONFINED",
    "connect",
    "connect_confined",
    "ensure_schema",
    "run_sql_file",
    "read_sql",
    "scalar",
    "storage_error",
    "transaction",
    "catalogue",
]


class WarehouseError(RuntimeError):
    """The database file cannot be used; the message says why and what to do. ``locked``:
    another process holds it (worth waiting for)."""

    def __init__(self, message: str, *, locked: bool = False):
        super().__init__(message)
        self.locked = locked

    def __reduce__(self):  # keeps ``locked`` when Prefect copies the exception
        return (type(self), (str(self),), {"locked": self.locked})


# the declared order: tables before the views that read them
SCHEMA_FILES = (
    "schema/001_ingest.sql",
    "schema/002_runs.sql",
    "schema/003_results.sql",
    "staging/stg_order_lines.sql",
    "views/analyst_views.sql",
)
# one line per table and view (run after them; see describe_objects)
COMMENTS_FILE = "views/comments.sql"
_COMMENT = re.compile(r"^comment on (?:table|view) (\w+) is .*;$", re.MULTILINE)

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def read_sql(name: str) -> str:
    """The text of ``sql/<name>``, from the installed package."""
    return resources.files("jitjic.sql").joinpath(name).read_text(encoding="utf-8")


# what `jitjic sql` lists when given no statement: the tables and views analysts query, with
# their one-line description (sql/views/comments.sql); staging views are the pipeline's own
_CATALOGUE_SQL = """
    with listed as (
        select table_name as name, 'table' as kind, comment from duckdb_tables()
        where database_name = current_database() and schema_name = 'main'
        union all
        select view_name, 'view', comment from duckdb_views()
        where database_name = current_database() and schema_name = 'main' and not internal
    )
    select name, kind, comment as description from listed
    where not starts_with(name, 'stg_')
    order by kind desc, name
"""


def catalogue(con: duckdb.DuckDBPyConnection) -> Any:
    """Every table and view but staging with its description and row count (a view's rows are
    counted by running it), as a DataFrame."""
    frame = con.execute(_CATALOGUE_SQL).df()
    quoted = ['"' + name.replace('"', '""') + '"' for name in frame["name"]]  # names from the catalogue
    frame.insert(2, "rows", [con.execute("select count(*) from " + q).fetchall()[0][0] for q in quoted])  # noqa: S608
    return frame


# what analysts' SQL runs under: no file or network access beyond the database itself (so no
# ATTACH, COPY, read_text or INSTALL), no extension loading, and these settings locked
CONFINED = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
    "lock_configuration": True,
}


def connect_confined(path: str | Path) -> duckdb.DuckDBPyConnection:
    """The database at ``path`` read-only and CONFINED: for SQL written by people, not by jitjic."""
    path = Path(path)
    if not path.is_file():
        raise WarehouseError(
            f"{path} is not a database file" + (" (a directory)" if path.is_dir() else " (it does not exist)")
        )
    try:
        return _connect(path, True, CONFINED)
    except WarehouseError as exc:
        if "not a DuckDB database" in str(exc):
            raise WarehouseError(f"{path} is not a DuckDB database (corrupt, or another kind of file)") from None
        raise


def connect(path: str | Path, *, read_only: bool = False, wait_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open (creating parent folders when writing) the warehouse file; while another process
    holds it, try again for up to ``wait_seconds`` before WarehouseError names the holder."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return _connect(Path(path), read_only)
        except WarehouseError as exc:
            if not exc.locked or time.monotonic() >= deadline:
                raise
            time.sleep(min(0.25, max(deadline - time.monotonic(), 0.0)))


def _connect(path: Path, read_only: bool, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            holder = re.search(r"held in (.+?\(PID \d+\))", text)
            who = f" by {holder.group(1)}" if holder else ""
            raise WarehouseError(
                f"{path} is in use{who}: another jitjic run (or a writer) has it open; wait for it to finish "
                "or stop it. Analysts should open paths.analysts_database, which never blocks a run.",
                locked=True,
            ) from None
        if "not a valid DuckDB database" in text:
            raise WarehouseError(
                f"{path} is not a DuckDB database (corrupt, or another kind of file): move it aside; the next "
                "run builds a new working database from the input files"
            ) from None
        raise WarehouseError(f"cannot open {path}: {text}") from None
    except OSError as exc:
        raise WarehouseError(f"cannot open {path}: {exc.strerror or exc}: check the path and its permissions") from None


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view that does not exist yet; safe to call on every start."""
    _unkey_order_lines(con)
    for name in SCHEMA_FILES:
        con.execute(read_sql(name))
    describe_objects(con)


def describe_objects(con: duckdb.DuckDBPyConnection) -> int:
    """Give each table and view of the current database its one-line description from
    ``sql/views/comments.sql`` (shown by duckdb_tables(), duckdb_views() and `jitjic sql`);
    objects this database lacks (the analysts' file has no replaced_* tables) are skipped.
    Returns the number described."""
    present = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() union all "
            "select view_name from duckdb_views() where database_name = current_database()"
        ).fetchall()
    }
    done = 0
    for statement in _COMMENT.finditer(read_sql(COMMENTS_FILE)):
        if statement.group(1) in present:  # the statement is jitjic's own text, not data
            con.execute(statement.group(0))
            done += 1
    return done


def _unkey_order_lines(con: duckdb.DuckDBPyConnection) -> None:
    """Older working databases declared ``order_lines.line_key`` a primary key; its
    index made each load slower as the table grew. Rebuild the table once without it (in time
    order, so loads can skip the row groups outside a file's dates), in one transaction."""
    keyed = scalar(
        con,
        "select count(*) from duckdb_constraints() where table_name = 'order_lines' "
        "and constraint_type = 'PRIMARY KEY'",
    )
    if not keyed:
        return
    with transaction(con):
        con.execute("alter table order_lines rename to order_lines_keyed")
        con.execute(read_sql("schema/001_ingest.sql"))
        con.execute("insert into order_lines by name select * from order_lines_keyed order by ordered_at")
        con.execute("drop table order_lines_keyed")


def run_sql_file(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> duckdb.DuckDBPyConnection:
    """Run one single-statement SQL file, binding ``$name`` parameters from ``params``."""
    text = read_sql(name)
    wanted = set(_PARAM.findall(text))
    missing = wanted - set(params)
    if missing:
        raise ValueError(f"sql/{name} needs parameters {sorted(missing)}")
    return con.execute(text, {k: v for k, v in params.items() if k in wanted})


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction: committed when the block ends, rolled back (and the error raised on)
    when anything in it fails, a kill included, so a reader never sees half of it."""
    con.begin()
    try:
        yield con
        con.commit()
    except BaseException:
        con.rollback()
        raise


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    """First value of the first row (None when no row), reading the result to its end.

    DuckDB 2 refuses new work on a connection whose last result was not read to the end.
    """
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_FULL_TEXT = re.compile(r"no space left on device|file too large|disk quota exceeded|not enough space", re.I)


def storage_error(exc: BaseException, path: str | Path) -> str | None:
    """A message for an out-of-space failure anywhere in ``exc``'s chain, else None."""
    seen: BaseException | None = exc
    while seen is not None:
        if (isinstance(seen, OSError) and seen.errno in _FULL_ERRNOS) or _FULL_TEXT.search(str(seen)):
            return (
                f"out of disk space (or over a file size limit) writing {path} or beside it: "
                f"{str(seen).splitlines()[0][:200]}. Free space there and run again: the run is "
                "recorded as failed or abandoned, the published results are untouched, and files already "
                "loaded are not loaded twice"
            )
        seen = seen.__cause__ or seen.__context__
    return None
