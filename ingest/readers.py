"""Read one CSV, CSV.gz or Parquet file into a frame of canonical columns plus ``source_row``."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ingest.errors import IngestError

__all__ = ["read_table", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".txt", ".txt.gz", ".parquet", ".pq")


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    raise IngestError(str(path), f"unsupported file type; expected one of {', '.join(SUPPORTED_SUFFIXES)}")


def _read_csv(path: Path, delimiter: str) -> pd.DataFrame:
    try:
        # everything as text: the rules, not the reader, decide what a bad value is
        return pd.read_csv(
            path, sep=delimiter, dtype=str, keep_default_na=False, na_values=[],
            compression="infer", encoding="utf-8", quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        raise IngestError(str(path), "file is empty (no header line)") from None
    except UnicodeDecodeError as exc:
        raise IngestError(
            str(path), f"not UTF-8 text (byte {exc.object[exc.start:exc.start + 1]!r} at offset {exc.start}); "
            "re-export as UTF-8"
        ) from None
    except pd.errors.ParserError as exc:
        raise IngestError(str(path), f"malformed CSV: {exc}") from None


def read_table(
    path: str | Path,
    columns: dict[str, str],
    required: tuple[str, ...],
    *,
    delimiter: str = ",",
) -> pd.DataFrame:
    """Read ``path`` and rename source columns to canonical ones.

    ``columns`` maps canonical name -> source column. Canonical columns whose source column is
    absent come back as missing values, unless they are ``required`` (then IngestError).
    ``source_row`` is the line in a CSV (header = line 1) or the 1-based row of a Parquet file.
    """
    path = Path(path)
    if not path.exists():
        raise IngestError(str(path), "file not found")
    suffix = _suffix(path)
    if suffix in (".parquet", ".pq"):
        try:
            raw = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several unrelated types for a bad file
            raise IngestError(str(path), f"not a readable Parquet file: {exc}") from None
        first_row = 1
    else:
        raw = _read_csv(path, delimiter)
        first_row = 2
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in required if columns.get(c, c) not in raw.columns]
    if missing:
        canon = missing[0]
        hint = ""
        if len(raw.columns) == 1 and any(d in raw.columns[0] for d in ";\t|,"):
            hint = f"; the header looks like one column {raw.columns[0]!r}: is the delimiter {delimiter!r} right?"
        raise IngestError(
            str(path),
            f"required column {columns.get(canon, canon)!r} (for {canon}) is missing; "
            f"found {list(raw.columns)}{hint}",
            line=1 if first_row == 2 else None,
            column=columns.get(canon, canon),
        )
    out = pd.DataFrame(index=raw.index)
    for canon, source in columns.items():
        out[canon] = raw[source] if source in raw.columns else pd.NA
    out["source_row"] = raw.index.to_numpy() + first_row
    return out.reset_index(drop=True)
