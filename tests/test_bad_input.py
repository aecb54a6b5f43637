"""The bad-input corpus: what each kind of broken export does. Good rows load exactly once;
a refused file changes nothing. The README's table "Bad input -> what happens" lists the same."""

import gzip
from pathlib import Path

import pytest

import warehouse
from ingest import IngestError
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
    ("NaN and inf", HEADER + GOOD + GOOD2.replace(",2,", ",nan,") + GOOD2.replace(",2,", ",inf,").replace("536366", "536367"),
     {"bad_quantity": 2}, 1),
    ("negative quantity outside the returns rule", HEADER + GOOD + GOOD2.replace(",2,", ",-2,"), {"non_positive_quantity": 1}, 1),
    ("duplicate line within the file", HEADER + GOOD + GOOD + GOOD2, {"duplicate_line": 1}, 2),
    ("truncated last line", HEADER + GOOD + "536366,22752,SET 7", {"bad_date": 1}, 1),
    ("no SKU", HEADER + GOOD + GOOD2.replace(",22752,", ",  ,"), {"missing_sku": 1}, 1),
]
LOADED = [
    ("extra and reordered columns", "Country,Quantity,Extra,StockCode,InvoiceNo,InvoiceDate,UnitPrice,CustomerID,Description\n"
     "United Kingdom,6,x,85123A,536365,2010-12-01 08:26:00,2.55,17850.0,HEART\n", 1),
    ("SKU with spaces and case variants", HEADER + GOOD.replace("85123A", " 85123a ") + GOOD2.replace("22752", "22752 "), 2),
    ("quotes, newlines and HTML/SQL-looking text", HEADER + '536365,85123A,"HEART ""big""\n<b>x</b>\'; drop table items;--",6,'
     "2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n" + GOOD2, 2),
    ("enormous quantity (kept; the forecast caps outliers)", HEADER + GOOD.replace(",6,", ",80995,") + GOOD2, 2),
]
REFUSED = [
    ("missing required column", "InvoiceNo,StockCode,InvoiceDate\n1,A,2011-01-01\n", "'Quantity'"),
    ("wrong delimiter", HEADER.replace(",", ";") + GOOD.replace(",", ";"), "is the delimiter ',' right"),
    ("empty file", "", "file is empty"),
    ("non-UTF-8 bytes", None, "not UTF-8"),
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
    if text is None:
        path.write_bytes(HEADER.encode() + b"536366,22752,CAF\xe9,2,2010-12-01 09:00:00,7.65,1,UK\n")
    else:
        path.write_text(text)
    with pytest.raises(IngestError) as err:
        warehouse.load_file(con, path, "orders", mapping=M, rules=R)
    assert str(path) in str(err.value) and words in str(err.value)
    assert _counts(con) == before


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
    path.write_text("sku,unit_cost,lead_time_days,lead_time_std_days,moq,pack_size\n"
                    "A1,0,7,1,1,1\nA2,1.5,-3,1,1,1\nA3,1.5,7,-1,1,1\nA4,1.5,7,1,0,1\nA5,1.5,7,1,1,-6\nA6,2,7,1,1,1\n")
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 1 and result.rejected_by_rule == {
        "non_positive_cost": 1, "negative_lead_time": 2, "non_positive_moq": 1, "non_positive_pack": 1}


def test_item_costs_and_rates_out_of_range_name_row_column_and_reason(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text("sku,order_cost,holding_rate,on_time_rate\n"
                    "B1,40,0.2,0.9\nB2,-5,,\nB3,,25,\nB4,,,95\nB5,,,0\n")
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 2 and result.rejected_by_rule == {"negative_order_cost": 1, "bad_rate": 2}
    rejects = con.execute("select source_row, sku, reason from rejects where kind = 'items' order by source_row").fetchall()
    assert rejects == [
        (3, "B2", "order_cost is negative"),
        (4, "B3", "holding_rate must be a share of unit cost per year in (0, 2], e.g. 0.25 for 25%"),
        (5, "B4", "on_time_rate must be a share between 0 and 1, e.g. 0.9 for 90%"),
    ]
    assert con.execute("select sku, order_cost, holding_rate, on_time_rate from items order by sku").fetchall() == [
        ("B1", 40.0, 0.2, 0.9), ("B5", None, None, 0.0)]


def test_item_policy_and_target_overrides_are_checked(con, tmp_path: Path):
    path = tmp_path / "items.csv"
    path.write_text("sku,policy_override,target_service_level\nP1, jic ,0.98\nP2,JIT,\nP3,buffer,\nP4,,95\nP5,,\n")
    result = warehouse.load_file(con, path, "items", mapping=M, rules=R)
    assert result.rows_loaded == 3 and result.rejected_by_rule == {"bad_policy": 1, "bad_rate": 1}
    reasons = con.execute("select source_row, reason from rejects order by source_row").fetchall()
    assert reasons == [(4, "policy_override must be JIC or JIT (blank: the class rule decides)"),
                       (5, "target_service_level must be a share between 0.5 and 0.9999, e.g. 0.95 for 95%")]
    assert con.execute("select sku, policy_override, target_service_level from items order by sku").fetchall() == [
        ("P1", "JIC", 0.98), ("P2", "JIT", None), ("P5", None, None)]
