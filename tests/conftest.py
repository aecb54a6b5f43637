"""Shared fixtures: the bundled sample, temp warehouses, one Prefect test harness per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
FULL_DATA = ROOT.parent / "shared" / "data" / "online_retail.csv.gz"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def full_data() -> Path:
    if not FULL_DATA.exists():
        pytest.skip(f"{FULL_DATA} not present")
    return FULL_DATA


@pytest.fixture(scope="session")
def prefect_harness():
    """The real Prefect flow engine against a temporary API server, started once per session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def _schema_file(tmp_path_factory) -> Path:
    """An empty warehouse with the schema, made once; each test gets its own copy."""
    from jitjic import warehouse

    path = tmp_path_factory.mktemp("schema") / "w.duckdb"
    c = warehouse.connect(path)
    warehouse.ensure_schema(c)
    c.close()
    return path


@pytest.fixture
def con(tmp_path: Path, _schema_file: Path):
    """A fresh warehouse file with the schema, closed after the test."""
    from jitjic import warehouse

    shutil.copy(_schema_file, tmp_path / "w.duckdb")
    c = warehouse.connect(tmp_path / "w.duckdb")
    yield c
    c.close()
