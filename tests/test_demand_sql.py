"""sql/marts/fct_demand.sql: whole periods only, zero-filled from each SKU's first sale."""

from datetime import date

import pandas as pd

from jitjic import warehouse


def add_lines(con, rows):
    df = pd.DataFrame(rows, columns=["sku", "ordered_at", "quantity", "unit_price"])
    df["ordered_at"] = pd.to_datetime(df["ordered_at"])
    df["line_key"] = [f"k{i}" for i in range(len(df))]
    df["load_id"], df["source_row"] = 1, range(len(df))
    con.register("df", df)
    con.execute("insert into order_lines by name select * from df")
    con.unregister("df")


def demand(con, run="r"):
    return [
        (s, str(p), q)
        for s, p, q in con.execute(
            "select sku, period_start, qty from demand where run_id = ? order by sku, period_start", [run]
        ).fetchall()
    ]


def test_weekly_zero_fill_and_partial_weeks(con):
    # 2010-12-01 is a Wednesday: its week is partial and left out; as_of Friday 2010-12-24 too
    add_lines(
        con,
        [
            ("A", "2010-12-01 09:00", 5, 1.0),  # partial first week: dropped
            ("A", "2010-12-06 09:00", 2, 1.0),  # Monday, week 1
            ("A", "2010-12-08 09:00", 3, 1.0),
            ("A", "2010-12-20 10:00", 4, 1.0),  # week 3 (2010-12-20) is partial given as_of below
            ("B", "2010-12-14 10:00", 1, 2.0),  # B starts in week 2
        ],
    )
    rows = warehouse.build_demand(con, "r", "week", date(2010, 12, 24))
    assert demand(con) == [("A", "2010-12-06", 5.0), ("A", "2010-12-13", 0.0), ("B", "2010-12-13", 1.0)]
    assert rows == 3


def test_as_of_on_sunday_keeps_the_week(con):
    add_lines(con, [("A", "2010-12-06", 1, 1.0), ("A", "2010-12-19", 2, 1.0)])
    warehouse.build_demand(con, "r", "week", date(2010, 12, 19))
    assert demand(con) == [("A", "2010-12-06", 1.0), ("A", "2010-12-13", 2.0)]


def test_revenue_hits_and_rerun_replaces(con):
    add_lines(con, [("A", "2010-12-06", 2, 1.5), ("A", "2010-12-07", 1, 1.5)])
    warehouse.build_demand(con, "r", "week", date(2010, 12, 12))
    warehouse.build_demand(con, "r", "week", date(2010, 12, 12))
    assert con.execute("select qty, order_lines, revenue from demand").fetchall() == [(3.0, 2, 4.5)]


def test_daily_and_monthly(con):
    add_lines(con, [("A", "2011-01-01", 1, 1.0), ("A", "2011-01-03", 2, 1.0), ("A", "2011-03-15", 7, 1.0)])
    warehouse.build_demand(con, "d", "day", date(2011, 1, 3))
    assert demand(con, "d") == [("A", "2011-01-01", 1.0), ("A", "2011-01-02", 0.0), ("A", "2011-01-03", 2.0)]
    warehouse.build_demand(con, "m", "month", date(2011, 3, 31))
    assert demand(con, "m") == [("A", "2011-01-01", 3.0), ("A", "2011-02-01", 0.0), ("A", "2011-03-01", 7.0)]
