"""Loads into a real DuckDB file: exactly once, rejects kept with their rule, nothing half-written."""

import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from jitjic.ingest import IngestError, LineRules
from jitjic.ingest.mapping import PRESETS, mapping_for

from jitjic import warehouse

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
M = mapping_for("online_retail")
R = LineRules(
    cancellation_prefix="C", non_product_codes=M.non_product_codes, product_code_pattern=M.product_code_pattern
)


def line(inv="536365", sku="85123A", qty=6, when="2010-12-01 08:26:00", price=2.55, cust="17850.0"):
    return f"{inv},{sku},HEART,{qty},{when},{price},{cust},United Kingdom\n"


def counts(con) -> dict:
    return {
        t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
        for t in ("order_lines", "rejects", "load_log", "load_rule_counts")
    }


def test_load_counts_and_rejects(tmp_path: Path, con):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + line() + line(sku="POST") + line(inv="C1", qty=-1) + line() + line(qty=2, price=0))
    r = warehouse.load_file(con, f, "orders", mapping=M, rules=R)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (5, 1, 4)
    assert r.rejected_by_rule == {
        "non_product_code": 1,
        "cancellation": 1,
        "duplicate_line": 1,
        "non_positive_price": 1,
    }
    rejects = con.execute("select source_row, rule from rejects order by source_row").fetchall()
    assert rejects == [(3, "non_product_code"), (4, "cancellation"), (5, "duplicate_line"), (6, "non_positive_price")]
    log = con.execute("select rows_read, rows_loaded, rows_rejected, rejected_by_rule from load_report").fetchall()
    assert log[0][:3] == (5, 1, 4) and "cancellation=1" in log[0][3]


def test_same_file_twice_adds_nothing(tmp_path: Path, con):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + line() + line(sku="22752", qty=2))
    first = warehouse.load_file(con, f, "orders", mapping=M, rules=R)
    before = counts(con)
    copy = tmp_path / "renamed_copy.csv"
    shutil.copy(f, copy)
    again = warehouse.load_file(con, f, "orders", mapping=M, rules=R)
    resent = warehouse.load_file(con, copy, "orders", mapping=M, rules=R)
    assert first.rows_loaded == 2
    assert again.status == resent.status == "already_loaded"
    assert counts(con) == before


def test_overlapping_extract_adds_only_new_lines(tmp_path: Path, con):
    a, b = tmp_path / "mon.csv", tmp_path / "tue.csv"
    a.write_text(HEADER + line() + line(sku="22752"))
    b.write_text(HEADER + line(sku="22752") + line(sku="21730", qty=3))
    warehouse.load_file(con, a, "orders", mapping=M, rules=R)
    r = warehouse.load_file(con, b, "orders", mapping=M, rules=R)
    assert (r.rows_loaded, r.rows_already_loaded) == (1, 1)
    assert sorted(x[0] for x in con.execute("select sku from order_lines").fetchall()) == ["21730", "22752", "85123A"]


def test_repeat_found_at_the_edge_of_a_files_time_span(tmp_path: Path, con):
    """Loads look for repeats only among lines of the file's own seconds: a line whose time
    differs below the second (the same key) and lies just outside the new file's span, and a line
    of another month, are both still found."""
    a, b = tmp_path / "jan.csv", tmp_path / "feb.csv"
    a.write_text(HEADER + line(when="2011-01-03 10:00:00.100") + line(sku="22752", when="2011-02-01 09:00:00"))
    b.write_text(
        HEADER
        + line(when="2011-01-03 10:00:00.900")
        + line(sku="22752", when="2011-02-01 09:00:00")
        + line(sku="21730", when="2011-02-03 09:00:00")
    )
    warehouse.load_file(con, a, "orders", mapping=M, rules=R)
    r = warehouse.load_file(con, b, "orders", mapping=M, rules=R)
    assert (r.rows_loaded, r.rows_already_loaded) == (1, 2)
    assert con.execute("select count(*), count(distinct line_key) from order_lines").fetchall() == [(3, 3)]


