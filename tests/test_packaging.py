"""Installed, jitjic occupies one top-level name: the design card's folders live under it."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("jitjic-*.whl"))


def test_the_wheel_installs_nothing_outside_the_jitjic_namespace(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"jitjic"}
    for package in ("forecasting", "policy", "reports", "sql", "warehouse", "flows", "replay"):
        assert f"jitjic/{package}/__init__.py" in names
    # package data travels with it: the SQL files and the report templates
    assert "jitjic/sql/checks/recommendations_quantities.sql" in names
    assert "jitjic/reports/templates/report.html" in names


def test_a_users_own_reports_package_does_not_clash(wheel, tmp_path):
    """A package named ``reports`` (or ``sql``) beside jitjic in the same environment: both import,
    each its own; jitjic's SQL and templates are its own."""
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)  # what pip install puts in site-packages
    for name in ("reports", "sql"):
        (site / name).mkdir()
        (site / name / "__init__.py").write_text(f"MINE = {name!r}\n", encoding="utf-8")
    code = (
        "import reports, sql, jitjic.reports, jitjic.warehouse\n"
        "assert reports.MINE == 'reports' and sql.MINE == 'sql'\n"
        "assert 'jitjic' in jitjic.reports.__file__ and str(site) in jitjic.reports.__file__\n"
        "assert 'select' in jitjic.warehouse.db.read_sql('checks/recommendations_quantities.sql').lower()\n"
        "print('ok')\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}
    # the dependencies come from this environment's site-packages, after the extracted wheel
    deps = [p for p in sys.path if p.endswith("site-packages")]
    env["PYTHONPATH"] = ":".join([str(site), *deps])
    out = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = {env['PYTHONPATH'].split(':')!r}\nsite = {str(site)!r}\n" + code,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
