"""Read one CSV, CSV.gz or Parquet file into a frame of canonical columns plus ``source_row``."""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import os
import stat
import zlib
from pathlib import Path

import pandas as pd
from jitjic.ingest.errors import IngestError
from jitjic.ingest.mapping import closest_name

__all__ = ["read_table", "check_file", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".csv.gz", ".txt", ".txt.gz", ".parquet", ".pq")
# what a corrupt or cut-off gzip stream raises while it is read
_GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for suffix in sorted(SUPPORTED_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    raise IngestError(str(path), f"unsupported file type; expected one of {', '.join(SUPPORTED_SUFFIXES)}")


def check_file(path: Path) -> None:
    """IngestError unless ``path`` is a regular file this process can read: a missing file, a
    directory, a symbolic-link loop, a pipe or a device (which would never end) are refused."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise IngestError(
            str(path), "file not found" + (" (a symbolic link to nothing)" if path.is_symlink() else "")
        ) from None
    except OSError as exc:
        why = "a symbolic link loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise IngestError(str(path), f"cannot be read: {why}") from None
    if stat.S_ISDIR(mode):
        raise IngestError(str(path), "is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise IngestError(str(path), "is not a regular file (a pipe, device or socket)")
    if not os.access(path, os.R_OK):
        raise IngestError(str(path), "cannot be read: permission denied")


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _check_text(path: Path) -> None:
    """Refuse text that is not UTF-8 or holds NUL bytes (pandas would cut the field short at a NUL),
    naming the first bad byte's offset and line in the (decompressed) text."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines = 0, 1
    try:
        with _open_bytes(path) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                if offset == 0 and block[:2] in (b"\xff\xfe", b"\xfe\xff"):
                    raise IngestError(str(path), "is UTF-16 text; re-export it as UTF-8 (CSV UTF-8 in Excel)")
                nul = block.find(b"\x00")
                pending = len(decoder.getstate()[0])  # bytes of a character split between blocks
                try:
                    decoder.decode(block if nul < 0 else block[:nul])
                except UnicodeDecodeError as exc:
                    raise IngestError(
                        str(path),
                        f"not UTF-8 text (byte {exc.object[exc.start : exc.start + 1]!r} at offset "
                        f"{offset - pending + exc.start:,}); re-export as UTF-8",
                        line=lines + exc.object[: exc.start].count(b"\n"),
                    ) from None
                if nul >= 0:
                    raise IngestError(
                        str(path),
                        f"holds a NUL byte at offset {offset + nul:,}: a binary file, or text that is not UTF-8",
                        line=lines + block[:nul].count(b"\n"),
                    )
                offset, lines = offset + len(block), lines + block.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise IngestError(
            str(path), f"not UTF-8 text: it ends inside a character (offset {offset:,}); re-export as UTF-8", line=lines
        ) from None
    except _GZIP_ERRORS as exc:
        raise IngestError(
            str(path), f"not a readable gzip file (corrupt or cut short: {exc}); copy or export it again"
        ) from None


def _read_csv(path: Path, delimiter: str) -> pd.DataFrame:
    _check_text(path)
    try:
        # everything as text: the rules, not the reader, decide what a bad value is. The header
        # is read as a row: with a header pandas would take a first column that every row has
        # in excess (an unquoted decimal comma) for an index, and shift every value silently
        table = pd.read_csv(
            path,
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            compression="infer",
            encoding="utf-8-sig",
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        raise IngestError(str(path), "file is empty (no header line)") from None
    except pd.errors.ParserError as exc:
        raise IngestError(
            str(path),
            f"malformed CSV: {exc}; a delimiter inside unquoted text, or a decimal comma "
            f"with the delimiter {delimiter!r}? check ingest.delimiter and ingest.decimal",
        ) from None
    except _GZIP_ERRORS as exc:
        raise IngestError(str(path), f"not a readable gzip file (corrupt or cut short: {exc})") from None
    return table.iloc[1:].set_axis(list(table.iloc[0]), axis=1).reset_index(drop=True)


def _source_columns(columns: dict[str, str], found: list[str]) -> dict[str, str]:
    """``columns`` with each source name matched to the file's header, ignoring case where the
    exact name is absent (an export's ``quantity`` for ``Quantity``)."""
    by_lower = {c.lower(): c for c in found}
    return {canon: src if src in found else by_lower.get(src.lower(), src) for canon, src in columns.items()}


def _suggestion(name: str, free: list[str]) -> str:
    """`` (did you mean x?)`` for a file's column that looks like canonical column x, with a
    warning where the units may differ (the mapping renames, it does not convert)."""
    close = closest_name(name, free)
    if close is None:
        return ""
    unit = close.rsplit("_", 1)[-1]
    if unit == "days" and "day" not in name.lower():
        given = next((u for u in ("weeks", "months") if u[:-1] in name.lower()), "weeks")
        return (
            f" (did you mean {close}? jitjic's is in days: map it and state the file's unit in ingest.item_units, "
            f'e.g. item_units = {{ {close} = "{given}" }})'
        )
    return f" (did you mean {close}?)"


def _mapping_hint(canon: str, found: list[str], columns: dict[str, str], setting: str) -> str:
    """How to map the file's column for ``canon`` in ``setting``, naming the likely one."""
    mapped = {src.lower() for src in columns.values()}
    like = next((c for c in found if c.lower() not in mapped and closest_name(c, [canon])), None)
    example = f'{setting.split(".")[-1]} = {{ {canon} = "{like}" }}' if like else None
    return f"map the file's name for it in {setting}" + (f" (e.g. {example})" if example else "")


def _refuse_unknown(
    path: Path, found: list[str], columns: dict[str, str], setting: str, ignore: tuple[str, ...], line: int | None
) -> None:
    """IngestError when the file has columns that ``columns`` does not map nor ``ignore`` lists: a
    column meant for jitjic under another name would otherwise be dropped without a word."""
    mapped = {src.lower() for src in columns.values()} | {c.lower() for c in ignore}
    # a column without a name (a trailing delimiter in the header) cannot be meant for jitjic
    unknown = [c for c in found if c and c.lower() not in mapped]
    if not unknown:
        return
    present = {c.lower() for c in found}
    free = [canon for canon, src in columns.items() if src.lower() not in present]
    named = ", ".join(f"{c!r}{_suggestion(c, free)}" for c in unknown)
    guessed = [(closest_name(c, free), c) for c in unknown]
    example = next((f'{canon} = "{c}"' for canon, c in guessed if canon), '<jitjic name> = "<column in the file>"')
    key = setting.split(".")[-1]
    raise IngestError(
        str(path),
        f"columns jitjic does not know: {named}; jitjic knows {', '.join(columns)}; map each to jitjic's name in "
        f"{setting} (e.g. {key} = {{ {example} }}), or list those jitjic has no use for in ingest.ignore_columns",
        line=line,
        column=unknown[0],
    )


def read_table(
    path: str | Path,
    columns: dict[str, str],
    required: tuple[str, ...],
    *,
    delimiter: str = ",",
    setting: str | None = None,
    ignore: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Read ``path`` and rename source columns to canonical ones.

    ``columns`` maps canonical name -> source column. Canonical columns whose source column is
    absent come back as missing values, unless they are ``required`` (then IngestError). With
    ``setting`` (the setting that maps these columns, e.g. ``ingest.item_columns``) a column that
    ``columns`` does not map and ``ignore`` does not list refuses the file (IngestError); without,
    other columns are skipped. ``source_row`` is the line in a CSV (header = line 1) or the 1-based
    row of a Parquet file.
    """
    path = Path(path)
    check_file(path)
    suffix = _suffix(path)
    if suffix in (".parquet", ".pq"):
        try:
            raw = pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several unrelated types for a bad file
            raise IngestError(str(path), f"not a readable Parquet file: {str(exc).splitlines()[0][:300]}") from None
        first_row = 1
    else:
        raw = _read_csv(path, delimiter)
        first_row = 2
    raw.columns = [str(c).strip() for c in raw.columns]
    repeated = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if repeated:
        raise IngestError(
            str(path),
            f"the header names {', '.join(map(repr, repeated))} more than once",
            line=1 if first_row == 2 else None,
        )
    columns = _source_columns(columns, list(raw.columns))
    missing = [c for c in required if columns.get(c, c) not in raw.columns]
    if missing:
        canon = missing[0]
        hint = ""
        if len(raw.columns) == 1 and any(d in raw.columns[0] for d in ";\t|,"):
            hint = f"; the header looks like one column {raw.columns[0]!r}: is the delimiter {delimiter!r} right?"
        elif setting is not None:
            hint = "; " + _mapping_hint(canon, list(raw.columns), columns, setting)
        raise IngestError(
            str(path),
            f"required column {columns.get(canon, canon)!r} (for {canon}) is missing; found {list(raw.columns)}{hint}",
            line=1 if first_row == 2 else None,
            column=columns.get(canon, canon),
        )
    if setting is not None:
        _refuse_unknown(path, list(raw.columns), columns, setting, ignore, 1 if first_row == 2 else None)
    out = pd.DataFrame(index=raw.index)
    for canon, source in columns.items():
        out[canon] = raw[source] if source in raw.columns else pd.NA
    out["source_row"] = raw.index.to_numpy() + first_row
    return out.reset_index(drop=True)