def _older_database(path: Path, *statements: str):
    """A working database as an older jitjic left it: today's schema taken back by ``statements``."""
    old = warehouse.connect(path)
    warehouse.ensure_schema(old)
    for sql in statements:
        old.execute(sql)
    return old


def test_an_older_keyed_order_lines_table_is_rebuilt_once(tmp_path: Path):
    """Working databases from before declared line_key a primary key: the first start rebuilds
    the table without it, keeping every line, and the views still read it."""
    path = tmp_path / "old.duckdb"
    old = _older_database(
        path,
        "drop view if exists stg_order_lines",
        "alter table order_lines rename to plain",
        "create table order_lines as select * from plain limit 0",
        "drop table plain",
        "alter table order_lines add primary key (line_key)",
    )
    f = tmp_path / "a.csv"
    f.write_text(HEADER + line() + line(sku="22752", when="2010-11-30 08:00:00"))
    warehouse.load_file(old, f, "orders", mapping=M, rules=R)
    keyed = (
        "select count(*) from duckdb_constraints() where table_name = 'order_lines' and constraint_type = 'PRIMARY KEY'"
    )
    assert old.execute(keyed).fetchall() == [(1,)]
    before = old.execute("select * from order_lines order by line_key").fetchall()
    old.close()
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    warehouse.ensure_schema(con)  # a second start finds nothing to do
    assert con.execute(keyed).fetchall() == [(0,)]
    assert con.execute("select * from order_lines order by line_key").fetchall() == before
    assert con.execute("select count(*) from stg_order_lines").fetchall() == [(2,)]
    con.close()


def test_an_older_item_master_gains_the_cost_columns(tmp_path: Path):
    path = tmp_path / "old.duckdb"
    _older_database(
        path,
        *(f"alter table items drop column {c}" for c in ("order_cost", "holding_rate", "on_time_rate")),
        "insert into items (sku, unit_cost, load_id) values ('OLD1', 2.5, 0)",
    ).close()
    con = warehouse.connect(path)
    warehouse.ensure_schema(con)
    f = tmp_path / "items.csv"
    f.write_text("sku,order_cost,holding_rate,on_time_rate\nNEW1,40,0.2,0.9\n")
    warehouse.load_file(con, f, "items", mapping=M, rules=R)
    assert con.execute(
        "select sku, unit_cost, order_cost, holding_rate, on_time_rate from items order by sku"
    ).fetchall() == [("NEW1", None, 40.0, 0.2, 0.9), ("OLD1", 2.5, None, None, None)]
    con.close()


def test_refused_file_changes_nothing(tmp_path: Path, con):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + line())
    warehouse.load_file(con, good, "orders", mapping=M, rules=R)
    before = counts(con)
    bad = tmp_path / "bad.csv"
    bad.write_text("InvoiceNo,StockCode\n1,A\n")
    with pytest.raises(IngestError, match="bad.csv"):
        warehouse.load_file(con, bad, "orders", mapping=M, rules=R)
    assert counts(con) == before


def test_failure_inside_the_transaction_rolls_back(tmp_path: Path, con, monkeypatch):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + line() + line(sku="POST"))
    import jitjic.warehouse.loads as loads

    def boom(*a, **k):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(loads, "_reject_frame", boom)
    before = counts(con)
    with pytest.raises(RuntimeError):
        warehouse.load_file(con, f, "orders", mapping=M, rules=R)
    assert counts(con) == before
    monkeypatch.undo()
    assert warehouse.load_file(con, f, "orders", mapping=M, rules=R).rows_loaded == 1


def test_items_upsert_and_bad_rows(tmp_path: Path, con):
    f1, f2 = tmp_path / "items1.csv", tmp_path / "items2.csv"
    f1.write_text("sku,unit_cost,lead_time_days,moq\n85123a,1.5,14,6\n22752,0,7,1\n21730,2,-3,1\n")
    r = warehouse.load_file(con, f1, "items", mapping=M, rules=R)
    assert r.rows_loaded == 1 and r.rejected_by_rule == {"non_positive_cost": 1, "negative_lead_time": 1}
    f2.write_text("sku,unit_cost,lead_time_days\n85123A,1.75,10\n")
    warehouse.load_file(con, f2, "items", mapping=M, rules=R)
    assert con.execute("select sku, unit_cost, lead_time_days, moq from items").fetchall() == [
        ("85123A", 1.75, 10.0, None)
    ]


