"""A file that one rule rejects almost entirely was read with the wrong settings: refuse it whole,
with a hint, so that after fixing the setting the same file loads."""

from __future__ import annotations

import pandas as pd
from jitjic.ingest.rules import LineRules, clean_text

__all__ = ["SETTINGS_RULES", "DATE_FORMATS", "refusal", "guess_date_format"]

# rules that, breaking most of a file, point at a setting rather than at the data; rule -> the
# raw column whose values show why
SETTINGS_RULES = {
    "missing_sku": "sku",
    "bad_date": "ordered_at",
    "future_date": "ordered_at",
    "too_old": "ordered_at",
    "bad_quantity": "quantity",
    "quantity_too_large": "quantity",
    "bad_price": "unit_price",
    "price_too_large": "unit_price",
    "non_product_code": "sku",
    "bad_number": None,  # None: named in the reason
}
DATE_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%d/%m/%y %H:%M",
    "%m/%d/%y %H:%M",
    "%d/%m/%y",
    "%m/%d/%y",
    "%Y%m%d",
    "%d %b %Y",
    "%b %d %Y",
)


def guess_date_format(values: pd.Series, current: str = "ISO8601") -> list[str]:
    """The formats in DATE_FORMATS (other than ``current``) that read the most of ``values``,
    best first: several when they read as many (01/02/2011: day or month first?)."""
    sample = clean_text(values).dropna().astype(object).head(200)
    if sample.empty:
        return []
    read = {
        f: int(pd.to_datetime(sample, format=f, errors="coerce").notna().sum()) for f in DATE_FORMATS if f != current
    }
    best = max(read.values())
    return [f for f, n in read.items() if n == best] if best else []


def _comma_hint(values: pd.Series) -> str | None:
    """What commas in numbers mean: thousands grouped (1,000) or a decimal mark (2,55)."""
    text = clean_text(values).dropna().head(200)
    text = text[text.str.contains(",", regex=False)]
    if text.empty:
        return None
    if text.str.fullmatch(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?").mean() > 0.5:
        return "thousands separators (1,000)? export the numbers without them"
    if text.str.fullmatch(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+").mean() > 0.5:
        return "decimal commas? set ingest.decimal = ','"
    return None


def _hint(rule: str, examples: pd.Series, rules: LineRules) -> str:
    if rule == "bad_date":
        formats = guess_date_format(examples, rules.date_format)
        if len(formats) == 1:
            return f"set ingest.date_format = {formats[0]!r}, which reads them"
        if formats:
            return f"set ingest.date_format to the one that is right of {', '.join(map(repr, formats))}"
        return "set ingest.date_format to the export's format (strftime codes, e.g. '%d/%m/%Y %H:%M')"
    if rule in ("future_date", "too_old"):
        return (
            "day and month swapped, or the wrong column? check ingest.date_format and ingest.columns "
            "(ingest.min_date and ingest.max_history_years bound old dates)"
        )
    if rule in ("bad_quantity", "bad_price", "bad_number"):
        if rules.decimal == ",":
            return "ingest.decimal is ',': does this file write 2,55? else set it to '.' (or check ingest.columns)"
        return _comma_hint(examples) or "the wrong column? check ingest.columns (and ingest.delimiter)"
    if rule in ("quantity_too_large", "price_too_large"):
        return "another unit or the wrong column? check ingest.columns, or raise the limit in [limits]"
    if rule == "non_product_code":
        return (
            "its codes do not look like products to ingest.product_code_pattern: set ingest.preset = "
            "'canonical' or ingest.product_code_pattern / ingest.non_product_codes for this export"
        )
    return "the wrong column? check ingest.columns"


def refusal(raw: pd.DataFrame, parsed: pd.DataFrame, rules: LineRules) -> str | None:
    """Why the whole file must be refused, or None: one rule of SETTINGS_RULES rejects more than
    ``rules.refuse_share`` of its rows. ``raw`` holds the file's text columns, ``parsed`` the
    labelled rows (same order)."""
    if parsed.empty or rules.refuse_share >= 1:
        return None
    counts = parsed["rule"].value_counts()
    counts = counts[counts.index.isin(list(SETTINGS_RULES))]
    if counts.empty or counts.iloc[0] <= rules.refuse_share * len(parsed):
        return None
    rule, n = str(counts.index[0]), int(counts.iloc[0])
    hit = (parsed["rule"] == rule).fillna(False).to_numpy(dtype=bool)
    # bad_number's reason starts with the column: "unit_cost is not a finite number"
    column = SETTINGS_RULES[rule] or str(parsed.loc[hit, "reason"].iloc[0]).split()[0]
    examples = raw.loc[hit, column] if column in raw else pd.Series([], dtype=object)
    shown = ", ".join(repr(v) for v in clean_text(examples).dropna().drop_duplicates().head(3)) or "blank"
    return (
        f"{n:,} of {len(parsed):,} rows break rule {rule} (e.g. {shown}), more than ingest.refuse_share "
        f"({rules.refuse_share:.0%}): the settings do not fit this file; {_hint(rule, examples, rules)}. "
        "Nothing was loaded: load it again after the fix"
    )
