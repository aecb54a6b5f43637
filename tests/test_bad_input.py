"""The bad-input corpus: what each kind of broken export does. Good rows load exactly once;
a refused file changes nothing. The README's table "Bad input -> what happens" lists the same."""

import gzip
import os
from pathlib import Path

import pytest
from jitjic.ingest import IngestError

from jitjic import warehouse
from jitjic.settings import load_settings
from jitjic.wiring import column_mapping, line_rules

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
GOOD = "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
GOOD2 = "536366,22752,SET 7 BABUSHKA,2,2010-12-01 09:00:00,7.65,17850.0,United Kingdom\n"
S = load_settings(None, use_default_file=False)
M, R = column_mapping(S), line_rules(S)

# (case, file text, rule -> rows rejected, rows loaded)
REJECTED = [
    ("unparseable date", HEADER + GOOD + GOOD2.replace("2010-12-01 09:00:00", "yesterday"), {"bad_date": 1}, 1),
    ("mixed date formats", HEADER + GOOD + GOOD2.replace("2010-12-01 09:00:00", "12/1/2010 9:00"), {"bad_date": 1}, 1),
    ("future date", HEADER + GOOD + GOOD2.replace("2010-12-01", "2099-12-01"), {"future_date": 1}, 1),
    ("non-numeric quantity", HEADER + GOOD + GOOD2.replace(",2,", ",two,"), {"bad_quantity": 1}, 1),
    (
        "NaN and inf",
        HEADER
        + GOOD
        + GOOD2
        + GOOD2.replace(",2,", ",nan,").replace("536366", "536368")
        + GOOD2.replace(",2,", ",inf,").replace("536366", "536367"),
        {"bad_quantity": 2},
        2,
    ),
    (
        "negative quantity outside the returns rule",
        HEADER + GOOD + GOOD2.replace(",2,", ",-2,"),
        {"non_positive_quantity": 1},
        1,
    ),
    ("duplicate line within the file", HEADER + GOOD + GOOD + GOOD2, {"duplicate_line": 1}, 2),
    ("truncated last line", HEADER + GOOD + "536366,22752,SET 7", {"bad_date": 1}, 1),
    ("no SKU", HEADER + GOOD + GOOD2.replace(",22752,", ",  ,"), {"missing_sku": 1}, 1),
    ("an order dated 1900", HEADER + GOOD + GOOD2.replace("2010-12-01", "1900-12-01"), {"too_old": 1}, 1),
    (
        "dated more than ingest.max_history_years before the newest line",
        HEADER + GOOD + GOOD2.replace("2010-12-01", "2000-06-01"),
        {"too_old": 1},
        1,
    ),
    (
        "dates beyond what a timestamp holds (year 1, year 9999)",
        HEADER
        + GOOD
        + GOOD2
        + GOOD2.replace("2010-12-01", "0001-12-01").replace("536366", "1")
        + GOOD2.replace("2010-12-01", "9999-12-01").replace("536366", "2"),
        {"bad_date": 2},
        2,
    ),
    (
        "quantity 1e32 (would overflow DECIMAL(38, 6) in every later run)",
        HEADER + GOOD + GOOD2.replace(",2,", ",1e32,"),
        {"quantity_too_large": 1},
        1,
    ),
    ("quantity 1e20", HEADER + GOOD + GOOD2.replace(",2,", ",1e20,"), {"quantity_too_large": 1}, 1),
    ("unit price 1e300", HEADER + GOOD + GOOD2.replace(",7.65,", ",1e300,"), {"price_too_large": 1}, 1),
    ("quantity 1e400 (infinite)", HEADER + GOOD + GOOD2.replace(",2,", ",1e400,"), {"bad_quantity": 1}, 1),
]
LOADED = [
    (
        "extra and reordered columns",
        "Country,Quantity,Extra,StockCode,InvoiceNo,InvoiceDate,UnitPrice,CustomerID,Description\n"
        "United Kingdom,6,x,85123A,536365,2010-12-01 08:26:00,2.55,17850.0,HEART\n",
        1,
    ),
    (
        "SKU with spaces and case variants",
        HEADER + GOOD.replace("85123A", " 85123a ") + GOOD2.replace("22752", "22752 "),
        2,
    ),
    (
        "quotes, newlines and HTML/SQL-looking text",
        HEADER + '536365,85123A,"HEART ""big""\n<b>x</b>\'; drop table items;--",6,'
        "2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n" + GOOD2,
        2,
    ),
    ("enormous quantity (kept; the forecast caps outliers)", HEADER + GOOD.replace(",6,", ",80995,") + GOOD2, 2),
    ("a byte-order mark before the header (Excel's CSV UTF-8)", "\ufeff" + HEADER + GOOD + GOOD2, 2),
    ("header in lower case", HEADER.lower() + GOOD + GOOD2, 2),
    (
        "ISO times with a UTC offset (the wall-clock time is kept)",
        HEADER + GOOD.replace("08:26:00", "08:26:00+01:00") + GOOD2.replace("09:00:00", "09:00:00Z"),
        2,
    ),
    ("Windows line ends", (HEADER + GOOD + GOOD2).replace("\n", "\r\n"), 2),
]
DEEP = (HEADER + GOOD * 40_000).encode()  # the bad byte lies beyond pandas' first read
NEWLINE = b"\n"
REFUSED = [
    ("missing required column", "InvoiceNo,StockCode,InvoiceDate\n1,A,2011-01-01\n", "'Quantity'"),
    ("wrong delimiter", HEADER.replace(",", ";") + GOOD.replace(",", ";"), "is the delimiter ',' right"),
    ("empty file", "", "file is empty"),
    (
        "non-UTF-8 bytes",
        HEADER.encode() + b"536366,22752,CAF\xe9,2,2010-12-01 09:00:00,7.65,1,UK\n",
        f"line 2: not UTF-8 text (byte b'\\xe9' at offset {len(HEADER) + len('536366,22752,CAF')})",
    ),
    (
        "non-UTF-8 byte deep in the file",
        DEEP[:2_000_000] + b"\xff" + DEEP[2_000_000:],
        f"line {DEEP[:2_000_000].count(NEWLINE) + 1}: not UTF-8 text (byte b'\\xff' at offset 2,000,000)",
    ),
    ("a Latin-1 character at the very end", (HEADER + GOOD).encode() + b"\xe9", "ends inside a character"),
    ("UTF-16 (Excel's Unicode text)", (HEADER + GOOD).encode("utf-16"), "is UTF-16 text"),
    (
        "a NUL byte (binary, or UTF-16 without a mark)",
        (HEADER + "536365,85123A,HE\x00ART" + GOOD[16:]).encode(),
        "holds a NUL byte at offset",
    ),
    ("unbalanced quote", HEADER + GOOD + '536366,22752,"SET 7,2,2010-12-01 09:00:00,7.65,1,UK\n', "malformed CSV"),
    (
        "a row with an extra field (an unquoted comma)",
        HEADER + GOOD + GOOD2.replace("SET 7", "SET, 7"),
        "malformed CSV",
    ),
    ("decimal commas with the comma delimiter", HEADER + GOOD.replace("2.55", "2,55"), "decimal comma"),
    ("every line dated 1900", HEADER + GOOD.replace("2010", "1900") + GOOD2.replace("2010", "1900"), "rule too_old"),
    (
        "every quantity 1e32",
        HEADER + GOOD.replace(",6,", ",1e32,") + GOOD2.replace(",2,", ",1e32,"),
        "rule quantity_too_large",
    ),
    (
        "thousands separators",
        HEADER + GOOD.replace(",6,", ',"1,000",') + GOOD2.replace(",2,", ',"2,000",'),
        "thousands separators (1,000)? export the numbers without them",
    ),
]
GZ = gzip.compress((HEADER + GOOD * 5_000).encode())
# (case, file name, how to make it, words): files the reader refuses before parsing a row
BAD_FILES = [
    ("corrupt gzip", "export.csv.gz", lambda p: p.write_bytes(GZ[:20] + b"\x00" * 64 + GZ[84:]), "not a readable gzip"),
    (
        "truncated gzip (a copy cut short)",
        "export.csv.gz",
        lambda p: p.write_bytes(GZ[: len(GZ) // 2]),
        "not a readable gzip file (corrupt or cut short",
    ),
    ("not gzip at all", "export.csv.gz", lambda p: p.write_text(HEADER + GOOD), "not a readable gzip"),
    ("a directory named .csv", "export.csv", lambda p: p.mkdir(), "is a directory"),
    ("a symbolic link loop", "export.csv", lambda p: os.symlink(p.name, p), "symbolic link loop"),
    ("a symbolic link to nothing", "export.csv", lambda p: os.symlink("gone.csv", p), "file not found"),
    ("a missing file", "export.csv", lambda p: None, "file not found"),
    ("a named pipe (would never end)", "export.csv", lambda p: os.mkfifo(p), "not a regular file"),
    ("an Excel workbook", "export.xlsx", lambda p: p.write_bytes(b"PK\x03\x04"), "unsupported file type"),
    ("a corrupt Parquet file", "export.parquet", lambda p: p.write_bytes(b"PAR1 not really"), "not a readable Parquet"),
    ("an unreadable file", "export.csv", lambda p: (p.write_text(HEADER + GOOD), p.chmod(0)), "permission denied"),
]


def _counts(con):
    return [con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in ("order_lines", "rejects", "load_log")]


@pytest.mark.parametrize(("case", "text", "rules", "loaded"), REJECTED, ids=[c[0] for c in REJECTED])
def test_bad_rows_are_rejected_with_their_rule(con, tmp_path: Path, case, text, rules, loaded):
    path = tmp_path / "export.csv"
    path.write_text(text)
    result = warehouse.load_file(con, path, "orders", mapping=M, rules=R)
    assert result.rejected_by_rule == rules and result.rows_loaded == loaded
    assert _counts(con)[:2] == [loaded, sum(rules.values())]
    assert warehouse.load_file(con, path, "orders", mapping=M, rules=R).status == "already_loaded"
    assert _counts(con)[0] == loaded  # loaded exactly once


@pytest.mark.parametrize(("case", "text", "loaded"), LOADED, ids=[c[0] for c in LOADED])
def test_odd_but_valid_rows_load(con, tmp_path: Path, case, text, loaded):
    path = tmp_path / "export.csv"
    path.write_text(text)
    result = warehouse.load_file(con, path, "orders", mapping=M, rules=R)
    assert result.rows_loaded == loaded and result.rows_rejected == 0
    skus = {s for (s,) in con.execute("select sku from order_lines").fetchall()}
    assert skus <= {"85123A", "22752"}
    assert con.execute("select count(*) from items").fetchall()[0][0] == 0  # SQL-looking text stays text


@pytest.mark.parametrize(("case", "text", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_whole_file_refused_changes_nothing(con, tmp_path: Path, case, text, words):
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD)
    warehouse.load_file(con, good, "orders", mapping=M, rules=R)
    before = _counts(con)
    path = tmp_path / "bad.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(IngestError) as err:
        warehouse.load_file(con, path, "orders", mapping=M, rules=R)
    assert str(path) in str(err.value) and words in str(err.value)
    assert _counts(con) == before


@pytest.mark.parametrize(("case", "name", "make", "words"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_files_that_cannot_be_read_are_refused_with_a_message(con, tmp_path: Path, case, name, make, words):
    if case == "an unreadable file" and os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / name
    make(path)
    with pytest.raises(IngestError) as err:
        warehouse.load_file(con, path, "orders", mapping=M, rules=R)
    assert str(path) in str(err.value) and words in str(err.value)
    assert _counts(con) == [0, 0, 0]


def test_header_only_file_loads_nothing(con, tmp_path: Path):
    path = tmp_path / "header.csv"
    path.write_text(HEADER)
    result = warehouse.load_file(con, path, "orders", mapping=M, rules=R)
    assert (result.rows_read, result.rows_loaded) == (0, 0) and _counts(con)[2] == 1


def test_duplicates_across_files_and_gzip_resend(con, tmp_path: Path):
    first, second = tmp_path / "mon.csv", tmp_path / "tue.csv.gz"
    first.write_text(HEADER + GOOD + GOOD2)
    with gzip.open(second, "wt") as fh:  # the same lines re-sent compressed, plus one new
        fh.write(HEADER + GOOD + GOOD2 + GOOD2.replace("536366", "536399"))
    warehouse.load_file(con, first, "orders", mapping=M, rules=R)
    result = warehouse.load_file(con, second, "orders", mapping=M, rules=R)
    assert (result.rows_loaded, result.rows_already_loaded) == (1, 2)
    assert _counts(con)[0] == 3


def test_item_master_that_contradicts_itself(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text(
        "sku,unit_cost,lead_time_days,lead_time_std_days,moq,pack_size\n"
        "A1,0,7,1,1,1\nA2,1.5,-3,1,1,1\nA3,1.5,7,-1,1,1\nA4,1.5,7,1,-2,1\nA5,1.5,7,1,1,-6\nA6,2,7,1,1,1\n"
    )
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 1 and result.rejected_by_rule == {
        "non_positive_cost": 1,
        "negative_lead_time": 2,
        "non_positive_moq": 1,
        "non_positive_pack": 1,
    }


def test_item_costs_and_rates_out_of_range_name_row_column_and_reason(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text("sku,order_cost,holding_rate,on_time_rate\nB1,40,0.2,0.9\nB2,-5,,\nB3,,25,\nB4,,,95\nB5,,,0\n")
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 2 and result.rejected_by_rule == {"negative_order_cost": 1, "bad_rate": 2}
    rejects = con.execute(
        "select source_row, sku, reason from rejects where kind = 'items' order by source_row"
    ).fetchall()
    assert rejects == [
        (3, "B2", "order_cost is negative"),
        (4, "B3", "holding_rate must be a share of unit cost per year in (0, 2], e.g. 0.25 for 25%"),
        (5, "B4", "on_time_rate must be a share between 0 and 1, e.g. 0.9 for 90%"),
    ]
    assert con.execute("select sku, order_cost, holding_rate, on_time_rate from items order by sku").fetchall() == [
        ("B1", 40.0, 0.2, 0.9),
        ("B5", None, None, 0.0),
    ]


def test_an_items_review_period_wait_and_shortage_cost_are_loaded_and_checked(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text(
        "sku,review_period_days,max_wait_days,shortage_cost\nR1,14,30,500\nR2,0,,\nR3,,-1,\nR4,,,-2\nR5,,,\n"
    )
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 2 and result.rejected_by_rule == {
        "bad_review_period": 1,
        "negative_wait": 1,
        "negative_shortage_cost": 1,
    }
    reasons = con.execute("select source_row, sku, reason from rejects where kind = 'items' order by 1").fetchall()
    assert reasons == [
        (3, "R2", "review_period_days must be positive"),
        (4, "R3", "max_wait_days is negative"),
        (5, "R4", "shortage_cost is negative"),
    ]
    loaded = con.execute(
        "select sku, review_period_days, max_wait_days, shortage_cost from items order by sku"
    ).fetchall()
    assert loaded == [("R1", 14.0, 30.0, 500.0), ("R5", None, None, None)]


def test_item_policy_and_target_overrides_are_checked(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text("sku,policy_override,target_service_level\nP1, jic ,0.98\nP2,JIT,\nP3,buffer,\nP4,,95\nP5,,\n")
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 3 and result.rejected_by_rule == {"bad_policy": 1, "bad_rate": 1}
    reasons = con.execute("select source_row, reason from rejects order by source_row").fetchall()
    assert reasons == [
        (4, "policy_override must be JIC or JIT (blank: the class rule decides)"),
        (5, "target_service_level must be a share between 0.5 and 0.9999, e.g. 0.95 for 95%"),
    ]
    assert con.execute("select sku, policy_override, target_service_level from items order by sku").fetchall() == [
        ("P1", "JIC", 0.98),
        ("P2", "JIT", None),
        ("P5", None, None),
    ]


def _rules(**ingest):
    s = load_settings(None, use_default_file=False, ingest=ingest)
    return column_mapping(s), line_rules(s)


DAY_FIRST = (
    HEADER
    + GOOD.replace("2010-12-01 08:26:00", "13/12/2010 08:26")
    + GOOD2.replace("2010-12-01 09:00:00", "14/12/2010 09:00")
)
SEMICOLONS = (
    (HEADER + GOOD.replace("2.55", '"2,55"') + GOOD2.replace("7.65", '"7,65"'))
    .replace(",", ";")
    .replace('"2;55"', "2,55")
    .replace('"7;65"', "7,65")
)
# (case, kind, file text, settings that do not fit it, words of the hint, the settings that do)
MISTAKES = [
    (
        "day-first dates, ISO expected",
        "orders",
        DAY_FIRST,
        {},
        "set ingest.date_format = '%d/%m/%Y %H:%M'",
        {"date_format": "%d/%m/%Y %H:%M"},
    ),
    (
        "decimal commas",
        "orders",
        SEMICOLONS,
        {"delimiter": ";"},
        "decimal commas? set ingest.decimal = ','",
        {"delimiter": ";", "decimal": ","},
    ),
    (
        "codes the preset takes for fees",
        "orders",
        HEADER + GOOD.replace("85123A", "MUG-RED") + GOOD2.replace("22752", "BOWL-7"),
        {},
        "ingest.product_code_pattern",
        {"product_code_pattern": "."},
    ),
    (
        "the quantity column mapped to the description",
        "orders",
        HEADER + GOOD + GOOD2,
        {"columns": {"quantity": "Description"}},
        "check ingest.columns",
        {},
    ),
    (
        "an old history before ingest.min_date",
        "orders",
        HEADER + GOOD.replace("2010", "1998") + GOOD2.replace("2010", "1998"),
        {},
        "ingest.min_date",
        {"min_date": "1990-01-01"},
    ),
    (
        "decimal points read with ingest.decimal = ','",
        "orders",
        SEMICOLONS.replace("2,55", "2.55").replace("7,65", "7.65"),
        {"delimiter": ";", "decimal": ","},
        "ingest.decimal is ','",
        {"delimiter": ";"},
    ),
    (
        "item costs with decimal commas",
        "items",
        "sku;unit_cost\nA1;2,50\nA2;3,10\n",
        {"delimiter": ";"},
        "ingest.decimal = ','",
        {"delimiter": ";", "decimal": ","},
    ),
    (
        "stock counts with decimal commas",
        "stock",
        "sku;on_hand\nA1;2,0\nA2;1,5\n",
        {"delimiter": ";"},
        "ingest.decimal = ','",
        {"delimiter": ";", "decimal": ","},
    ),
]


@pytest.mark.parametrize(("case", "kind", "text", "wrong", "words", "right"), MISTAKES, ids=[c[0] for c in MISTAKES])
def test_a_settings_mistake_refuses_the_file_and_the_fix_loads_it(
    con, tmp_path: Path, case, kind, text, wrong, words, right
):
    path = tmp_path / "export.csv"
    path.write_text(text)
    with pytest.raises(IngestError) as err:
        warehouse.load_file(con, path, kind, mapping=_rules(**wrong)[0], rules=_rules(**wrong)[1])
    assert words in str(err.value) and "Nothing was loaded: load it again after the fix" in str(err.value)
    assert _counts(con) == [0, 0, 0]
    mapping, rules = _rules(**right)
    result = warehouse.load_file(con, path, kind, mapping=mapping, rules=rules)
    assert result.status == "loaded" and result.rows_loaded == 2 and result.rows_rejected == 0


def test_a_decimal_comma_file_loads_the_values_it_means(con, tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(SEMICOLONS.replace("2,55", "1.002,55"))
    mapping, rules = _rules(delimiter=";", decimal=",")
    warehouse.load_file(con, path, "orders", mapping=mapping, rules=rules)
    assert con.execute("select sku, unit_price from order_lines order by sku").fetchall() == [
        ("22752", 7.65),
        ("85123A", 1002.55),
    ]


def test_items_beyond_the_limits_are_rejected(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text(
        "sku,unit_cost,order_cost,lead_time_days,lead_time_std_days,moq,pack_size\n"
        "OK1,2,40,7,1,1,1\nC1,1e300,,,,,\nC2,,1e12,,,,\nL1,,,1e6,,,\nL2,,,7,5000,,\nM1,,,,,1e15,\n"
        "P1,,,,,,1e9\nOK2,3,,,,,\nOK3,3,,,,,\nOK4,3,,,,,\nOK5,3,,,,,\n"
    )
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rejected_by_rule == {
        "cost_too_large": 2,
        "lead_time_too_long": 2,
        "moq_too_large": 1,
        "pack_too_large": 1,
    }
    assert result.rows_loaded == 5
    assert "limits.max_unit_cost" in con.execute("select reason from rejects where sku = 'C1'").fetchall()[0][0]


def test_stock_counts_that_cannot_be_are_rejected(con, tmp_path: Path):
    path = tmp_path / "stock.csv"
    path.write_text(
        "sku,on_hand,on_order,snapshot_date\nOK1,5,0,2011-12-09\nN1,-1e9,0,2011-12-09\n"
        "N2,5,-3,2011-12-09\nB1,1e15,0,2011-12-09\nB2,5,1e12,2011-12-09\nF1,5,0,2099-01-01\n"
        "O1,5,0,1900-01-01\nX1,5,lots,2011-12-09\nOK2,1,,\nOK3,2,0,2011-12-09\nOK4,2,0,2011-12-09\n"
        "OK5,2,0,2011-12-09\nOK6,2,0,2011-12-09\n"
    )
    result = warehouse.load_file(con, path, "stock", mapping=M, rules=R)
    assert result.rejected_by_rule == {
        "negative_on_hand": 1,
        "negative_on_order": 1,
        "stock_too_large": 2,
        "future_date": 1,
        "too_old": 1,
        "bad_number": 1,
    }
    assert result.rows_loaded == 6  # 'lots' on order is no longer read as 0


def test_accepted_values_at_the_limits_cannot_overflow_the_sql(con, tmp_path: Path):
    """Lines at the largest accepted quantity and price, many in one week: demand and the item
    prices sum as DECIMAL(38, 6) without overflow (1e32 was the failure)."""
    lim = S.limits
    rows = "".join(
        f"{i},85123A,HEART,{lim.max_quantity:.0f},2010-12-0{6 + i % 3} 08:26:{i % 60:02d},"
        f"{lim.max_unit_price:.0f},1,UK\n"
        for i in range(2_000)
    )
    path = tmp_path / "limits.csv"
    path.write_text(HEADER + rows + GOOD2)
    assert warehouse.load_file(con, path, "orders", mapping=M, rules=R).rows_loaded == 2_001
    import datetime

    assert warehouse.build_demand(con, "R1", "week", datetime.date(2010, 12, 26)) > 0
    qty, revenue = con.execute("select max(qty), max(revenue) from demand").fetchall()[0]
    assert qty == 2_000 * lim.max_quantity and revenue == 2_000 * lim.max_quantity * lim.max_unit_price
    assert warehouse.read_items(con)["avg_price"].max() == lim.max_unit_price


def _load(con, path: Path, text: str, kind: str = "orders"):
    path.write_text(text)
    return warehouse.load_file(con, path, kind, mapping=M, rules=R)


def _lines(con) -> list:
    return con.execute("select load_id, order_id, sku, quantity from order_lines order by all").fetchall()


def test_unload_takes_a_load_back_and_the_same_file_loads_again(con, tmp_path: Path):
    first = _load(con, tmp_path / "a.csv", HEADER + GOOD + GOOD2 + GOOD2.replace(",2,", ",x,").replace("536366", "9"))
    assert _counts(con) == [2, 1, 1]
    done = warehouse.unload(con, first.load_id)
    assert (done["rows_removed"], done["rejects_removed"], done["rows_restored"]) == (2, 1, 0)
    assert _counts(con) == [0, 0, 0] and con.execute("select count(*) from load_rule_counts").fetchall() == [(0,)]
    status, params = con.execute("select status, parameters from runs").fetchall()[0]
    assert status == "unload" and '"unload": 1' in params and "a.csv" in params
    again = warehouse.load_file(con, tmp_path / "a.csv", "orders", mapping=M, rules=R)
    assert again.status == "loaded" and _counts(con) == [2, 1, 1]
    with pytest.raises(warehouse.UnloadError, match="no load 99"):
        warehouse.unload(con, 99)


def test_unloading_a_correction_restores_what_it_replaced(con, tmp_path: Path):
    a = _load(con, tmp_path / "a.csv", HEADER + GOOD + GOOD2)
    before = _lines(con)
    b = _load(con, tmp_path / "b.csv", HEADER + GOOD.replace(",6,", ",4,"))  # order 536365 corrected: 4, not 6
    assert b.rows_replaced == 1 and [r[3] for r in _lines(con)] == [2.0, 4.0]
    with pytest.raises(warehouse.UnloadError, match=f"loads {b.load_id} came later"):
        warehouse.unload(con, a.load_id)  # b builds on it: b first
    assert warehouse.unload(con, b.load_id)["rows_restored"] == 1
    assert _lines(con) == before
    assert con.execute("select count(*) from replaced_order_lines").fetchall() == [(0,)]
    warehouse.unload(con, a.load_id)
    assert _lines(con) == []


def test_unloading_a_load_whose_lines_a_later_file_repeated_is_refused(con, tmp_path: Path):
    a = _load(con, tmp_path / "a.csv", HEADER + GOOD)
    b = _load(con, tmp_path / "b.csv", HEADER + GOOD + GOOD2)  # GOOD counted as already loaded
    assert b.rows_already_loaded == 1
    with pytest.raises(warehouse.UnloadError, match=f"loads {b.load_id} came later"):
        warehouse.unload(con, a.load_id)  # GOOD would vanish though b, still loaded, sent it
    warehouse.unload(con, b.load_id)
    warehouse.unload(con, a.load_id)
    assert _counts(con) == [0, 0, 0]


def test_unloading_an_item_master_restores_the_rows_it_replaced(con, tmp_path: Path):
    _load(con, tmp_path / "i1.csv", "sku,unit_cost\nA1,2\nA2,3\n", "items")
    newer = _load(con, tmp_path / "i2.csv", "sku,unit_cost\nA1,2000\n", "items")
    assert con.execute("select unit_cost from items where sku = 'A1'").fetchall() == [(2000.0,)]
    warehouse.unload(con, newer.load_id)
    assert con.execute("select sku, unit_cost from items order by sku").fetchall() == [("A1", 2.0), ("A2", 3.0)]
    _load(con, tmp_path / "s1.csv", "sku,on_hand,snapshot_date\nA1,5,2011-12-09\n", "stock")
    count = _load(con, tmp_path / "s2.csv", "sku,on_hand,snapshot_date\nA1,7,2011-12-09\n", "stock")
    warehouse.unload(con, count.load_id)
    assert con.execute("select on_hand from stock_snapshots").fetchall() == [(5.0,)]