def test_stock_snapshot_default_date(tmp_path: Path, con):
    f = tmp_path / "stock.csv"
    f.write_text("sku,on_hand,on_order\n85123A,10,5\n22752,,0\n")
    r = warehouse.load_file(con, f, "stock", mapping=M, rules=R, snapshot_date=pd.Timestamp("2011-12-09"))
    assert r.rows_loaded == 1 and r.rejected_by_rule == {"bad_number": 1}
    assert con.execute("select snapshot_date::varchar, on_hand, on_order from stock_snapshots").fetchall() == [
        ("2011-12-09", 10.0, 5.0)
    ]


def test_canonical_preset_parquet(tmp_path: Path, con):
    path = tmp_path / "lines.parquet"
    pd.DataFrame(
        {
            "order_id": ["1", "2"],
            "sku": ["a1", "b2"],
            "ordered_at": pd.to_datetime(["2011-01-03", "2011-01-04"]),
            "quantity": [1.0, 2.0],
            "unit_price": [1.0, 1.0],
        }
    ).to_parquet(path)
    r = warehouse.load_file(con, path, "orders", mapping=PRESETS["canonical"], rules=LineRules())
    assert r.rows_loaded == 2


@pytest.mark.full_data
def test_full_online_retail_load(tmp_path: Path, con, full_data: Path):
    r = warehouse.load_file(con, full_data, "orders", mapping=M, rules=R)
    assert r.rows_read == 541_909
    assert r.rows_loaded + r.rows_rejected == r.rows_read
    # independent count straight from the file: cancelled lines of real product codes
    expected = con.execute(
        "select count(*) from read_csv(?, all_varchar = true) where InvoiceNo like 'C%' "
        "and regexp_matches(upper(trim(StockCode)), '^[0-9]') "
        "and upper(trim(StockCode)) not in ('D', 'M', 'S', 'B', 'C2')",
        [str(full_data)],
    ).fetchall()[0][0]
    assert r.rejected_by_rule["cancellation"] == expected
    # the case variant 15056bl is the same item as 15056BL
    assert con.execute("select count(*) from order_lines where sku = '15056bl'").fetchall()[0][0] == 0
    assert con.execute("select count(distinct sku) from order_lines where upper(sku) = '15056BL'").fetchall()[0][0] == 1


def test_corrected_resend_replaces_by_order_and_sku(tmp_path: Path, con):
    first, fixed = tmp_path / "day1.csv", tmp_path / "day1_corrected.csv"
    first.write_text(HEADER + line(qty=6) + line(sku="22752", qty=2) + line(inv="536366", qty=1))
    warehouse.load_file(con, first, "orders", mapping=M, rules=R)
    # the ERP re-sends order 536365 with the heart's quantity corrected from 6 to 8; 22752 unchanged
    fixed.write_text(HEADER + line(qty=8) + line(sku="22752", qty=2))
    r = warehouse.load_file(con, fixed, "orders", mapping=M, rules=R)
    assert (r.rows_loaded, r.rows_already_loaded, r.rows_replaced) == (1, 1, 1)
    got = con.execute("select order_id, sku, quantity from order_lines order by all").fetchall()
    assert got == [("536365", "22752", 2.0), ("536365", "85123A", 8.0), ("536366", "85123A", 1.0)]
    assert con.execute("select rows_replaced from load_log order by load_id").fetchall() == [(0,), (1,)]


def test_corrections_can_be_turned_off(tmp_path: Path, con):
    first, fixed = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + line(qty=6))
    fixed.write_text(HEADER + line(qty=8))
    warehouse.load_file(con, first, "orders", mapping=M, rules=R)
    r = warehouse.load_file(con, fixed, "orders", mapping=M, rules=R, replace_resent=False)
    assert (r.rows_loaded, r.rows_replaced) == (1, 0)
    assert con.execute("select sum(quantity) from order_lines").fetchall()[0][0] == 14.0


