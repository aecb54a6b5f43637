"""Explicit rules that decide which order lines are demand; each rejected line names its rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from jitjic.ingest.grain import period_totals

__all__ = [
    "RULES",
    "LINE_IDENTITY",
    "LineRules",
    "apply_line_rules",
    "repeats_are_sales",
    "normalise_sku",
    "too_large",
    "clean_text",
    "parse_number",
    "parse_datetime",
    "line_grain",
    "coarser_totals",
    "judge_grain",
]

# in the order they are applied: a line is rejected by the first rule it breaks
RULES = (
    "missing_sku",
    "bad_date",
    "future_date",
    "too_old",
    "bad_quantity",
    "quantity_too_large",
    "bad_price",
    "price_too_large",
    "non_product_code",
    "cancellation",
    "non_positive_quantity",
    "non_positive_price",
    "duplicate_line",
)

# fields that identify one order line; an exact repeat within a file is a duplicate
LINE_IDENTITY = ("order_id", "sku", "ordered_at", "quantity", "unit_price", "customer_id")


@dataclass(frozen=True)
class LineRules:
    """What counts as demand.

    returns: "exclude" rejects cancellations (demand = gross sales); "net" keeps cancellation
    lines with negative quantity so they net the demand of their period.
    """

    returns: str = "exclude"
    # the demand period (day, week, month) lines are judged against, and whether they are dated
    # sales ("line"), period totals ("period": one line per SKU and period, dated on its first
    # day) or either, as the file shows ("auto", see ``line_grain``). In period totals a zero
    # quantity is a period without demand: kept, not rejected
    period: str = "week"
    grain: str = "auto"
    cancellation_prefix: str | None = "C"
    non_product_codes: tuple[str, ...] = ()
    product_code_pattern: str | None = None
    date_format: str = "ISO8601"
    # lines dated after this are typos or test data, not demand (None: no limit)
    latest_date: pd.Timestamp | None = None
    # lines dated before this, or more than max_history_years before the newest line of the file
    # or of ``newest_known`` (the warehouse's), are typos such as 1900 (None: no limit)
    earliest_date: pd.Timestamp | None = None
    max_history_years: int | None = None
    newest_known: pd.Timestamp | None = None
    # "." or ",": the decimal mark of numbers written as text
    decimal: str = "."
    # sanity limits, None: no limit. Units per line (either sign) and currency per unit; the
    # item master's costs (currency), lead times (days), MOQ and pack size (units); stock (units)
    max_quantity: float | None = None
    max_unit_price: float | None = None
    max_unit_cost: float | None = None
    max_order_cost: float | None = None
    max_lead_time_days: float | None = None
    max_moq: float | None = None
    max_pack_size: float | None = None
    max_stock: float | None = None
    # a file whose rows one settings-mistake rule rejects in more than this share is refused
    refuse_share: float = 1.0

    def oldest_allowed(self, newest: pd.Timestamp | None) -> pd.Timestamp | None:
        """The earliest date accepted, given the newest date seen (None: no limit)."""
        bounds: list[pd.Timestamp] = [self.earliest_date] if self.earliest_date is not None else []
        anchors = [pd.Timestamp(d) for d in (newest, self.newest_known) if d is not None and pd.notna(d)]
        if self.max_history_years and anchors:
            bounds.append(max(anchors) - pd.DateOffset(years=self.max_history_years))
        return max(bounds) if bounds else None


_STR = "string[pyarrow]"


def normalise_sku(sku: pd.Series) -> pd.Series:
    """Trim, collapse inner blanks and upper-case: ``15056bl`` and ``15056BL`` are one item."""
    text = sku.astype(_STR).str.strip().str.replace(r"\s+", " ", regex=True).str.upper()
    return text.mask(text == "")


def clean_text(col: pd.Series) -> pd.Series:
    out = col.astype(_STR).str.strip()
    return out.mask(out == "")


# with decimal = ",": 1.234,5 (a point groups thousands) or 2,55; a point anywhere else, as in
# 2.55, means the file does not write decimal commas: not a number, rather than 255
_COMMA_NUMBER = r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d*)?(?:[eE][+-]?\d+)?$"


def parse_number(col: pd.Series, decimal: str = ".") -> pd.Series:
    if pd.api.types.is_bool_dtype(col):
        col = col.astype("float64")
    if not pd.api.types.is_numeric_dtype(col):
        col = clean_text(col)
        if decimal == ",":
            col = col.where(col.str.fullmatch(_COMMA_NUMBER).fillna(False).astype(bool))
            col = col.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    values = pd.to_numeric(col, errors="coerce").astype("float64")
    return values.where(np.isfinite(values))


# a UTC offset or Z after an ISO time: the local wall-clock time is the order's time
_OFFSET = r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:Z|[+-]\d{2}:?\d{2})$"


def parse_datetime(col: pd.Series, date_format: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        return col.dt.tz_localize(None) if col.dt.tz is not None else col
    text = clean_text(col)
    if date_format == "ISO8601":
        text = text.str.replace(_OFFSET, r"\1", regex=True)
    return pd.to_datetime(text.astype(object), format=date_format, errors="coerce")


def too_large(values: pd.Series, limit: float | None) -> pd.Series:
    """True where ``|values|`` exceeds ``limit`` (never with no limit)."""
    return values.abs() > limit if limit is not None else pd.Series(False, index=values.index)


def repeats_are_sales(lines: pd.DataFrame) -> bool:
    """True when ``lines`` carry no order id at all (no such column, or all blank): nothing then
    tells two identical lines apart, so each is a sale of its own, not a repeat of the other."""
    return not bool(clean_text(lines["order_id"]).notna().any())


def line_grain(raw: pd.DataFrame, rules: LineRules) -> str:
    """``rules.grain`` when it is "line" or "period"; with "auto", "period" when the lines with a
    SKU, a date and a number for quantity are period totals of ``rules.period``
    (``grain.period_totals``), else "line". In: raw canonical columns, as ``apply_line_rules``."""
    return judge_grain(raw, rules)[0]


def coarser_totals(raw: pd.DataFrame, rules: LineRules) -> str | None:
    """A period coarser than ``rules.period`` (week or month) whose totals the lines are: a
    monthly export loaded with ``demand.period = "week"`` reads as sales whose zeros are
    rejected, at "day" as one spike a month, which a hint should say. None otherwise."""
    return judge_grain(raw, rules)[1]


def judge_grain(raw: pd.DataFrame, rules: LineRules) -> tuple[str, str | None]:
    """(``line_grain``, ``coarser_totals``), the lines parsed once for both."""
    if rules.grain != "auto":
        return rules.grain, None
    sku = normalise_sku(raw["sku"])
    dates = parse_datetime(raw["ordered_at"], rules.date_format)
    usable = sku.notna() & dates.notna() & parse_number(raw["quantity"], rules.decimal).notna()
    sku, dates = sku[usable], dates[usable]
    grain = "period" if period_totals(sku, dates, rules.period) else "line"
    # a monthly file at a daily grain is day totals too: one spike and 29 zeros a month
    order = ("day", "week", "month")
    coarser = order[order.index(rules.period) + 1 :] if rules.period in order else ()
    return grain, next((p for p in reversed(coarser) if period_totals(sku, dates, p)), None)


def apply_line_rules(raw: pd.DataFrame, rules: LineRules) -> pd.DataFrame:
    """Normalise raw canonical columns and label each line with the first rule it breaks.

    In: canonical columns (text or typed) and ``source_row``. Out: the same rows with
    ``order_id, sku, description, ordered_at (timestamp), quantity (units), unit_price
    (currency per unit), customer_id, country, source_row`` normalised, plus ``rule`` (missing
    for accepted lines) and ``reason`` (plain words quoting the offending value). Where the lines
    are period totals (``line_grain``) a zero quantity is a period without demand, accepted; a
    negative one is rejected as in dated sales (or netted, as returns say). An exact repeat
    of an earlier line is rejected ``duplicate_line``, unless the file carries no order ids
    (``repeats_are_sales``): identical lines are then separate sales.
    """
    out = pd.DataFrame(
        {
            "source_row": raw["source_row"].astype("int64"),
            "order_id": clean_text(raw["order_id"]),
            "sku": normalise_sku(raw["sku"]),
            "description": clean_text(raw["description"]),
            "ordered_at": parse_datetime(raw["ordered_at"], rules.date_format),
            "quantity": parse_number(raw["quantity"], rules.decimal),
            "unit_price": parse_number(raw["unit_price"], rules.decimal),
            # ERP exports often write integer ids as floats ("17850.0")
            "customer_id": clean_text(raw["customer_id"]).str.replace(r"\.0$", "", regex=True),
            "country": clean_text(raw["country"]),
        }
    )
    rule = np.full(len(out), None, dtype=object)
    reason = np.full(len(out), None, dtype=object)

    def flag(name: str, mask: pd.Series, why: Callable[[pd.Series], pd.Series] | str) -> None:
        hit = mask.fillna(False).to_numpy(dtype=bool) & pd.isna(rule)
        if not hit.any():
            return
        rule[hit] = name
        # reasons are built for the flagged rows only: most rows pass every rule
        reason[hit] = why if isinstance(why, str) else why(pd.Series(hit, index=out.index)).to_numpy(dtype=object)

    def quoted(col: str) -> Callable[[pd.Series], pd.Series]:
        return lambda hit: "'" + raw.loc[hit, col].astype(str).fillna("") + "'"

    def shown(col: str) -> Callable[[pd.Series], pd.Series]:
        return lambda hit: out.loc[hit, col].astype(str)

    price_text = (
        clean_text(raw["unit_price"]) if not pd.api.types.is_numeric_dtype(raw["unit_price"]) else raw["unit_price"]
    )
    price_given = price_text.notna()
    is_cancel = pd.Series(False, index=out.index)
    if rules.cancellation_prefix:
        prefix = rules.cancellation_prefix.upper()
        is_cancel = out["order_id"].str.upper().str.startswith(prefix).fillna(False).astype(bool)

    flag("missing_sku", out["sku"].isna(), "no SKU / stock code")
    flag("bad_date", out["ordered_at"].isna(), lambda h: "date " + quoted("ordered_at")(h) + " is not a valid date")
    if rules.latest_date is not None:
        flag(
            "future_date",
            out["ordered_at"] > rules.latest_date,
            lambda h: "date " + shown("ordered_at")(h) + f" is after {rules.latest_date:%Y-%m-%d}",
        )
    oldest = rules.oldest_allowed(out.loc[pd.isna(rule), "ordered_at"].max())
    if oldest is not None:
        flag(
            "too_old",
            out["ordered_at"] < oldest,
            lambda h: (
                "date " + shown("ordered_at")(h) + f" is before {oldest:%Y-%m-%d} (ingest.min_date, "
                "ingest.max_history_years)"
            ),
        )
    flag(
        "bad_quantity",
        out["quantity"].isna(),
        lambda h: "quantity " + quoted("quantity")(h) + " is not a finite number",
    )
    flag(
        "quantity_too_large",
        too_large(out["quantity"], rules.max_quantity),
        lambda h: "quantity " + shown("quantity")(h) + f" is beyond limits.max_quantity ({rules.max_quantity:g})",
    )
    flag(
        "bad_price",
        price_given & out["unit_price"].isna(),
        lambda h: "unit price " + quoted("unit_price")(h) + " is not a finite number",
    )
    flag(
        "price_too_large",
        too_large(out["unit_price"], rules.max_unit_price),
        lambda h: (
            "unit price " + shown("unit_price")(h) + f" is beyond limits.max_unit_price ({rules.max_unit_price:g})"
        ),
    )
    codes = {c.upper() for c in rules.non_product_codes}
    non_product = out["sku"].isin(codes).fillna(False).astype(bool)
    if rules.product_code_pattern:
        non_product |= ~out["sku"].str.contains(rules.product_code_pattern, regex=True).fillna(True).astype(bool)
    flag(
        "non_product_code",
        non_product,
        lambda h: "code " + shown("sku")(h) + " is a fee, postage or adjustment, not a product",
    )
    if rules.returns == "exclude":
        flag("cancellation", is_cancel, lambda h: "cancelled order " + shown("order_id")(h) + " (returns are excluded)")
    else:
        flag(
            "cancellation",
            is_cancel & (out["quantity"] > 0),
            lambda h: "cancelled order " + shown("order_id")(h) + " has a positive quantity",
        )
    totals = line_grain(raw, rules) == "period"
    # a period total carries no order id to mark a cancellation: a negative one is the period's
    # returns in excess of its demand, netted like a cancellation when returns are
    accepted_return = (is_cancel | totals) & (out["quantity"] < 0) & (rules.returns == "net")
    # a zero week in a file of weekly totals is data (the item was not asked for); a zero order
    # line in dated sales sells nothing and is a bad row
    no_demand_period = (out["quantity"] == 0) & totals
    flag(
        "non_positive_quantity",
        (out["quantity"] <= 0) & ~accepted_return & ~no_demand_period,
        lambda h: "quantity " + shown("quantity")(h) + " is not positive",
    )
    flag(
        "non_positive_price",
        out["unit_price"] <= 0,
        lambda h: "unit price " + shown("unit_price")(h) + " is not positive",
    )
    candidates = out.loc[pd.isna(rule), list(LINE_IDENTITY) + ["source_row"]]
    dup = candidates.duplicated(subset=list(LINE_IDENTITY), keep="first")
    if dup.any() and not repeats_are_sales(out):
        first = candidates.groupby(list(LINE_IDENTITY), dropna=False)["source_row"].transform("min")
        flag(
            "duplicate_line",
            dup.reindex(out.index, fill_value=False),
            lambda h: "exact repeat of row " + first.reindex(out.index)[h].astype("int64").astype(str),
        )
    out["rule"] = pd.Series(rule, index=out.index, dtype=_STR)
    out["reason"] = pd.Series(reason, index=out.index, dtype=_STR)
    return out
