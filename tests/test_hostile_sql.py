"""Analyst SQL is confined: `jitjic sql` reads the analysts' database and nothing else. Every
statement here is an attack seen or plausible (issue 17); none may succeed, and the working
database, the files beside it and the secrets in the environment stay as they were."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from jitjic.cli import EXIT_CONFIG, cli

SECRET = "s3cret-smtp-password"

# (attack, SQL); {work} is the working database, {out} a path in the test's folder
ATTACKS = [
    (
        "attach the working db read-write and empty the order history",
        "ATTACH '{work}' AS w (READ_WRITE); DELETE FROM w.order_lines",
    ),
    ("attach the working db", "ATTACH '{work}' AS w"),
    ("attach in memory, then write there", "ATTACH ':memory:' AS m; CREATE TABLE m.t AS SELECT 1"),
    ("copy over the working db", "COPY (SELECT 'x') TO '{work}'"),
    ("copy a table out", "COPY order_lines TO '{out}.csv'"),
    ("export the database", "EXPORT DATABASE '{out}'"),
    ("import a database", "IMPORT DATABASE '{out}'"),
    ("read the environment of the process", "SELECT content FROM read_text('/proc/self/environ')"),
    ("read a file as CSV", "SELECT * FROM read_csv('/etc/passwd')"),
    ("read a file as a blob", "SELECT * FROM read_blob('/etc/hostname')"),
    ("list files", "SELECT * FROM glob('/*')"),
    ("read the working db by its path", "SELECT * FROM '{work}'"),
    ("query the network", "SELECT * FROM read_parquet('https://example.com/x.parquet')"),
    ("install an extension", "INSTALL httpfs"),
    ("force-install from a URL", "FORCE INSTALL httpfs FROM 'http://example.com'"),
    ("load an extension", "LOAD httpfs"),
    ("undo the external-access lock", "SET enable_external_access = true"),
    ("unlock the configuration", "SET lock_configuration = false"),
    ("reset the lock", "RESET lock_configuration"),
    ("a pragma that changes a setting", "PRAGMA enable_profiling"),
    ("move temporary files elsewhere", "SET temp_directory = '{out}'"),
    ("store a secret", "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')"),
    ("write to the analysts' db", "CREATE TABLE t AS SELECT 1"),
    ("drop a table", "DROP TABLE order_lines"),
    ("delete rows", "DELETE FROM order_lines"),
    ("a harmless select, then an attach", "SELECT 1; ATTACH '{work}' AS w"),
    ("detach the database", "DETACH analysts"),
    ("checkpoint", "CHECKPOINT"),
]


@pytest.fixture()
def install(tmp_path: Path):
    """An analysts' database and a working database beside it, each with an order line."""
    for name in ("analysts", "work"):
        with duckdb.connect(str(tmp_path / f"{name}.duckdb")) as con:
            con.execute("create table order_lines as select 'A1' as sku, 3.0 as quantity")
    return tmp_path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize(("attack", "sql"), ATTACKS, ids=[a for a, _ in ATTACKS])
def test_no_attack_succeeds(install: Path, monkeypatch, attack: str, sql: str):
    monkeypatch.setenv("JITJIC_EMAIL__PASSWORD", SECRET)
    before = _files(install)
    query = sql.format(work=install / "work.duckdb", out=install / "out")
    result = CliRunner().invoke(cli, ["sql", "--database", str(install / "analysts.duckdb"), query])
    assert result.exit_code == EXIT_CONFIG, result.output
    assert result.output.startswith("error: ") and SECRET not in result.output
    assert _files(install) == before, "no file may be written, replaced or created"
    with duckdb.connect(str(install / "work.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from order_lines").fetchall() == [(1,)]


def test_the_process_running_analyst_sql_holds_no_secret(install: Path):
    """In a process started with the SMTP password in its environment, neither the query nor
    the environment left to it can reach the password."""
    code = (
        "import os, sys; from jitjic.cli import main; sys.argv = ['jitjic'] + sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit as e:\n"
        "    print('ENV', sorted(k for k in os.environ if 'JITJIC' in k.upper() or 'SECRET' in k.upper()))\n"
        "    raise\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "JITJIC_EMAIL__PASSWORD": SECRET,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "jitjic_email__user": "mailer",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "sql",
            "--database",
            str(install / "analysts.duckdb"),
            "SELECT content FROM read_text('/proc/self/environ')",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=install,
    )
    assert out.returncode == EXIT_CONFIG and "file system operations are disabled" in out.stderr
    assert SECRET not in out.stdout + out.stderr and "Traceback" not in out.stderr
    assert "ENV []" in out.stdout  # settings and credentials were dropped before the query ran
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "jitjic.cli",
            "sql",
            "--database",
            str(install / "analysts.duckdb"),
            "select sum(quantity) as units from order_lines",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=install,
    )
    assert ok.returncode == 0 and "3.0" in ok.stdout


def test_results_are_written_by_jitjic_not_by_copy(install: Path):
    out_csv, out_pq = install / "r.csv", install / "r.parquet"
    result = CliRunner().invoke(
        cli,
        [
            "sql",
            "--database",
            str(install / "analysts.duckdb"),
            "--csv",
            str(out_csv),
            "--parquet",
            str(out_pq),
            "select sku, quantity from order_lines",
        ],
    )
    assert result.exit_code == 0, result.output
    assert out_csv.read_text().splitlines() == ["sku,quantity", "A1,3.0"]
    with duckdb.connect() as con:
        assert con.execute("select * from read_parquet(?)", [str(out_pq)]).fetchall() == [("A1", 3.0)]
    listing = CliRunner().invoke(cli, ["sql", "--database", str(install / "analysts.duckdb")])
    assert listing.exit_code == 0 and "order_lines" in listing.output