def test_a_failed_correction_changes_nothing(tmp_path: Path, con, monkeypatch):
    first, fixed = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(HEADER + line(qty=6))
    fixed.write_text(HEADER + line(qty=8))
    warehouse.load_file(con, first, "orders", mapping=M, rules=R)
    import jitjic.warehouse.loads as loads

    def broken_insert(*args, **kwargs):
        raise RuntimeError("disk went away mid-load")

    real = loads.run_sql_file
    monkeypatch.setattr(
        loads,
        "run_sql_file",
        lambda c, name, **p: broken_insert() if name == "ingest/insert_order_lines.sql" else real(c, name, **p),
    )
    with pytest.raises(RuntimeError):
        warehouse.load_file(con, fixed, "orders", mapping=M, rules=R)
    # the delete of the corrected line was rolled back with the rest of the file
    assert con.execute("select quantity from order_lines").fetchall() == [(6.0,)]
    assert con.execute("select count(*) from load_log").fetchall()[0][0] == 1


# -- item master and stock files under other column names -------------------------------------
# the manufacturing item master's header, as delivered (shared/data/manufacturing/items.csv)
MANUFACTURING = (
    "sku,units_per_pack,unit_cost_eur,order_cost_eur,holding_cost_eur_per_year,lead_time_weeks,moq_units\n"
    "M0001,1,1.8737,5.0,0.3747,7,10\nM0002,10,2.0001,5.0,0.4,16,0\n"
)
MANUFACTURING_MAPPING = mapping_for(
    "online_retail",
    item_columns={
        "unit_cost": "unit_cost_eur",
        "order_cost": "order_cost_eur",
        "pack_size": "units_per_pack",
        "moq": "moq_units",
    },
    ignore_columns=["holding_cost_eur_per_year", "LEAD_TIME_WEEKS"],
)


def test_item_master_columns_are_mapped_by_name(tmp_path: Path, con):
    f = tmp_path / "items.csv"
    f.write_text(MANUFACTURING)
    r = warehouse.load_file(con, f, "items", mapping=MANUFACTURING_MAPPING, rules=R)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (2, 2, 0)
    assert con.execute(
        "select sku, unit_cost, order_cost, pack_size, moq, lead_time_days, holding_rate from items order by sku"
    ).fetchall() == [("M0001", 1.8737, 5.0, 1.0, 10.0, None, None), ("M0002", 2.0001, 5.0, 10.0, None, None, None)]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_item_master_with_columns_jitjic_does_not_know_is_refused(tmp_path: Path, con, suffix: str):
    f = tmp_path / f"items{suffix}"
    if suffix == ".csv":
        f.write_text(MANUFACTURING)
    else:
        pd.read_csv(io.StringIO(MANUFACTURING)).to_parquet(f)
    with pytest.raises(IngestError) as err:
        warehouse.load_file(con, f, "items", mapping=M, rules=R)
    msg = str(err.value)
    assert msg.startswith(
        f"{f}{', line 1' if suffix == '.csv' else ''}, column 'units_per_pack': columns jitjic does "
        "not know: 'units_per_pack', 'unit_cost_eur' (did you mean unit_cost?)"
    )
    for words in (
        "'moq_units' (did you mean moq?)",
        "'holding_cost_eur_per_year', ",
        "'lead_time_weeks' (did you mean lead_time_days? jitjic's is in days: map it and state the file's unit in "
        'ingest.item_units, e.g. item_units = { lead_time_days = "weeks" })',
        "; jitjic knows sku, description, unit_cost, supplier, lead_time_days,",
        'in ingest.item_columns (e.g. item_columns = { unit_cost = "unit_cost_eur" })',
        "ingest.ignore_columns",
    ):
        assert words in msg, words
    assert counts(con) == {"order_lines": 0, "rejects": 0, "load_log": 0, "load_rule_counts": 0}
    # mapped and ignored names are known; one column left over still refuses the file
    partly = mapping_for(
        "online_retail",
        item_columns={
            "unit_cost": "unit_cost_eur",
            "order_cost": "order_cost_eur",
            "pack_size": "units_per_pack",
            "moq": "moq_units",
        },
        ignore_columns=["lead_time_weeks"],
    )
    with pytest.raises(IngestError, match=r"not know: 'holding_cost_eur_per_year'; jitjic knows"):
        warehouse.load_file(con, f, "items", mapping=partly, rules=R)
    assert warehouse.load_file(con, f, "items", mapping=MANUFACTURING_MAPPING, rules=R).rows_loaded == 2


