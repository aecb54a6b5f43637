"""The bad-input corpus of issue 17, end to end through the `jitjic` command, on copies of a normal
install of the bundled sample: every kind of bad file, setting and command, hostile SQL, a run
after all of it against a clean run, and a SIGKILL at each of the 8 stages and while the report
folder is written.

    python benchmarks/bad_input_corpus.py [--keep DIR]

Prints: kinds tried, clear refusals, loads with bad rows rejected by their rule, loads as meant,
tracebacks, silent exit-0 cases that lose or distort data, rows lost and doubled; hostile SQL
statements that succeeded; the run after the corpus against a clean one (seconds, ratio); per
kill point whether the state stayed consistent and the next run completed. A Prefect server is
started once for all runs (not timed).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
sys.path.insert(0, str(ROOT))
from tests.test_hostile_sql import ATTACKS  # noqa: E402  (one list of attacks for the test and this)

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(600)"
KILL_POINTS = [
    ("ingest", r"run \S+ started"),
    ("demand", r"stage ingest\s+done"),
    ("forecast", r"stage demand\s+done"),
    ("classify", r"stage forecast\s+done"),
    ("simulate", r"stage classify\s+done"),
    ("policy", r"stage simulate\s+done"),
    ("publish", r"stage policy\s+done"),
    ("report", r"stage publish\s+done"),
    ("report folder", None),
]


def line(
    order: str,
    sku: str = "85123A",
    qty: str = "6",
    when: str = "2011-06-01 08:26:00",
    price: str = "2.55",
    desc: str = "HEART",
) -> str:
    return f"{order},{sku},{desc},{qty},{when},{price},17850,United Kingdom\n"


def good(prefix: str, n: int = 4) -> str:
    """``n`` valid lines with order ids of their own (the cases never repeat each other; an id
    starting with C would be a cancellation)."""
    return "".join(line(f"{prefix}{i}", sku=("85123A", "22633", "84879", "22752")[i % 4]) for i in range(n))


@dataclass
class Case:
    """One kind of bad input: what it writes, the command it runs and what must happen."""

    kind: str
    make: Callable[[Path], list[str]]  # writes its files into the folder; returns the command's arguments
    expect: str  # refused | rejected | loaded
    code: int = 0  # expected exit code
    rows: int = 0  # rows the case adds (order lines, items or counts)
    rules: dict[str, int] = field(default_factory=dict)  # rows rejected, by rule
    env: dict[str, str] = field(default_factory=dict)
    config: str = ""  # extra TOML for this case
    check: Callable[[duckdb.DuckDBPyConnection], bool] | None = None  # the values are what was meant
    orders: str | None = None  # inputs.orders of a run case ({folder}: the case's folder)
    hold: bool = False  # another process holds the working database meanwhile


def _file(
    name: str, data: str | bytes, kind: str = "orders", command: list[str] | None = None
) -> Callable[[Path], list[str]]:
    """Write the file; the command ingests it (or is ``command``)."""

    def make(folder: Path) -> list[str]:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        return command or ["ingest", "--kind", kind, str(path)]

    return make


def _special(name: str, how: Callable[[Path], object]) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> list[str]:
        how(folder / name)
        return ["ingest", str(folder / name)]

    return make


def _command(*args: str) -> Callable[[Path], list[str]]:
    return lambda folder: [a.format(folder=folder) for a in args]


def _ingest(path: Path, kind: str = "orders") -> None:
    subprocess.run(
        JITJIC + ["--db", str(WORK), "ingest", "--kind", kind, str(path)], capture_output=True, env=ENV, check=True
    )


def _unload_after(name: str, data: str, later: str | None = None) -> Callable[[Path], list[str]]:
    """Load a file first (then ``later``, a file that repeats some of its lines, if given); the
    case's command then takes the first load back."""

    def make(folder: Path) -> list[str]:
        (folder / name).write_text(data)
        _ingest(folder / name)
        with duckdb.connect(str(WORK), read_only=True) as con:
            load_id = con.execute("select max(load_id) from load_log").fetchall()[0][0]
        if later:
            (folder / f"later_{name}").write_text(later)
            _ingest(folder / f"later_{name}")
        return ["unload", str(load_id)]

    return make


