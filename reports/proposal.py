"""The order proposal a buyer triages: the lines due (overdue, today, this week) per supplier,
most urgent first, then by value."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.policy.inventory import replenishment_qty

__all__ = [
    "URGENCY_RANK",
    "NO_SUPPLIER",
    "proposal_lines",
    "fair_share",
    "due_today",
    "by_supplier",
    "whole_units",
    "whole_days",
]

# most urgent first (policy.order_proposal's labels); a line due today is overdue when the shelf
# runs empty before an order placed today can arrive
URGENCY_RANK = {"overdue": 0, "today": 1, "this week": 2, "later": 3}
NO_SUPPLIER = "(no supplier in the item master)"


def whole_units(values) -> np.ndarray:
    """Units as whole numbers, rounded up (a level of 56.2 units is 57 units): what a buyer can
    count and order. A float's noise (57.0000001) does not add a unit."""
    return np.ceil(np.asarray(values, float) - 1e-6)


def whole_days(values) -> np.ndarray:
    """Days a stock lasts as whole days, rounded down (0.4 days is 0: it does not last a day),
    the same in the mail, the workbook and the CSV. A float's noise (2.9999999) does not lose one."""
    return np.floor(np.asarray(values, float) + 1e-6)


def proposal_lines(recommendations: pd.DataFrame) -> pd.DataFrame:
    """One line per SKU due today (``reorder_now``: overdue or today) or due this week, with
    ``supplier`` (never missing), ``urgency``, ``qty`` (whole units: today's order, already
    rounded to MOQ and pack; for a line due later this week what the policy orders once the
    position reaches its trigger, rounded to ``moq`` and ``pack_size`` where known) and
    ``value`` (currency), sorted per supplier (the supplier with the most urgent line first, then
    the larger value), then by urgency, value (largest first) and SKU. Other columns are kept."""
    recs = recommendations
    urgency = recs["urgency"].where(recs["urgency"].isin(list(URGENCY_RANK)), None)
    # reorder_now is "due today": a due line the projection calls later is still due today
    urgency = urgency.where(~recs["reorder_now"] | urgency.isin(["overdue", "today"]), "today")
    chosen = recs["reorder_now"] | (urgency == "this week")
    lines = recs[chosen].copy()
    lines["urgency"] = urgency[chosen]
    lines["supplier"] = lines["supplier"].fillna(NO_SUPPLIER)
    lines["due_today"] = lines["reorder_now"].astype(bool)
    planned = _planned_qty(lines)
    lines["qty"] = whole_units(np.where(lines["due_today"], lines["reorder_qty"], planned))
    lines["value"] = lines["qty"] * lines["unit_cost"]
    lines["rank"] = lines["urgency"].map(URGENCY_RANK)
    first = lines.groupby("supplier").agg(supplier_rank=("rank", "min"), supplier_value=("value", "sum"))
    lines = lines.join(first, on="supplier")
    lines = lines.sort_values(
        ["supplier_rank", "supplier_value", "supplier", "rank", "value", "sku"],
        ascending=[True, False, True, True, False, True],
        kind="mergesort",
    )
    return lines.drop(columns=["rank", "supplier_rank", "supplier_value"]).reset_index(drop=True)


def fair_share(lines: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most ``limit`` of ``proposal_lines``' lines to show, in their order: every supplier its
    fair share (``limit`` // suppliers, at least one while the limit lasts: the suppliers in the
    proposal's order), its most urgent lines first; what the shares leave goes to the most urgent
    lines overall (overdue first, then the larger value). One supplier with many lines no longer
    hides the others."""
    if len(lines) <= limit:
        return lines
    at = lines.groupby("supplier", sort=False).cumcount().to_numpy()  # the line's place in its supplier
    suppliers = lines["supplier"].drop_duplicates()
    share = max(1, limit // max(len(suppliers), 1))
    picked = at < share
    if picked.sum() > limit:  # more suppliers than lines to show: the first line of the first ones
        first = lines["supplier"].isin(suppliers.iloc[:limit]).to_numpy()
        picked = first & (at == 0)
    left = limit - int(picked.sum())
    if left > 0:
        rest = lines[~picked].assign(rank=lambda f: f["urgency"].map(URGENCY_RANK))
        more = rest.sort_values(["rank", "value"], ascending=[True, False], kind="mergesort").index[:left]
        picked = picked | lines.index.isin(more)
    return lines[picked]


def _planned_qty(lines: pd.DataFrame) -> np.ndarray:
    """The order each line gets once its position falls to its trigger (the reorder point; a JIT
    item's order-up-to level less a unit): policy.inventory's own rule."""
    if "order_qty" not in lines:
        return lines["reorder_qty"].to_numpy(float)
    jic = (lines["policy"] == "JIC").to_numpy()
    rop, level = lines["reorder_point"].to_numpy(float), lines["order_up_to"].to_numpy(float)
    ones = pd.Series(1.0, index=lines.index)
    return replenishment_qty(
        jic,
        np.where(jic, rop, level - 1.0),
        rop,
        level,
        lines["order_qty"].to_numpy(float),
        lines.get("moq", ones).fillna(1.0).to_numpy(float),
        lines.get("pack_size", ones).fillna(1.0).to_numpy(float),
    )


def due_today(lines: pd.DataFrame) -> pd.DataFrame:
    """The lines of ``proposal_lines`` due today (overdue or today), in the same order."""
    return lines[lines["due_today"]].reset_index(drop=True)


def by_supplier(lines: pd.DataFrame) -> pd.DataFrame:
    """Per supplier in the proposal's order: lines, overdue, today, this week, value (currency)
    and value due today (one purchase order each)."""
    if lines.empty:
        return pd.DataFrame(columns=["supplier", "lines", "overdue", "today", "this_week", "value", "value_today"])
    grouped = lines.groupby("supplier", sort=False)
    return pd.DataFrame(
        {
            "lines": grouped.size(),
            "overdue": grouped["urgency"].agg(lambda u: int((u == "overdue").sum())),
            "today": grouped["urgency"].agg(lambda u: int((u == "today").sum())),
            "this_week": grouped["urgency"].agg(lambda u: int((u == "this week").sum())),
            "value": grouped["value"].sum(),
            "value_today": grouped.apply(lambda g: float(g.loc[g["due_today"], "value"].sum()), include_groups=False),
        }
    ).reset_index()