def test_stock_columns_are_mapped_and_unknown_ones_refused(tmp_path: Path, con):
    f = tmp_path / "stock.csv"
    f.write_text("sku,qty_on_hand,on_order,warehouse\nA1,5,0,LEEDS\n")
    with pytest.raises(
        IngestError,
        match=r"required column 'on_hand' \(for on_hand\) is missing; found \[.*\]; map "
        r"the file's name for it in ingest.stock_columns \(e.g. stock_columns = "
        r"\{ on_hand = \"qty_on_hand\" \}\)",
    ):
        warehouse.load_file(con, f, "stock", mapping=M, rules=R)
    mapped = mapping_for("online_retail", stock_columns={"on_hand": "qty_on_hand"})
    with pytest.raises(
        IngestError,
        match=r"column 'warehouse': columns jitjic does not know: 'warehouse'; jitjic "
        r"knows sku, on_hand, on_order, snapshot_date; .* ingest.stock_columns",
    ):
        warehouse.load_file(con, f, "stock", mapping=mapped, rules=R)
    both = mapping_for("online_retail", stock_columns={"on_hand": "qty_on_hand"}, ignore_columns=["warehouse"])
    assert warehouse.load_file(con, f, "stock", mapping=both, rules=R).rows_loaded == 1
    assert con.execute("select sku, on_hand from stock_snapshots").fetchall() == [("A1", 5.0)]
    trailing = tmp_path / "trailing.csv"  # a header ending in a delimiter: a column without a name
    trailing.write_text("sku,on_hand,\nA2,7,\n")
    assert warehouse.load_file(con, trailing, "stock", mapping=M, rules=R).rows_loaded == 1


def test_a_mapping_naming_no_canonical_column_is_refused_with_the_closest():
    with pytest.raises(
        ValueError,
        match=r"ingest.item_columns names unknown canonical columns 'unit_costs' "
        r"\(did you mean unit_cost\?\)",
    ):
        mapping_for("online_retail", item_columns={"unit_costs": "cost"})


def test_an_moq_or_pack_size_of_zero_means_none(tmp_path: Path, con):
    """0 for "no MOQ" keeps the row's real cost and lead time (the default MOQ applies) and is
    counted as a note, not a reject; a negative MOQ is still rejected."""
    f = tmp_path / "items.csv"
    f.write_text("sku,unit_cost,lead_time_days,moq,pack_size\nA1,2.5,10,0,6\nA2,3,5,12,0\nA3,4,7,-1,1\nA4,1,3,0,0\n")
    r = warehouse.load_file(con, f, "items", mapping=M, rules=R)
    assert (r.rows_loaded, r.rows_rejected, r.rejected_by_rule) == (3, 1, {"non_positive_moq": 1})
    assert r.notes == {"zero_moq": 2, "zero_pack_size": 2}
    assert r.summary().endswith(
        "rejected 1 (non_positive_moq=1); notes: zero_moq=2, zero_pack_size=2 (0 read as none: the default applies)"
    )
    assert con.execute("select sku, unit_cost, lead_time_days, moq, pack_size from items order by sku").fetchall() == [
        ("A1", 2.5, 10.0, None, 6.0),
        ("A2", 3.0, 5.0, 12.0, None),
        ("A4", 1.0, 3.0, None, None),
    ]


# -- order lines without an order id -----------------------------------------------------------
CANONICAL = mapping_for("canonical")
PLAIN = LineRules(cancellation_prefix=None)


def _sales(path: Path, rows: list[str], header: str = "sku,ordered_at,quantity") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return path


