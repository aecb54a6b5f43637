"""The DuckDB warehouse: schema, loads, run history and per-run results."""

from warehouse.checks import CHECKS, CheckFailure, check_rows, failed_checks
from warehouse.db import WarehouseError, connect, connect_confined, ensure_schema, run_sql_file
from warehouse.loads import LoadResult, load_file
from warehouse.publish import PUBLISHED_TABLES, publish_analysts_db
from warehouse.results import (
    RESULT_TABLES,
    build_demand,
    demand_partitions,
    demand_periods,
    latest_as_of,
    prune_demand,
    read_demand,
    read_items,
    read_latest_stock,
    read_table,
    write_results,
)
from warehouse.runs import (
    fail_run,
    finish_run,
    record_stage,
    record_stock_used,
    runs_missing_a_report,
    set_report_status,
    start_run,
    stock_status,
)
from warehouse.unloads import UnloadError, unload

__all__ = [
    "CHECKS",
    "CheckFailure",
    "check_rows",
    "failed_checks",
    "WarehouseError",
    "connect",
    "connect_confined",
    "ensure_schema",
    "run_sql_file",
    "LoadResult",
    "PUBLISHED_TABLES",
    "publish_analysts_db",
    "load_file",
    "RESULT_TABLES",
    "build_demand",
    "latest_as_of",
    "prune_demand",
    "read_items",
    "read_latest_stock",
    "read_demand",
    "demand_partitions",
    "demand_periods",
    "read_table",
    "write_results",
    "start_run",
    "finish_run",
    "fail_run",
    "record_stage",
    "set_report_status",
    "runs_missing_a_report",
    "record_stock_used",
    "stock_status",
    "UnloadError",
    "unload",
]
