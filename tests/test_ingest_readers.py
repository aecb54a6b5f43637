"""Reading CSV, CSV.gz and Parquet; whole-file refusals name the file, line and column."""

import gzip
from pathlib import Path

import pandas as pd
import pytest
from jitjic.ingest import IngestError, read_table
from jitjic.ingest.mapping import PRESETS, REQUIRED, mapping_for

OR = PRESETS["online_retail"].columns
HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
LINE = '536365,85123A,"WHITE HANGING HEART, T-LIGHT",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n'


def test_csv_and_gzip_read_the_same(tmp_path: Path):
    plain, zipped = tmp_path / "a.csv", tmp_path / "a.csv.gz"
    plain.write_text(HEADER + LINE * 3)
    with gzip.open(zipped, "wt") as fh:
        fh.write(HEADER + LINE * 3)
    a, b = read_table(plain, OR, REQUIRED), read_table(zipped, OR, REQUIRED)
    pd.testing.assert_frame_equal(a, b)
    assert a["sku"].tolist() == ["85123A"] * 3
    assert a["description"].iloc[0] == "WHITE HANGING HEART, T-LIGHT"
    assert a["source_row"].tolist() == [2, 3, 4]


def test_parquet(tmp_path: Path):
    path = tmp_path / "lines.parquet"
    pd.DataFrame(
        {"sku": ["A1", "B2"], "ordered_at": pd.to_datetime(["2011-01-03", "2011-01-04"]), "quantity": [1.0, 2.0]}
    ).to_parquet(path)
    out = read_table(path, PRESETS["canonical"].columns, REQUIRED)
    assert out["quantity"].tolist() == [1.0, 2.0]
    assert out["source_row"].tolist() == [1, 2]
    assert out["order_id"].isna().all()


def test_missing_required_column_names_file_and_column(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("InvoiceNo,StockCode,Description,InvoiceDate\n1,A,x,2011-01-01\n")
    with pytest.raises(IngestError) as err:
        read_table(path, OR, REQUIRED)
    msg = str(err.value)
    assert str(path) in msg and "'Quantity'" in msg and "line 1" in msg


def test_wrong_delimiter_gets_a_hint(tmp_path: Path):
    path = tmp_path / "semi.csv"
    path.write_text(HEADER.replace(",", ";") + LINE.replace(",", ";"))
    with pytest.raises(IngestError, match="is the delimiter ',' right"):
        read_table(path, OR, REQUIRED)
    m = mapping_for("online_retail", delimiter=";")
    assert len(read_table(path, m.columns, REQUIRED, delimiter=m.delimiter)) == 1


@pytest.mark.parametrize(
    ("content", "words"), [(b"", "empty"), (HEADER.encode() + b"1,\xff\xfe,x,1,2011-01-01,1,1,UK\n", "not UTF-8")]
)
def test_unreadable_files(tmp_path: Path, content: bytes, words: str):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(IngestError, match=words):
        read_table(path, OR, REQUIRED)


def test_unknown_type_and_missing_file(tmp_path: Path):
    with pytest.raises(IngestError, match="file not found"):
        read_table(tmp_path / "nope.csv", OR, REQUIRED)
    odd = tmp_path / "x.xlsx"
    odd.write_text("x")
    with pytest.raises(IngestError, match="unsupported file type"):
        read_table(odd, OR, REQUIRED)


def test_mapping_overrides_and_unknown_names():
    m = mapping_for("online_retail", {"quantity": "Qty"}, date_format="%d/%m/%Y")
    assert m.columns["quantity"] == "Qty" and m.columns["sku"] == "StockCode"
    assert m.date_format == "%d/%m/%Y" and m.cancellation_prefix == "C"
    with pytest.raises(ValueError, match="unknown canonical columns"):
        mapping_for("online_retail", {"qty": "Qty"})
    with pytest.raises(ValueError, match="unknown column preset"):
        mapping_for("sap")
