"""Item master and stock snapshot: parse, normalise and label rows that contradict themselves."""

from __future__ import annotations

import difflib

import pandas as pd
from jitjic.ingest.rules import (
    LineRules,
    clean_text,
    normalise_sku,
    parse_datetime,
    parse_number,
    too_large,
)

__all__ = ["ITEM_COLUMNS", "ITEM_UNITS", "STOCK_COLUMNS", "parse_items", "parse_stock", "unit_problems"]

_NO_LIMITS = LineRules()

# unit_cost: currency per unit; lead times: days; moq and pack_size: units; order_cost: currency
# per purchase order, freight included; holding_rate: share of unit cost per year; on_time_rate:
# share of deliveries on time (read where the lead-time spread is not known); policy_override:
# JIC or JIT whatever the rule says (blank: the rule); target_service_level: this item's target;
# obsolescence_rate: share of the stock's value lost per year it sits; backorder_share: share of
# unmet demand that waits for the supplier's delivery (the rest buys elsewhere); review_period_days:
# days between two orders to the supplier; max_wait_days: the longest its customers wait;
# shortage_cost: currency per unit short beyond the lost margin (a stopped machine)
ITEM_COLUMNS = (
    "sku",
    "description",
    "unit_cost",
    "supplier",
    "lead_time_days",
    "lead_time_std_days",
    "moq",
    "pack_size",
    "order_cost",
    "holding_rate",
    "on_time_rate",
    "policy_override",
    "target_service_level",
    "obsolescence_rate",
    "backorder_share",
    "review_period_days",
    "max_wait_days",
    "shortage_cost",
)
_NUMBERS = (
    "unit_cost",
    "lead_time_days",
    "lead_time_std_days",
    "moq",
    "pack_size",
    "order_cost",
    "holding_rate",
    "on_time_rate",
    "target_service_level",
    "obsolescence_rate",
    "backorder_share",
    "review_period_days",
    "max_wait_days",
    "shortage_cost",
)
# the units an item master may give a column in (ingest.item_units), the first being jitjic's
# own: lead times in days, weeks or months (a month = 365/12 days); the holding cost as a share of
# unit cost per year, or as money per unit and year ("per_unit_year", read over unit_cost)
ITEM_UNITS = {
    "lead_time_days": ("days", "weeks", "months"),
    "lead_time_std_days": ("days", "weeks", "months"),
    "holding_rate": ("share", "per_unit_year"),
}
_DAYS_PER = {"days": 1.0, "weeks": 7.0, "months": 365.0 / 12.0}
_UNIT_WORDS = {"days": "days", "weeks": "weeks", "months": "months", "per_unit_year": "money per unit and year"}
# columns where 0 means "none" -> the note a row gets when one is read so
_ZERO_MEANS_NONE = {"moq": "zero_moq", "pack_size": "zero_pack_size"}
# on_hand, on_order: units; snapshot_date: the day the counts were taken
STOCK_COLUMNS = ("sku", "on_hand", "on_order", "snapshot_date")


def _label(frame: pd.DataFrame, checks: list[tuple[str, pd.Series, str]]) -> pd.DataFrame:
    rule = pd.Series(pd.NA, index=frame.index, dtype="string")
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")
    for name, mask, why in checks:
        hit = mask.fillna(False).astype(bool) & rule.isna()
        rule[hit], reason[hit] = name, why
    dup = frame["sku"].duplicated(keep="last") & rule.isna()
    rule[dup], reason[dup] = "duplicate_sku", "SKU repeated later in the file; the last row wins"
    return frame.assign(rule=rule, reason=reason)


def unit_problems(units: dict[str, str] | None) -> str | None:
    """Why ``units`` (jitjic's item column -> the unit the file gives it in) is wrong, or None:
    a column that takes no unit, or a unit it cannot be given in, each with the closest name."""

    def closest_name(name: str, known: list[str]) -> str | None:
        close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
        return close[0] if close else None

    problems = []
    for col, unit in (units or {}).items():
        if col not in ITEM_UNITS:
            close = closest_name(col, list(ITEM_UNITS))
            hint = f" (did you mean {close}?)" if close else ""
            problems.append(f"{col!r}{hint} takes no unit; columns with a unit: {', '.join(ITEM_UNITS)}")
        elif unit not in ITEM_UNITS[col]:
            close = closest_name(str(unit), list(ITEM_UNITS[col]))
            hint = f" (did you mean {close}?)" if close else ""
            problems.append(f"{col} = {unit!r}{hint}: {col} is given in one of {', '.join(ITEM_UNITS[col])}")
    return "; ".join(problems) or None