def test_identical_lines_without_an_order_id_are_separate_sales_loaded_once(tmp_path: Path, con):
    rows = ["A1,2011-03-01,1", "A1,2011-03-01,1", "B2,2011-03-01,4", "A1,2011-03-01,1", "A1,2011-03-02,1"]
    r = warehouse.load_file(con, _sales(tmp_path / "sales.csv", rows), "orders", mapping=CANONICAL, rules=PLAIN)
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (5, 5, 0)
    day = "select sum(quantity) from order_lines where sku = 'A1' and ordered_at = '2011-03-01'"
    assert con.execute(day).fetchall() == [(3.0,)]
    # the same lines in another order, and then with one more sale of the three
    again = warehouse.load_file(
        con, _sales(tmp_path / "resorted.csv", rows[::-1]), "orders", mapping=CANONICAL, rules=PLAIN
    )
    assert (again.status, again.rows_loaded, again.rows_already_loaded) == ("loaded", 0, 5)
    more = warehouse.load_file(
        con, _sales(tmp_path / "more.csv", ["A1,2011-03-01,1", *rows]), "orders", mapping=CANONICAL, rules=PLAIN
    )
    assert (more.rows_loaded, more.rows_already_loaded) == (1, 5)
    assert con.execute(day).fetchall() == [(4.0,)]
    assert con.execute("select count(*), count(distinct line_key) from order_lines").fetchall() == [(6, 6)]


def test_identical_lines_with_an_order_id_stay_duplicates(tmp_path: Path, con):
    rows = ["O1,A1,2011-03-01,1", "O1,A1,2011-03-01,1", "O2,A1,2011-03-01,1"]
    f = _sales(tmp_path / "orders.csv", rows, header="order_id,sku,ordered_at,quantity")
    r = warehouse.load_file(con, f, "orders", mapping=CANONICAL, rules=PLAIN)
    assert (r.rows_loaded, r.rejected_by_rule) == (2, {"duplicate_line": 1})


# -- period totals: one line per SKU and week, zeros included ----------------------------------
WEEKLY = mapping_for("canonical", {"ordered_at": "week_start", "quantity": "qty"})


def weekly_file(path: Path, skus: int = 4, weeks: int = 8) -> Path:
    """``sku, week_start, qty``: one row per SKU and Monday, zeros included, the last week all zero,
    and the last SKU never asked for."""
    mondays = pd.date_range("2024-01-01", periods=weeks, freq="W-MON")
    rows = [
        (f"M{s:03d}", d.date(), (s + w) % 3 if w < weeks - 1 and s < skus - 1 else 0)
        for s in range(skus)
        for w, d in enumerate(mondays)
    ]
    pd.DataFrame(rows, columns=["sku", "week_start", "qty"]).to_csv(path, index=False)
    return path


def test_a_file_of_weekly_totals_keeps_its_zeros_and_its_last_week(tmp_path: Path, con):
    f = weekly_file(tmp_path / "weekly.csv")
    r = warehouse.load_file(con, f, "orders", mapping=WEEKLY, rules=LineRules(cancellation_prefix=None))
    zeros = int((pd.read_csv(f)["qty"] == 0).sum())
    assert (r.rows_read, r.rows_loaded, r.rows_rejected, r.zero_lines) == (32, 32, 0, zeros)
    assert (r.grain, r.period) == ("period", "week")
    assert "the lines are week totals" in r.summary() and f"{zeros:,} zeros kept as weeks without demand" in r.summary()
    assert con.execute("select grain, period, rows_rejected from load_report").fetchall() == [("period", "week", 0)]
    assert warehouse.order_lines_grain(con) == "period"
    # the last week, all zeros, is history: it ends on that week's Sunday
    assert warehouse.latest_as_of(con) == pd.Timestamp("2024-02-19").date()
    warehouse.build_demand(con, "r1", "week", pd.Timestamp("2024-02-25").date())
    demand = warehouse.read_demand(con, "r1")
    assert demand["period_start"].nunique() == 8 and demand["sku"].nunique() == 4
    assert demand["qty"].sum() == pd.read_csv(f)["qty"].sum()
    # a zero is a week without demand, not a request: it counts no order line
    assert demand["order_lines"].sum() == 32 - zeros
    # an item never asked for is still an item (with its master's cost and lead time, when given)
    assert warehouse.read_items(con)["sku"].tolist() == ["M000", "M001", "M002", "M003"]


