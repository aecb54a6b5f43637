"""Per-run results: build demand in SQL, read stage inputs, write stage outputs by run id."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
from jitjic.warehouse.db import run_sql_file, scalar, transaction

__all__ = [
    "accuracy_by_class",
    "item_packs",
    "ranked_exceptions",
    "policy_changes_between",
    "recent_demand",
    "sku_forecasts",
    "demand_skus",
    "RESULT_TABLES",
    "READABLE",
    "build_demand",
    "latest_as_of",
    "read_demand",
    "demand_partitions",
    "demand_periods",
    "read_items",
    "read_latest_stock",
    "chosen_policy",
    "read_table",
    "write_results",
    "prune_demand",
]

# tables a stage may write; a table name never comes from anywhere but this list
RESULT_TABLES = (
    "forecasts",
    "forecast_lead_time",
    "forecast_accuracy",
    "forecast_coverage",
    "sku_classes",
    "recommendations",
    "simulation_results",
    "exchange_curves",
    "policy_choice",
    "forecast_summary",
    "run_exceptions",
    "forecast_backtests",
)
READABLE = RESULT_TABLES + (
    "demand",
    "runs",
    "run_stages",
    "load_log",
    "load_report",
    "reorder_now",
    "abc_xyz_matrix",
    "abc_xyz_matrix_by_run",
    "abc_summary",
    "class_changes",
    "latest_recommendations",
    "latest_classes",
    "latest_forecasts",
    "latest_run",
    "exchange_curve",
    "latest_policy_choice",
    "exceptions",
    "policy_changes",
    "forecast_vs_actual",
)


def latest_as_of(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last order date loaded (the default end of history)."""
    return scalar(con, "select max(order_date) from stg_order_lines")


def build_demand(con: duckdb.DuckDBPyConnection, run_id: str, period: str, as_of: date) -> int:
    """Write this run's zero-filled demand per SKU per whole period; returns rows written."""
    con.execute("delete from demand where run_id = ?", [run_id])
    run_sql_file(con, "marts/fct_demand.sql", run_id=run_id, period=period, as_of=as_of)
    return scalar(con, "select count(*) from demand where run_id = ?", [run_id])


def read_demand(con: duckdb.DuckDBPyConnection, run_id: str, skus: tuple[str, str] | None = None) -> pd.DataFrame:
    """Long demand frame ``sku, period_start, qty, order_lines, revenue`` of one run; with
    ``skus = (first, last)`` only the SKUs in that range (a partition)."""
    first, last = skus if skus else (None, None)
    return con.execute(
        "select sku, period_start, qty, order_lines, revenue from demand where run_id = $run_id "
        "and ($first::varchar is null or sku between $first and $last) order by sku, period_start",
        {"run_id": run_id, "first": first, "last": last},
    ).df()


def demand_partitions(con: duckdb.DuckDBPyConnection, run_id: str, n: int) -> list[tuple[str, str]]:
    """Up to ``n`` (first, last) SKU ranges of one run's demand, in SKU order, about equal in SKUs."""
    return [
        tuple(r)
        for r in con.execute(
            "with skus as (select distinct sku from demand where run_id = ?), "
            "parts as (select sku, ntile(?) over (order by sku) as part from skus) "
            "select min(sku), max(sku) from parts group by part order by part",
            [run_id, n],
        ).fetchall()
    ]


def item_packs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``sku, moq, pack_size`` of every item master row."""
    return run_sql_file(con, "reports/item_packs.sql").df()


def ranked_exceptions(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """One run's exceptions, the most money at stake first, with the item's description."""
    return run_sql_file(con, "reports/run_exceptions.sql", run_id=run_id).df()


def policy_changes_between(con: duckdb.DuckDBPyConnection, run_id: str, previous: str | None) -> pd.DataFrame:
    """The items whose policy changed from run ``previous`` to ``run_id``, largest capital change first."""
    return run_sql_file(con, "reports/policy_changes_between.sql", run_id=run_id, previous=previous).df()


def recent_demand(con: duckdb.DuckDBPyConnection, run_id: str, skus: list[str], periods: int) -> pd.DataFrame:
    """The last ``periods`` periods of demand of ``skus`` in one run (``sku, period_start, qty``)."""
    return run_sql_file(con, "reports/recent_demand.sql", run_id=run_id, skus=skus, periods=periods).df()


def sku_forecasts(con: duckdb.DuckDBPyConnection, run_id: str, skus: list[str]) -> pd.DataFrame:
    """One run's forecast of ``skus`` (``sku, period_start, mean, lower, upper``), step by step."""
    return run_sql_file(con, "reports/sku_forecasts.sql", run_id=run_id, skus=skus).df()


def accuracy_by_class(con: duckdb.DuckDBPyConnection, run_id: str) -> pd.DataFrame:
    """Median RMSSE and WAPE of the selected forecasts per ABC class and over all (``abc`` "all"),
    with the count of SKUs."""
    return run_sql_file(con, "reports/accuracy_by_class.sql", run_id=run_id).df()