def _in_jitjic_units(items: pd.DataFrame, units: dict[str, str]) -> pd.DataFrame:
    """Lead times in days and the holding cost as a share of unit cost per year, from the units
    ``units`` names (``ITEM_UNITS``); a holding cost per unit with no positive unit cost stays
    missing (``_label`` rejects the row)."""
    out = items.copy()
    for col in ("lead_time_days", "lead_time_std_days"):
        out[col] = out[col] * _DAYS_PER[units.get(col, "days")]
    if units.get("holding_rate") == "per_unit_year":
        out["holding_rate"] = out["holding_rate"] / out["unit_cost"].where(out["unit_cost"] > 0)
    return out


def parse_items(
    raw: pd.DataFrame,
    rules: LineRules = _NO_LIMITS,
    units: dict[str, str] | None = None,
    sources: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Item master rows; blank optional values stay missing (configured defaults apply later).

    A row with a negative lead time, spread, order cost, MOQ or pack size, a non-positive cost, a
    rate outside its range (a percentage where a share is meant) or a value beyond the ``rules``'
    limits is labelled in ``rule``/``reason`` and not used, so the item falls back to the
    defaults. An MOQ or pack size of 0 means none: it is read as missing and the row's ``note``
    says so (``zero_moq``, ``zero_pack_size``, comma-separated; missing when there is nothing to note).

    ``units`` (``ITEM_UNITS``: e.g. ``{"lead_time_days": "weeks", "holding_rate":
    "per_unit_year"}``) says what the file's values are in; they come out in jitjic's (days, a
    share per year), and the checks read the converted values. A holding cost per unit and year
    on a row without a positive unit cost is rejected (``no_unit_cost``). ``sources`` (jitjic's
    name -> the file's column) names the file's column in the reasons.
    """
    units = dict(units or {})
    why = unit_problems(units)
    if why:
        raise ValueError(f"ingest.item_units: {why}")

    def named(col: str) -> str:
        """How a reason names ``col``: jitjic's name, with the file's column and unit where they differ."""
        source = (sources or {}).get(col, col)
        unit = units.get(col, ITEM_UNITS.get(col, ("",))[0])
        notes = [f"column {source!r}"] if source != col else []
        notes += [f"in {_UNIT_WORDS[unit]}"] if unit in _UNIT_WORDS and unit != "days" else []
        return col + (f" ({', '.join(notes)})" if notes else "")

    items = pd.DataFrame({"source_row": raw["source_row"].astype("int64"), "sku": normalise_sku(raw["sku"])})
    items["description"] = clean_text(raw["description"])
    items["supplier"] = clean_text(raw["supplier"])
    items["policy_override"] = clean_text(raw["policy_override"]).str.upper()
    for col in _NUMBERS:
        items[col] = parse_number(raw[col], rules.decimal)
    given = {c: raw[c].notna() & (raw[c].astype("string").str.strip() != "") for c in raw.columns}
    checks = [("missing_sku", items["sku"].isna(), "no SKU")]
    for col in _NUMBERS:
        checks.append(("bad_number", given[col] & items[col].isna(), f"{named(col)} is not a finite number"))
    per_unit = units.get("holding_rate") == "per_unit_year"
    if per_unit:
        checks.append(
            (
                "no_unit_cost",
                items["holding_rate"].notna() & ~(items["unit_cost"] > 0),
                f"{named('holding_rate')} is read over unit_cost (ingest.item_units), and the row has no positive "
                "unit_cost",
            )
        )
    items = _in_jitjic_units(items, units)
    # exports write 0 for "no MOQ" or "no pack size": not given, so the default applies (a note,
    # not a reject: the row's cost and lead time are real)
    notes = pd.Series("", index=items.index, dtype="string")
    for col, note in _ZERO_MEANS_NONE.items():
        zero = (items[col] == 0).fillna(False).astype(bool)
        items[col] = items[col].mask(zero)
        notes = notes.mask(zero, notes + "," + note)
    items["note"] = notes.str.lstrip(",").replace("", pd.NA)
    checks += [
        ("non_positive_cost", items["unit_cost"] <= 0, "unit_cost must be positive"),
        ("negative_lead_time", items["lead_time_days"] < 0, f"{named('lead_time_days')} is negative"),
        ("negative_lead_time", items["lead_time_std_days"] < 0, f"{named('lead_time_std_days')} is negative"),
        ("non_positive_moq", items["moq"] < 0, "moq is negative (0 means none)"),
        ("non_positive_pack", items["pack_size"] < 0, "pack_size is negative (0 means none)"),
        ("negative_order_cost", items["order_cost"] < 0, "order_cost is negative"),
        ("bad_review_period", items["review_period_days"] <= 0, "review_period_days must be positive"),
        ("negative_wait", items["max_wait_days"] < 0, "max_wait_days is negative"),
        ("negative_shortage_cost", items["shortage_cost"] < 0, "shortage_cost is negative"),
        (
            "bad_rate",
            (items["holding_rate"] <= 0) | (items["holding_rate"] > 2),
            f"{named('holding_rate')} must be a share of unit cost per year in (0, 2], e.g. 0.25 for 25%"
            + (" (here: the cost per unit and year over unit_cost)" if per_unit else ""),
        ),
        (
            "bad_rate",
            (items["on_time_rate"] < 0) | (items["on_time_rate"] > 1),
            "on_time_rate must be a share between 0 and 1, e.g. 0.9 for 90%",
        ),
        (
            "bad_rate",
            (items["target_service_level"] < 0.5) | (items["target_service_level"] > 0.9999),
            "target_service_level must be a share between 0.5 and 0.9999, e.g. 0.95 for 95%",
        ),
        (
            "bad_rate",
            (items["obsolescence_rate"] < 0) | (items["obsolescence_rate"] > 1),
            "obsolescence_rate must be a share of value per year between 0 and 1, e.g. 0.2 for 20%",
        ),
        (
            "bad_rate",
            (items["backorder_share"] < 0) | (items["backorder_share"] > 1),
            "backorder_share must be a share between 0 and 1, e.g. 0.5 for half the customers waiting",
        ),
        (
            "bad_policy",
            items["policy_override"].notna() & ~items["policy_override"].isin(["JIC", "JIT"]),
            "policy_override must be JIC or JIT (blank: the class rule decides)",
        ),
    ]
    limits = [
        ("cost_too_large", "unit_cost", rules.max_unit_cost, "limits.max_unit_cost"),
        ("cost_too_large", "order_cost", rules.max_order_cost, "limits.max_order_cost"),
        ("lead_time_too_long", "lead_time_days", rules.max_lead_time_days, "limits.max_lead_time_days"),
        ("lead_time_too_long", "lead_time_std_days", rules.max_lead_time_days, "limits.max_lead_time_days"),
        ("lead_time_too_long", "review_period_days", rules.max_lead_time_days, "limits.max_lead_time_days"),
        ("lead_time_too_long", "max_wait_days", rules.max_lead_time_days, "limits.max_lead_time_days"),
        ("cost_too_large", "shortage_cost", rules.max_unit_cost, "limits.max_unit_cost"),
        ("moq_too_large", "moq", rules.max_moq, "limits.max_moq"),
        ("pack_too_large", "pack_size", rules.max_pack_size, "limits.max_pack_size"),
    ]
    checks += [
        (name, too_large(items[col], limit), f"{named(col)} is beyond {key} ({limit:g}{' days' * (col in units)})")
        for name, col, limit, key in limits
        if limit is not None
    ]
    return _label(items, checks)


def parse_stock(raw: pd.DataFrame, default_date: pd.Timestamp, rules: LineRules = _NO_LIMITS) -> pd.DataFrame:
    """Stock snapshot rows (units); ``snapshot_date`` defaults to ``default_date`` when absent.
    Counts are never negative nor beyond ``rules.max_stock``; a snapshot is not dated in the future
    (after ``rules.latest_date``) nor before ``rules.earliest_date``."""
    stock = pd.DataFrame({"source_row": raw["source_row"].astype("int64"), "sku": normalise_sku(raw["sku"])})
    stock["on_hand"] = parse_number(raw["on_hand"], rules.decimal)
    given_order = raw["on_order"].notna() & (raw["on_order"].astype("string").str.strip() != "")
    on_order = parse_number(raw["on_order"], rules.decimal)
    stock["on_order"] = on_order.fillna(0.0)
    dates = parse_datetime(raw["snapshot_date"], "ISO8601")
    stock["snapshot_date"] = dates.fillna(default_date).dt.normalize()
    given_date = raw["snapshot_date"].notna() & (raw["snapshot_date"].astype("string").str.strip() != "")
    never = pd.Series(False, index=stock.index)
    checks = [
        ("missing_sku", stock["sku"].isna(), "no SKU"),
        ("bad_number", stock["on_hand"].isna(), "on_hand is missing or not a finite number"),
        ("bad_number", given_order & on_order.isna(), "on_order is not a finite number"),
        ("bad_date", given_date & dates.isna(), "snapshot_date is not a valid date"),
        (
            "future_date",
            stock["snapshot_date"] > rules.latest_date if rules.latest_date is not None else never,
            "snapshot_date is in the future",
        ),
        (
            "too_old",
            stock["snapshot_date"] < rules.earliest_date if rules.earliest_date is not None else never,
            "snapshot_date is before ingest.min_date",
        ),
        ("negative_on_hand", stock["on_hand"] < 0, "on_hand is negative"),
        ("negative_on_order", stock["on_order"] < 0, "on_order is negative"),
        (
            "stock_too_large",
            too_large(stock["on_hand"], rules.max_stock) | too_large(stock["on_order"], rules.max_stock),
            f"on_hand or on_order is beyond limits.max_stock ({rules.max_stock or 0:g})",
        ),
    ]
    return _label(stock, checks)