def test_weekly_totals_loaded_again_add_nothing(tmp_path: Path, con):
    f = weekly_file(tmp_path / "weekly.csv")
    rules = LineRules(cancellation_prefix=None)
    warehouse.load_file(con, f, "orders", mapping=WEEKLY, rules=rules)
    before = counts(con)
    assert warehouse.load_file(con, f, "orders", mapping=WEEKLY, rules=rules).status == "already_loaded"
    # the same lines under another name (a re-export): every line, zeros too, already loaded
    copy = tmp_path / "copy.csv"
    pd.read_csv(f).to_csv(copy, index=False, lineterminator="\r\n")
    again = warehouse.load_file(con, copy, "orders", mapping=WEEKLY, rules=rules)
    assert (again.rows_loaded, again.rows_already_loaded, again.zero_lines) == (0, 32, 0)
    assert counts(con)["order_lines"] == before["order_lines"] == 32


def test_dated_sales_are_lines_and_a_zero_line_is_rejected(tmp_path: Path, con):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + line() + line(sku="22752", qty=0))
    r = warehouse.load_file(con, f, "orders", mapping=M, rules=R)
    assert (r.grain, r.rows_loaded, r.rejected_by_rule) == ("line", 1, {"non_positive_quantity": 1})
    assert "totals" not in r.summary()
    assert warehouse.order_lines_grain(con) == "line"


# -- units in the item master ------------------------------------------------------------------
def test_the_manufacturing_item_master_loads_in_its_own_units(tmp_path: Path, con):
    """The README's manufacturing example: lead times in weeks, holding cost in EUR per unit and year."""
    f = tmp_path / "items.csv"
    f.write_text(MANUFACTURING)
    mapping = mapping_for(
        "canonical",
        item_columns={
            "unit_cost": "unit_cost_eur",
            "order_cost": "order_cost_eur",
            "pack_size": "units_per_pack",
            "moq": "moq_units",
            "lead_time_days": "lead_time_weeks",
            "holding_rate": "holding_cost_eur_per_year",
        },
        item_units={"lead_time_days": "weeks", "holding_rate": "per_unit_year"},
    )
    r = warehouse.load_file(con, f, "items", mapping=mapping, rules=R)
    assert (r.rows_loaded, r.rows_rejected) == (2, 0)
    got = con.execute("select sku, lead_time_days, round(holding_rate, 4) from items order by sku").fetchall()
    assert got == [("M0001", 49.0, 0.2), ("M0002", 112.0, 0.2)]


def test_an_item_master_value_its_unit_cannot_read_is_rejected_naming_row_and_column(tmp_path: Path, con):
    f = tmp_path / "items.csv"
    f.write_text("sku,unit_cost,holding_eur\nA,2.0,0.5\nB,,0.5\nC,0.1,0.5\n")
    mapping = mapping_for(
        "canonical", item_columns={"holding_rate": "holding_eur"}, item_units={"holding_rate": "per_unit_year"}
    )
    r = warehouse.load_file(con, f, "items", mapping=mapping, rules=R)
    assert (r.rows_loaded, r.rejected_by_rule) == (1, {"no_unit_cost": 1, "bad_rate": 1})
    rejects = con.execute("select source_row, rule, reason from rejects order by source_row").fetchall()
    assert (
        rejects[0][:2] == (3, "no_unit_cost")
        and "holding_rate (column 'holding_eur', in money per unit" in rejects[0][2]
    )
    # 0.5 a year on a unit costing 0.1 is a rate of 5: beyond (0, 2], said in the file's terms
    assert rejects[1][:2] == (4, "bad_rate") and "(here: the cost per unit and year over unit_cost)" in rejects[1][2]
    assert con.execute("select file_path from load_log where load_id = ?", [r.load_id]).fetchall() == [(str(f),)]