def _parquet_twice(folder: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(
        pa.table(
            [pa.array(["85123A"]), pa.array(["22633"]), pa.array([6.0])], names=["StockCode", "StockCode", "Quantity"]
        ),
        folder / "twice.parquet",
    )
    return ["ingest", str(folder / "twice.parquet")]


def _hostile_items(folder: Path) -> list[str]:
    """Descriptions that a spreadsheet would run, markup, one beyond Excel's cell limit; their
    items counted at zero on hand, so that they are reordered and reach the CSV too."""
    skus = ("85123A", "22633", "84879", "22752", "21730")
    (folder / "s.csv").write_text(
        "sku,on_hand,on_order,snapshot_date\n" + "".join(f"{s},0,0,2011-12-09\n" for s in skus)
    )
    _ingest(folder / "s.csv", "stock")
    (folder / "i.csv").write_text(
        'sku,description\n85123A,"=HYPERLINK(""http://evil.example"",""click"")"\n'
        f"22633,+cmd|' /C calc'!A0\n84879,@SUM(A1:A9)\n22752,<script>alert(1)</script>\n21730,{LONG}\n"
    )
    return ["ingest", "--kind", "items", str(folder / "i.csv")]


GZ = gzip.compress((HEADER + good("GZ", 3000)).encode())
DEEP = (HEADER + good("DEEP", 30_000)).encode()
LONG = "x" * 40_000
DAY_FIRST = HEADER + "".join(line(f"DF{i}", when=f"{13 + i}/06/2011 08:26") for i in range(4))
SEMI = HEADER.replace(",", ";") + "".join(
    line(f"SC{i}", price="2,55").replace(",", ";").replace("2;55", "2,55") for i in range(4)
)
WORK = Path()  # the corpus's working database (set in main)
JITJIC = [sys.executable, "-m", "jitjic.cli"]
ENV: dict[str, str] = {}


def cases() -> list[Case]:  # noqa: PLR0915 (a list of data)
    c = Case
    two = HEADER + good("T", 2)
    return [
        # whole files refused: nothing loaded, one line, exit 3
        c("missing required column", _file("a.csv", "InvoiceNo,StockCode\n1,A\n"), "refused", 3),
        c("wrong delimiter", _file("a.csv", two.replace(",", ";")), "refused", 3),
        c("empty file", _file("a.csv", ""), "refused", 3),
        c(
            "non-UTF-8 byte",
            _file("a.csv", HEADER.encode() + b"1,85123A,CAF\xe9,6,2011-06-01,2.55,1,UK\n"),
            "refused",
            3,
        ),
        c(
            "non-UTF-8 byte deep in the file (offset exact)",
            _file("a.csv", DEEP[:1_500_000] + b"\xff" + DEEP[1_500_000:]),
            "refused",
            3,
        ),
        c("file ends inside a character", _file("a.csv", two.encode() + b"\xe9"), "refused", 3),
        c("UTF-16 text", _file("a.csv", two.encode("utf-16")), "refused", 3),
        c("NUL byte", _file("a.csv", two.replace("HEART", "HE\x00ART")), "refused", 3),
        c("unbalanced quote", _file("a.csv", two + '9,85123A,"OPEN,6,2011-06-01,2.55,1,UK\n'), "refused", 3),
        c("extra field in every row", _file("a.csv", two.replace("2.55", "2,55")), "refused", 3),
        c("extra field in one row", _file("a.csv", two + line("X1", desc="A, B")), "refused", 3),
        c(
            "duplicate header names",
            _file("a.csv", HEADER.replace("Country", "Quantity") + good("DH", 2)),
            "refused",
            3,
        ),
        c("corrupt gzip", _file("a.csv.gz", GZ[:12] + b"\xff" * 40 + GZ[52:]), "refused", 3),
        c("truncated gzip", _file("a.csv.gz", GZ[: len(GZ) // 2]), "refused", 3),
        c("not gzip at all", _file("a.csv.gz", two), "refused", 3),
        c("a directory named .csv", _special("d.csv", lambda p: p.mkdir()), "refused", 3),
        c("a symbolic link loop", _special("loop.csv", lambda p: os.symlink(p.name, p)), "refused", 3),
        c("a dangling symbolic link", _special("gone.csv", lambda p: os.symlink("nowhere.csv", p)), "refused", 3),
        c("a missing file", _special("absent.csv", lambda p: None), "refused", 3),
        c("a named pipe", _special("pipe.csv", lambda p: os.mkfifo(p)), "refused", 3),
        c("an Excel workbook", _file("a.xlsx", b"PK\x03\x04"), "refused", 3),
        c("a corrupt Parquet file", _file("a.parquet", b"PAR1 not really"), "refused", 3),
        c("day-first dates, ISO expected", _file("a.csv", DAY_FIRST), "refused", 3),
        c("decimal commas", _file("a.csv", SEMI), "refused", 3, config='[ingest]\ndelimiter = ";"\n'),
        c(
            "codes the preset takes for fees",
            _file("a.csv", HEADER + line("PC1", sku="MUG-RED") + line("PC2", sku="BOWL")),
            "refused",
            3,
        ),
        c(
            "quantity mapped to the description",
            _file("a.csv", HEADER + good("QM", 3)),
            "refused",
            3,
            config='[ingest]\ncolumns = { quantity = "Description" }\n',
        ),
        c("every line dated 1900", _file("a.csv", (HEADER + good("OLD", 3)).replace("2011", "1900")), "refused", 3),
        c("every quantity 1e32", _file("a.csv", (HEADER + good("Q32", 3)).replace(",6,", ",1e32,")), "refused", 3),
        c("thousands separators", _file("a.csv", (HEADER + good("TS", 3)).replace(",6,", ',"1,000",')), "refused", 3),
        c(
            "decimal points read with ingest.decimal = ','",
            _file("a.csv", SEMI.replace("2,55", "2.55")),
            "refused",
            3,
            config='[ingest]\ndelimiter = ";"\ndecimal = ","\n',
        ),
        c("a Parquet file with a column twice", _parquet_twice, "refused", 3),
        c(
            "item costs with decimal commas",
            _file("i.csv", "sku;unit_cost\nA1;2,50\nA2;3,10\n", "items"),
            "refused",
            3,
            config='[ingest]\ndelimiter = ";"\n',
        ),
        c(
            "stock counts with decimal commas",
            _file("s.csv", "sku;on_hand\nA1;2,0\nA2;1,5\n", "stock"),
            "refused",
            3,
            config='[ingest]\ndelimiter = ";"\n',
        ),
        # the fix of a settings mistake: the same kind of file loads as meant
        c(
            "day-first dates with ingest.date_format",
            _file("a.csv", DAY_FIRST.replace("DF", "DG")),
            "loaded",
            rows=4,
            config='[ingest]\ndate_format = "%d/%m/%Y %H:%M"\n',
            check=lambda con: (
                con.execute(
                    "select count(*) from order_lines where order_id like 'DG%' and "
                    "ordered_at between '2011-06-13' and '2011-06-17'"
                ).fetchall()[0][0]
                == 4
            ),
        ),
        c(
            "decimal commas with ingest.decimal",
            _file("a.csv", SEMI.replace("SC", "SD")),
            "loaded",
            rows=4,
            config='[ingest]\ndelimiter = ";"\ndecimal = ","\n',
            check=lambda con: (
                con.execute("select min(unit_price) from order_lines where order_id like 'SD%'").fetchall()[0][0]
                == 2.55
            ),
        ),
        # rows rejected by their rule; the good rows load exactly once
        c(
            "unparseable date",
            _file("a.csv", HEADER + good("UD", 3) + line("UDX", when="yesterday")),
            "rejected",
            rows=3,
            rules={"bad_date": 1},
        ),
        c(
            "mixed date formats",
            _file("a.csv", HEADER + good("MD", 3) + line("MDX", when="6/1/2011 8:26")),
            "rejected",
            rows=3,
            rules={"bad_date": 1},
        ),
        c(
            "future date",
            _file("a.csv", HEADER + good("FD", 3) + line("FDX", when="2099-06-01")),
            "rejected",
            rows=3,
            rules={"future_date": 1},
        ),
        c(
            "non-numeric quantity",
            _file("a.csv", HEADER + good("NQ", 3) + line("NQX", qty="six")),
            "rejected",
            rows=3,
            rules={"bad_quantity": 1},
        ),
        c(
            "NaN and inf",
            _file("a.csv", HEADER + good("NI", 3) + line("NIX", qty="nan") + line("NIY", qty="inf")),
            "rejected",
            rows=3,
            rules={"bad_quantity": 2},
        ),
        c(
            "negative quantity",
            _file("a.csv", HEADER + good("NG", 3) + line("NGX", qty="-5")),
            "rejected",
            rows=3,
            rules={"non_positive_quantity": 1},
        ),
        c(
            "duplicate line in the file",
            _file("a.csv", HEADER + good("DL", 3) + good("DL", 1)),
            "rejected",
            rows=3,
            rules={"duplicate_line": 1},
        ),
        c(
            "truncated last line",
            _file("a.csv", HEADER + good("TL", 3) + "TLX,85123A,HEA"),
            "rejected",
            rows=3,
            rules={"bad_date": 1},
        ),
        c(
            "no SKU",
            _file("a.csv", HEADER + good("NS", 3) + line("NSX", sku=" ")),
            "rejected",
            rows=3,
            rules={"missing_sku": 1},
        ),
        c(
            "an order dated 1900",
            _file("a.csv", HEADER + good("O19", 3) + line("O19X", when="1900-06-01")),
            "rejected",
            rows=3,
            rules={"too_old": 1},
        ),
        c(
            "more than 10 years before the newest line",
            _file("a.csv", HEADER + good("O10", 3) + line("O10X", when="2001-06-01")),
            "rejected",
            rows=3,
            rules={"too_old": 1},
        ),
        c(
            "years 1 and 9999",
            _file("a.csv", HEADER + good("Y1", 3) + line("Y1X", when="0001-06-01") + line("Y1Y", when="9999-06-01")),
            "rejected",
            rows=3,
            rules={"bad_date": 2},
        ),
        c(
            "quantity 1e32",
            _file("a.csv", HEADER + good("E32", 3) + line("E32X", qty="1e32")),
            "rejected",
            rows=3,
            rules={"quantity_too_large": 1},
        ),
        c(
            "quantity 1e20",
            _file("a.csv", HEADER + good("E20", 3) + line("E20X", qty="1e20")),
            "rejected",
            rows=3,
            rules={"quantity_too_large": 1},
        ),
        c(
            "price 1e300",
            _file("a.csv", HEADER + good("P300", 3) + line("P300X", price="1e300")),
            "rejected",
            rows=3,
            rules={"price_too_large": 1},
        ),
        c(
            "quantity 1e400 (infinite)",
            _file("a.csv", HEADER + good("E400", 3) + line("E400X", qty="1e400")),
            "rejected",
            rows=3,
            rules={"bad_quantity": 1},
        ),
        # odd but valid: loaded as meant
        c(
            "extra and reordered columns",
            _file(
                "a.csv",
                "Country,Quantity,Extra,StockCode,InvoiceNo,InvoiceDate,"
                "UnitPrice,CustomerID,Description\nUK,6,x,85123A,XR1,2011-06-01 08:26:00,"
                "2.55,1,HEART\n",
            ),
            "loaded",
            rows=1,
        ),
        c(
            "SKU with spaces and case",
            _file("a.csv", HEADER + line("SP1", sku=" 85123a ")),
            "loaded",
            rows=1,
            check=lambda con: (
                con.execute("select sku from order_lines where order_id = 'SP1'").fetchall() == [("85123A",)]
            ),
        ),
        c(
            "quotes, newlines, HTML and SQL text",
            _file(
                "a.csv",
                HEADER + '"QT1",85123A,"HE ""big""\n<b>x</b>\'; drop table items;--",6,2011-06-01 08:26:00,2.55,1,UK\n',
            ),
            "loaded",
            rows=1,
        ),
        c("enormous but possible quantity", _file("a.csv", HEADER + line("BIG1", qty="80995")), "loaded", rows=1),
        c("byte-order mark before the header", _file("a.csv", "\ufeff" + HEADER + good("BOM", 2)), "loaded", rows=2),
        c("header in lower case", _file("a.csv", HEADER.lower() + good("LC", 2)), "loaded", rows=2),
        c(
            "ISO times with UTC offsets",
            _file("a.csv", HEADER + line("TZ1", when="2011-06-01T23:30:00+02:00")),
            "loaded",
            rows=1,
            check=lambda con: (
                str(con.execute("select ordered_at from order_lines where order_id = 'TZ1'").fetchall()[0][0])
                == "2011-06-01 23:30:00"
            ),
        ),
        c("Windows line ends", _file("a.csv", (HEADER + good("WL", 2)).replace("\n", "\r\n")), "loaded", rows=2),
        c("a file loaded twice", _command("ingest", str(SAMPLE / "items.csv"), "--kind", "items"), "loaded", rows=0),
        c(
            "the same lines re-sent compressed",
            _file("a.csv.gz", gzip.compress((HEADER + good("BOM", 2)).encode())),
            "loaded",
            rows=0,
        ),
        c("a wrong file taken back with unload", _unload_after("wrong.csv", HEADER + good("WR", 3)), "loaded", rows=-3),
        c(
            "unload of a load that a later load repeated",
            _unload_after("base.csv", HEADER + good("UB", 2), later=HEADER + good("UB", 3)),
            "refused",
            1,
        ),
        c("unload of a load that does not exist", _command("unload", "99999"), "refused", 1),
        # item master and stock snapshot
        c(
            "item master that contradicts itself",
            _file(
                "i.csv",
                "sku,unit_cost,lead_time_days,moq,pack_size,on_time_rate"
                "\nCX1,0,7,1,1,\nCX2,2,-3,1,1,\nCX3,2,7,-1,1,\nCX4,2,7,1,1,95\n"
                "CX5,2,7,1,1,\nCX6,2,7,1,1,\nCX7,2,7,1,1,\nCX8,2,7,1,1,\n",
                "items",
            ),
            "rejected",
            rows=4,
            rules={"non_positive_cost": 1, "negative_lead_time": 1, "non_positive_moq": 1, "bad_rate": 1},
        ),
        c(
            "items beyond the limits",
            _file(
                "i.csv",
                "sku,unit_cost,lead_time_days,moq\nBX1,1e300,,\nBX2,,1e6,\n"
                "BX3,,,1e15\nBX4,2,7,1\nBX5,2,7,1\nBX6,2,7,1\n",
                "items",
            ),
            "rejected",
            rows=3,
            rules={"cost_too_large": 1, "lead_time_too_long": 1, "moq_too_large": 1},
        ),
        # two of its five SKUs are not in the sample's item master: two rows more
        c("hostile descriptions (formulas, markup, 40,000 characters)", _hostile_items, "loaded", rows=2),
        c(
            "stock that cannot be",
            _file(
                "s.csv",
                "sku,on_hand,on_order,snapshot_date\nSX1,-1e9,0,2011-12-09\n"
                "SX2,1e15,0,2011-12-09\nSX3,5,0,2099-01-01\nSX4,5,lots,2011-12-09\n"
                "SX5,1,0,2011-12-09\nSX6,1,0,2011-12-09\nSX7,1,0,2011-12-09\n"
                "SX8,1,0,2011-12-09\n",
                "stock",
            ),
            "rejected",
            rows=4,
            rules={"negative_on_hand": 1, "stock_too_large": 1, "future_date": 1, "bad_number": 1},
        ),
        # settings
        c(
            "a Latin-1 settings file",
            _command("--config", "{folder}/latin.toml", "check"),
            "refused",
            2,
            config="latin-1",
        ),
        c(
            "a settings file with a byte-order mark",
            _command("--config", "{folder}/bom.toml", "ingest", "--kind", "items", str(SAMPLE / "items.csv")),
            "loaded",
            config="bom",
        ),
        c("--config on a directory", _command("--config", "{folder}", "check"), "refused", 2),
        c("TOML that does not parse", _command("check"), "refused", 2, config="[forecast\n"),
        c("an unknown key", _command("check"), "refused", 2, config="[forecast]\nhorizn = 3\n"),
        c(
            "a list from the environment, plainly",
            _command("ingest", str(SAMPLE / "items.csv"), "--kind", "items"),
            "loaded",
            env={"JITJIC_INGEST__NON_PRODUCT_CODES": "POST,DOT"},
        ),
        c(
            "a list from the environment as JSON",
            _command("ingest", str(SAMPLE / "items.csv"), "--kind", "items"),
            "loaded",
            env={"JITJIC_EMAIL__RECIPIENTS": '["a@example.com"]'},
        ),
        c(
            "a table from the environment that is neither",
            _command("check"),
            "refused",
            2,
            env={"JITJIC_POLICY__SERVICE_LEVEL": "high"},
        ),
        c("an unknown JITJIC_ name", _command("check"), "refused", 2, env={"JITJIC_FORECAST__HORIZN": "3"}),
        c(
            "a lower-case jitjic_ name with a bad value",
            _command("check"),
            "refused",
            2,
            env={"jitjic_forecast__horizon": "soon"},
        ),
        c("a date format that is no format", _command("check"), "refused", 2, config='[ingest]\ndate_format = "%Q"\n'),
        c("a two-character delimiter", _command("check"), "refused", 2, config='[ingest]\ndelimiter = ";;"\n'),
        c(
            "a product code pattern that is no regex",
            _command("check"),
            "refused",
            2,
            config='[ingest]\nproduct_code_pattern = "["\n',
        ),
        c("as_of in the future", _command("check"), "refused", 2, config="[demand]\nas_of = 2999-01-01\n"),
        c(
            "a password without TLS",
            _command("check"),
            "refused",
            2,
            config='[email]\nenabled = true\nuser = "me"\nrecipients = ["a@example.com"]\n',
        ),
        c(
            "a limit beyond what DECIMAL(38, 6) sums",
            _command("check"),
            "refused",
            2,
            config="[limits]\nmax_quantity = 1e20\n",
        ),
        # commands on the wrong files
        c(
            "jitjic sql --database on a file that is no database",
            _command("sql", "--database", "{folder}/notes.duckdb", "select 1"),
            "refused",
            4,
            config="notes",
        ),
        c("jitjic sql --database on a directory", _command("sql", "--database", "{folder}", "select 1"), "refused", 4),
        c(
            "--db on a corrupt working database",
            _command("--db", "{folder}/notes.duckdb", "check"),
            "refused",
            4,
            config="notes",
        ),
        # nightly runs: a file that cannot be read fails at once (no retries), a second run exits 4
        c("run with a missing input", _command("run"), "refused", 3, orders="{folder}/absent.csv"),
        c(
            "run with a truncated gzip",
            _file("cut.csv.gz", GZ[: len(GZ) // 2], command=["run"]),
            "refused",
            3,
            orders="{folder}/cut.csv.gz",
        ),
        c("run with an input glob that matches nothing", _command("run"), "refused", 3, orders="{folder}/*.none"),
        c("a second run while one holds the database", _command("run"), "refused", 4, hold=True),
    ]


def _prepare_config(case: Case, folder: Path, base: str) -> Path:
    cfg = folder / "jitjic.toml"
    if case.orders:
        base = re.sub(r"orders = \[.*\]", f'orders = ["{case.orders.format(folder=folder)}"]', base)
    if case.config == "latin-1":
        (folder / "latin.toml").write_bytes('[email]\nsender = "caf\xe9@example.com"\n'.encode("latin-1"))
    elif case.config == "bom":
        (folder / "bom.toml").write_bytes(("\ufeff" + base).encode())
    elif case.config == "notes":
        (folder / "notes.duckdb").write_text("not a database\n" * 500)
    cfg.write_text(base + (case.config if case.config not in ("latin-1", "bom", "notes") else ""))
    return cfg


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {
        t: con.execute(f"select count(*) from {t}").fetchall()[0][0]  # noqa: S608 (fixed names)
        for t in ("order_lines", "items", "stock_snapshots", "rejects", "load_log")
    }


def run_corpus(base: str, scratch: Path) -> dict:
    results = {
        "kinds": 0,
        "refused": 0,
        "rejected": 0,
        "loaded": 0,
        "tracebacks": [],
        "silent": [],
        "lost": 0,
        "doubled": 0,
        "unexpected": [],
    }
    for i, case in enumerate(cases()):
        folder = scratch / f"case{i:02d}"
        folder.mkdir()
        cfg = _prepare_config(case, folder, base)
        args = case.make(folder)
        con = duckdb.connect(str(WORK), read_only=True)
        before = _counts(con)
        con.close()
        env = {k: v for k, v in ENV.items() if not k.upper().startswith("JITJIC_")} | case.env
        cmd = JITJIC + (args if args[0] == "--config" else ["--config", str(cfg), *args])
        holder = (
            subprocess.Popen([sys.executable, "-c", HOLD, str(WORK)], stdout=subprocess.PIPE, text=True)
            if case.hold
            else None
        )
        if holder:
            holder.stdout.readline()
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        finally:
            if holder:
                holder.kill()
                holder.wait()
        text = out.stdout + out.stderr
        con = duckdb.connect(str(WORK), read_only=True)
        after = _counts(con)
        meant = case.check(con) if case.check else True
        con.close()
        results["kinds"] += 1
        if "Traceback" in text:
            results["tracebacks"].append(case.kind)
        table = (
            "items"
            if "items" in args or "i.csv" in " ".join(args)
            else ("stock_snapshots" if "stock" in args else "order_lines")
        )
        added = after[table] - before[table]
        if case.expect == "refused":
            clear = (
                out.returncode == case.code
                and "Traceback" not in text
                and after == before
                and any(row.startswith("error: ") for row in out.stderr.splitlines())
            )
            results["refused"] += clear
            if not clear:
                results["unexpected"].append(f"{case.kind}: exit {out.returncode}, {text.strip()[-300:]!r}")
            if out.returncode == 0:
                results["silent"].append(case.kind)
            continue
        rejected = after["rejects"] - before["rejects"]
        ok = out.returncode == 0 and added == case.rows and rejected == sum(case.rules.values()) and meant
        if case.rules:
            con = duckdb.connect(str(WORK), read_only=True)
            by_rule = dict(
                con.execute(
                    "select rule, rows from load_rule_counts where load_id = (select max(load_id) from load_log)"
                ).fetchall()
            )
            con.close()
            ok = ok and by_rule == case.rules
        results[case.expect] += ok
        if not ok:
            results["unexpected"].append(
                f"{case.kind}: exit {out.returncode}, added {added} (meant {case.rows}), "
                f"rejected {rejected}, {text.strip()[-300:]!r}"
            )
            if out.returncode == 0:
                results["silent"].append(case.kind)
        results["lost"] += max(case.rows - added, 0)
        results["doubled"] += max(added - case.rows, 0)
    con = duckdb.connect(str(WORK), read_only=True)
    results["doubled"] += con.execute("select count(*) - count(distinct line_key) from order_lines").fetchall()[0][0]
    con.close()
    return results


def hostile_sql(analysts: Path, scratch: Path) -> tuple[int, int]:
    """Each attack through `jitjic sql` on the published analysts' database: how many succeeded."""
    succeeded = 0
    before = {p.name: p.read_bytes() for p in WORK.parent.iterdir() if p.is_file()}
    for _, sql in ATTACKS:
        query = sql.format(work=WORK, out=scratch / "out")
        out = subprocess.run(
            JITJIC + ["sql", "--database", str(analysts), query],
            capture_output=True,
            text=True,
            env=ENV | {"JITJIC_EMAIL__PASSWORD": "s3cret"},
        )
        succeeded += out.returncode == 0 or "s3cret" in out.stdout + out.stderr
    after = {p.name: p.read_bytes() for p in WORK.parent.iterdir() if p.is_file()}
    succeeded += before != after or any(scratch.glob("out*"))
    return len(ATTACKS), succeeded


def report_files_safe(reports: Path, run_id: str) -> bool:
    """The run's reorder CSV and workbook carry the hostile descriptions as inert text."""
    from openpyxl import load_workbook

    folder = reports / run_id
    csv_text = (folder / "reorder_now.csv").read_text()
    wb = load_workbook(folder / "jitjic_recommendations.xlsx")
    cells = [c for row in wb["Recommendations"].iter_rows() for c in row if isinstance(c.value, str)]
    formula_cells = [c for c in cells if c.value.startswith(("=", "+", "@"))]
    return (
        all(c.quotePrefix for c in formula_cells)
        and all(len(c.value) <= 32_767 for c in cells)
        and not re.search(r"(^|,)[=+@]", csv_text, re.M)
        and bool(formula_cells)
    )


def _stage_seconds(db: Path) -> dict[str, float]:
    """Seconds per stage of the last completed run, for the stages where an old date crawled."""
    with duckdb.connect(str(db), read_only=True) as con:
        return dict(
            con.execute(
                "select stage, seconds from run_stages where run_id = (select run_id from latest_run) "
                "and stage in ('demand', 'forecast', 'simulate')"
            ).fetchall()
        )


def timed_run(cfg: Path) -> tuple[float, int, str]:
    started = time.perf_counter()
    out = subprocess.run(JITJIC + ["--config", str(cfg), "run"], capture_output=True, text=True, env=ENV)
    run_id = re.search(r"run (\S+) completed", out.stdout)
    return time.perf_counter() - started, out.returncode, run_id.group(1) if run_id else out.stderr[-500:]


def _results(db: Path, run_id: str) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: con.execute(
                f"select * exclude (run_id) from {t} where run_id = ? order by all",  # noqa: S608
                [run_id],
            ).df()
            for t in ("forecasts", "sku_classes", "recommendations")
        }


def kills(cfg: Path, reference: dict[str, pd.DataFrame], ref_lines: int) -> list[tuple[str, bool, str]]:
    """SIGKILL a run at each point, check the state, then let the next run complete."""
    from jitjic.settings import load_settings

    settings = load_settings(cfg)
    env = ENV | {"PYTHONUNBUFFERED": "1", "PREFECT_LOGGING_LEVEL": "INFO"}
    out = []
    for stage, pattern in KILL_POINTS:
        proc = subprocess.Popen(
            JITJIC + ["--config", str(cfg), "run"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env
        )
        if pattern:
            for text in proc.stdout:
                if re.search(pattern, text):
                    break
        else:
            while not list(settings.paths.reports_dir.glob(".*.partial-*")) and proc.poll() is None:
                time.sleep(0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        notes = []
        published = settings.paths.analysts_database
        if published.exists():
            with duckdb.connect(str(published), read_only=True) as con:
                if not con.execute("select count(*) from latest_recommendations").fetchall()[0][0]:
                    notes.append("published file incomplete")
        took, code, run_id = timed_run(cfg)
        if code != 0:
            notes.append(f"next run failed: {run_id}")
        else:
            with duckdb.connect(str(settings.paths.database), read_only=True) as con:
                lines = con.execute("select count(*) from order_lines").fetchall()[0][0]
                running = con.execute("select count(*) from runs where status = 'running'").fetchall()[0][0]
                pending = con.execute("select count(*) from runs where report_status <> 'written'").fetchall()[0][0]
            got = _results(settings.paths.database, run_id)
            if lines != ref_lines:
                notes.append(f"{lines - ref_lines:+d} order lines")
            if running or pending:
                notes.append(f"{running} runs left running, {pending} reports unfinished")
            for table, frame in reference.items():
                if not frame.equals(got[table]):
                    notes.append(f"{table} differs from an uninterrupted run")
        out.append(
            (stage, proc.returncode == -signal.SIGKILL and not notes, "; ".join(notes) or f"next run {took:.1f} s")
        )
    return out


def main() -> None:
    global WORK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start(timeout=180)
    ENV.update(os.environ, PREFECT_API_URL=server.api_url, PREFECT_LOGGING_LEVEL="WARNING")
    tmp = args.keep or Path(tempfile.mkdtemp(prefix="jitjic-corpus-"))
    tmp.mkdir(parents=True, exist_ok=True)
    try:
        configs = {}
        for name in ("clean", "corpus", "killref", "kills"):
            (tmp / name).mkdir(exist_ok=True)
            configs[name] = (
                f'[paths]\ndatabase = "{tmp / name / "work.duckdb"}"\n'
                f'analysts_database = "{tmp / name / "analysts.duckdb"}"\n'
                f'reports_dir = "{tmp / name / "reports"}"\nlock_wait_seconds = 2\n'
                f'[inputs]\norders = ["{SAMPLE / "online_retail_sample.csv.gz"}"]\nitems = ["{SAMPLE / "items.csv"}"]\n'
                f'stock = ["{SAMPLE / "stock.csv"}"]\n[demand]\nas_of = 2011-12-09\n'
            )
            if name.startswith("kill"):  # many runs: a shorter replay
                configs[name] += "[simulation]\nweeks = 4\nmax_skus = 100\n"
            (tmp / name / "jitjic.toml").write_text(configs[name])
        for name in ("clean", "corpus"):  # the sample loaded first: the timed runs load nothing new
            for kind, file in (
                ("orders", "online_retail_sample.csv.gz"),
                ("items", "items.csv"),
                ("stock", "stock.csv"),
            ):
                subprocess.run(
                    JITJIC
                    + ["--config", str(tmp / name / "jitjic.toml"), "ingest", "--kind", kind, str(SAMPLE / file)],
                    capture_output=True,
                    env=ENV,
                    check=True,
                )
        clean_s, code, clean_run = timed_run(tmp / "clean" / "jitjic.toml")
        assert code == 0, clean_run
        _, code, ref_run = timed_run(tmp / "killref" / "jitjic.toml")
        assert code == 0, ref_run
        with duckdb.connect(str(tmp / "killref" / "work.duckdb"), read_only=True) as con:
            ref_lines = con.execute("select count(*) from order_lines").fetchall()[0][0]
        reference = _results(tmp / "killref" / "work.duckdb", ref_run)

        WORK = tmp / "corpus" / "work.duckdb"
        scratch = tmp / "corpus" / "cases"
        scratch.mkdir(exist_ok=True)
        started = time.perf_counter()
        res = run_corpus(configs["corpus"], scratch)
        corpus_s = time.perf_counter() - started
        # each twice, alternating, the faster counts: the machine is shared
        run_s, code, run_id = timed_run(tmp / "corpus" / "jitjic.toml")
        safe = code == 0 and report_files_safe(tmp / "corpus" / "reports", run_id)
        clean_s = min(clean_s, timed_run(tmp / "clean" / "jitjic.toml")[0])
        again_s, again_code, again_id = timed_run(tmp / "corpus" / "jitjic.toml")
        run_s, code = min(run_s, again_s), max(code, again_code)
        stages = {name: _stage_seconds(tmp / name / "work.duckdb") for name in ("clean", "corpus")}
        attacks, succeeded = hostile_sql(tmp / "corpus" / "analysts.duckdb", scratch)
        killed = kills(tmp / "kills" / "jitjic.toml", reference, ref_lines)
    finally:
        server.stop()
        if args.keep is None:
            shutil.rmtree(tmp, ignore_errors=True)

    print(f"bad-input corpus ({corpus_s:.0f} s through the jitjic command): {res['kinds']} kinds tried")
    print(f"  clear refusals (documented exit code, one error line, nothing loaded): {res['refused']}")
    print(f"  loaded, bad rows rejected by their rule, good rows exactly once:        {res['rejected']}")
    print(f"  loaded as meant (odd but valid, settings fixed, unload):               {res['loaded']}")
    print(f"  tracebacks: {len(res['tracebacks'])} {res['tracebacks'] or ''}")
    print(f"  silent exit-0 cases that lose or distort data: {len(res['silent'])} {res['silent'] or ''}")
    print(f"  rows lost: {res['lost']}, rows doubled: {res['doubled']}")
    for text in res["unexpected"]:
        print(f"  NOT AS EXPECTED: {text}")
    print(f"  report files of the run after the corpus: hostile text inert and cells within Excel's limit: {safe}")
    print(f"hostile SQL through jitjic sql: {attacks} statements, {succeeded} succeeded")
    print(
        f"run after the corpus: {run_s:.1f} s (exit {code}) against a clean run {clean_s:.1f} s: "
        f"{run_s / clean_s:.2f}x (best of two each, Prefect's server already up)"
    )
    for name, seconds in stages.items():
        print(f"  {name:<7} " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(seconds.items())))
    print("kill (SIGKILL) at each stage, then the next run:")
    for stage, ok, note in killed:
        print(
            f"  {stage:<14} {'consistent, next run completed and equals an uninterrupted run' if ok else 'FAILED'}"
            f" ({note})"
        )
    print(f"  {sum(ok for _, ok, _ in killed)} of {len(killed)} kill points consistent")


if __name__ == "__main__":
    main()
