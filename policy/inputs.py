"""One row per SKU with everything the plan needs: classes, forecast, item master, stock, and the
configured defaults where the item master is silent (and a note saying what was assumed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.policy.costs import shortage_cost
from jitjic.policy.params import PolicyParams

__all__ = [
    "ITEM_DEFAULTS",
    "expected_wait_days",
    "item_inputs",
    "joined_notes",
    "protection_horizon",
    "review_periods_of",
]

# item-master columns the plan reads; absent ones are treated as blank
ITEM_DEFAULTS = (
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
    "avg_price",
    "description",
)


def _on_time_lead_times(lead_days, on_time_rate, late_days):
    """Lead time (days) of a supplier on time with probability ``on_time_rate`` and otherwise
    ``late_days`` late: (mean, std) = (L + (1 - r)·D, D·sqrt(r·(1 - r)))."""
    r = np.clip(np.asarray(on_time_rate, float), 0.0, 1.0)
    return np.asarray(lead_days, float) + (1 - r) * late_days, late_days * np.sqrt(r * (1 - r))


def item_inputs(
    classes: pd.DataFrame, forecast: pd.DataFrame, items: pd.DataFrame, stock: pd.DataFrame | None, p: PolicyParams
) -> tuple[pd.DataFrame, list[tuple[np.ndarray, str]]]:
    """(rows, notes): the SKUs of both ``classes`` and ``forecast`` with the item master and
    stock joined and every gap filled; notes are (rows, text) pairs of what was assumed.

    ``forecast`` may carry ``season_ending``, ``season_end_periods`` and ``season_demand`` (the
    forecast demand until the season ends, units). Adds ``lost_margin`` (currency per unit a
    customer does not wait for, the item's ``shortage_cost`` included), ``waiting_cost`` (per unit
    and day a customer waits: waiting_cost_per_day x price) and ``supplier_group`` (integer; each
    SKU of unknown supplier alone in its group). ``backorder_share`` is 0 where the expected wait
    (lead time + half a review, ``expected_wait_days``) exceeds ``max_wait_days``."""
    season = [c for c in ("season_ending", "season_end_periods", "season_demand") if c in forecast]
    out = classes.merge(forecast[["sku", "model", "mean", "sigma", *season]], on="sku", how="inner")
    out = out.merge(items, on="sku", how="left")
    for col in ITEM_DEFAULTS:
        if col not in out:
            out[col] = np.nan
    notes = []
    abc = out["abc"].astype(str)
    # an on-time rate stands in for a missing spread: late deliveries come late_delivery_days late
    rated = (out["lead_time_std_days"].isna() & out["on_time_rate"].notna()).to_numpy()
    fills = {
        "unit_cost": (out["avg_price"] * p.default_cost_ratio, f"unit cost = {p.default_cost_ratio:.0%} of price"),
        "lead_time_days": (p.default_lead_time_days, f"lead time {p.default_lead_time_days:g} d"),
        "lead_time_std_days": (p.default_lead_time_std_days, f"lead-time spread {p.default_lead_time_std_days:g} d"),
        "moq": (p.default_moq, None),
        "pack_size": (p.default_pack_size, None),
        "order_cost": (p.order_cost, f"order cost {p.order_cost:,.2f}"),
        "holding_rate": (p.holding_rate, f"holding {p.holding_rate:.0%}/yr"),
        "obsolescence_rate": (abc.map(p.obsolescence_rate).astype(float), None),
        "backorder_share": (abc.map(p.backorder_share).astype(float), None),
        "max_wait_days": (abc.map(p.max_wait_days).astype(float), None),
        "shortage_cost": (abc.map(p.shortage_cost).astype(float), None),
    }
    for col, (default, note) in fills.items():
        missing = out[col].isna().to_numpy()
        if col == "lead_time_std_days":
            missing &= ~rated
        out[col] = out[col].where(~missing, default)
        if note:
            notes.append((missing, note))
    if rated.any():
        mean, std = _on_time_lead_times(out["lead_time_days"], out["on_time_rate"], p.late_delivery_days)
        out["lead_time_days"] = out["lead_time_days"].where(~rated, mean)
        out["lead_time_std_days"] = out["lead_time_std_days"].where(~rated, std)
        said = out["on_time_rate"].map(lambda r: f"{r:.0%}" if pd.notna(r) else "")
        notes.append(
            (
                rated,
                (
                    "lead time and spread from " + said + f" on time (late ones {p.late_delivery_days:g} d late)"
                ).to_numpy(),
            )
        )
    out["unit_cost"] = out["unit_cost"].fillna(0.0)
    out["obsolescence_rate"] = out["obsolescence_rate"].fillna(0.0)
    out["backorder_share"] = out["backorder_share"].fillna(0.0)
    if p.unmet_demand_share is not None:
        out["backorder_share"] = float(p.unmet_demand_share)
    else:  # a customer who would wait longer than he tolerates buys elsewhere
        wait = pd.Series(
            expected_wait_days(out["lead_time_days"], review_periods_of(out, p), p.period_days), index=out.index
        )
        out["backorder_share"] = out["backorder_share"].where(~(wait > out["max_wait_days"].fillna(np.inf)), 0.0)
    price = out["avg_price"].to_numpy(float)
    cost = out["unit_cost"].to_numpy(float)
    penalty = out["shortage_cost"].fillna(0.0).to_numpy(float)
    out["shortage_cost"] = penalty
    out["lost_margin"] = shortage_cost(price, cost, p.default_cost_ratio) + penalty
    known_price = np.where(np.isnan(price), cost / p.default_cost_ratio, price)
    out["waiting_cost"] = p.waiting_cost_per_day * known_price
    supplier = out["supplier"].astype(object).where(out["supplier"].notna(), None).to_numpy()
    named = pd.Series(supplier).notna().to_numpy()
    codes = pd.factorize(pd.Series(supplier[named]))[0] if named.any() else np.array([], int)
    group = np.arange(len(out)) + (codes.max(initial=-1) + 1)
    group[named] = codes
    out["supplier_group"] = group

    if stock is not None and len(stock):
        out = out.merge(stock[["sku", "on_hand", "on_order"]], on="sku", how="left")
    else:
        out["on_hand"], out["on_order"] = np.nan, np.nan
    notes.append((out["on_hand"].isna().to_numpy(), "no stock count"))
    return out, notes


def review_periods_of(base: pd.DataFrame, p: PolicyParams) -> np.ndarray:
    """Whole periods between two reviews per row: the item master's ``review_period_days`` (a
    supplier's order cycle) where given, else the policy's (one planning period by default)."""
    own = base["review_period_days"] if "review_period_days" in base else pd.Series(np.nan, index=base.index)
    return p.review_periods(own.to_numpy(float))


def expected_wait_days(lead_days, review_periods, period_days: float) -> np.ndarray:
    """Days a customer of an item out of stock is expected to wait when nothing is on its way: its
    lead time (days) and half a review (``review_periods`` of ``period_days``: the order goes out
    at the next review). The plan's wait for an item bought on request, and what the customers'
    tolerance is held to."""
    return np.asarray(lead_days, float) + np.asarray(review_periods, float) * period_days / 2


def joined_notes(notes: list[tuple[np.ndarray, str]], n: int) -> np.ndarray:
    """Per row, the notes whose rows include it, joined by "; " (None when there are none)."""
    text = np.full(n, "", dtype=object)
    for rows, note in notes:
        text = np.where(rows, np.where(text == "", note, text + "; " + note), text)
    return np.where(text == "", None, text)  # type: ignore[call-overload,arg-type]  # numpy stubs: no object-array where


def protection_horizon(items: pd.DataFrame, ids: np.ndarray | list[str], params: PolicyParams, limit: int = 52) -> int:
    """Periods of the longest lead time + review period among ``ids`` (default lead time and
    review period where the item master has none), at most ``limit``."""
    master = items.set_index("sku")

    def column(name: str) -> np.ndarray:
        return (master[name].reindex(ids) if name in master else pd.Series(np.nan, index=ids)).to_numpy(float)

    days = np.nan_to_num(column("lead_time_days"), nan=params.default_lead_time_days)
    periods = days / params.period_days + params.review_periods(column("review_period_days"))
    longest = periods.max(initial=params.default_lead_time_days / params.period_days + params.review_periods()[0])
    return int(min(np.ceil(longest - 1e-9), limit))