def demand_skus(con: duckdb.DuckDBPyConnection, run_id: str) -> list[str]:
    """Every SKU of one run's demand."""
    return [r[0] for r in con.execute("select distinct sku from demand where run_id = ?", [run_id]).fetchall()]


def demand_periods(con: duckdb.DuckDBPyConnection, run_id: str) -> list:
    """Every period start of one run's demand, ascending (the calendar all partitions share)."""
    return [
        r[0]
        for r in con.execute(
            "select distinct period_start from demand where run_id = ? order by 1", [run_id]
        ).fetchall()
    ]


def read_items(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Item master joined with what the order lines say: mean selling price and a description.

    Columns: sku, description, unit_cost, supplier, lead_time_days, lead_time_std_days, moq,
    pack_size, order_cost, holding_rate, on_time_rate, policy_override, target_service_level,
    obsolescence_rate, backorder_share, review_period_days, max_wait_days, shortage_cost (missing
    where the master is silent),
    avg_price (currency per unit, quantity-weighted).
    """
    return con.execute(
        """
        -- zeros too (weeks without demand in period totals): an item asked for in no week of its
        -- history is still an item, with its master's cost and lead time; they add 0 to the sums
        with lines as (
            select * from stg_order_lines where quantity >= 0
        ),
        -- exact sums and a tie-break: the same figures whatever order the lines are read in
        named as (
            select sku, description, count(*) as n
            from lines where description is not null group by sku, description
        ),
        -- lines without a price (an export that has none) say nothing about it: no price, not 0
        sold as (
            select sku,
                   sum(revenue::decimal(38, 6)) filter (where unit_price is not null)::double
                       / nullif(sum(quantity::decimal(38, 6)) filter (where unit_price is not null)::double, 0)
                       as avg_price
            from lines
            group by sku
        ),
        described as (
            select s.sku, s.avg_price, (select first(n.description order by n.n desc, n.description)
                                        from named as n where n.sku = s.sku) as sold_description
            from sold as s
        ),
        final as (
            select s.sku,
                   coalesce(i.description, s.sold_description) as description,
                   i.unit_cost, i.supplier, i.lead_time_days, i.lead_time_std_days, i.moq, i.pack_size,
                   i.order_cost, i.holding_rate, i.on_time_rate, i.policy_override, i.target_service_level,
                   i.obsolescence_rate, i.backorder_share, i.review_period_days, i.max_wait_days,
                   i.shortage_cost, s.avg_price
            from described as s left join items as i using (sku)
        )
        select * from final order by sku
        """
    ).df()


def read_latest_stock(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each SKU's most recent stock snapshot: sku, snapshot_date, on_hand, on_order (units)."""
    return con.execute(
        """
        select sku, snapshot_date, on_hand, on_order
        from stock_snapshots
        qualify row_number() over (partition by sku order by snapshot_date desc) = 1
        order by sku
        """
    ).df()


def chosen_policy(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> str | None:
    """The policy candidate ``run_id`` planned with (default: the last completed run's), from
    ``policy_choice``; None where that run chose none."""
    return scalar(
        con,
        "select candidate from policy_choice where chosen and run_id = coalesce(?, (select run_id from latest_run))",
        [run_id],
    )


def write_results(con: duckdb.DuckDBPyConnection, table: str, run_id: str, frame: pd.DataFrame) -> int:
    """Replace this run's rows of ``table`` (one of RESULT_TABLES) with ``frame``."""
    if table not in RESULT_TABLES:
        raise ValueError(f"{table!r} is not a result table; expected one of {RESULT_TABLES}")
    with transaction(con):
        con.execute("delete from " + table + " where run_id = ?", [run_id])  # noqa: S608 (allow-listed name)
        con.register("staged_results", frame.assign(run_id=run_id))
        con.execute("insert into " + table + " by name select * from staged_results")  # noqa: S608
        con.unregister("staged_results")
    return len(frame)


def read_table(con: duckdb.DuckDBPyConnection, name: str, run_id: str | None = None) -> pd.DataFrame:
    """A table or view from READABLE, optionally only one run's rows."""
    if name not in READABLE:
        raise ValueError(f"{name!r} is not readable here; expected one of {READABLE}")
    if run_id is None:
        return con.execute("select * from " + name).df()  # noqa: S608 (allow-listed name)
    return con.execute("select * from " + name + " where run_id = ?", [run_id]).df()  # noqa: S608


def prune_demand(con: duckdb.DuckDBPyConnection, keep_run_id: str) -> int:
    """Drop demand and backtest rows of every other run: both are rebuilt each night (the
    backtests hold origins x horizon rows per SKU). Returns the demand rows dropped."""
    deleted = scalar(con, "select count(*) from demand where run_id <> ?", [keep_run_id])
    con.execute("delete from demand where run_id <> ?", [keep_run_id])
    con.execute("delete from forecast_backtests where run_id <> ?", [keep_run_id])
    return deleted
