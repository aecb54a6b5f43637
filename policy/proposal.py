"""The order proposal a buyer triages: when each item must be ordered, how long its stock lasts,
and how urgent it is, from the stock count, what is on order and the forecast."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

__all__ = ["URGENCY", "order_proposal"]

# most urgent first: the order should have gone out already, it is due today, due within the
# week, or later
URGENCY = ("overdue", "today", "this week", "later")


def _first_at_or_below(cum_position: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per row, the first step (0 = now) at which the position is at or below ``level``, with
    linear interpolation between steps; inf when it never is within the horizon."""
    n, steps = cum_position.shape
    below = cum_position <= level[:, None]
    first = np.where(below.any(axis=1), below.argmax(axis=1), -1)
    out = np.full(n, np.inf)
    now = first == 0
    out[now] = 0.0
    later = first > 0
    rows = np.flatnonzero(later)
    j = first[later]
    before, after = cum_position[rows, j - 1], cum_position[rows, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(before > after, (before - level[rows]) / (before - after), 1.0)
    out[later] = j - 1 + np.clip(frac, 0.0, 1.0)
    return out


def order_proposal(
    recommendations: pd.DataFrame, forecast: pd.DataFrame, as_of: date, period_days: float = 7.0
) -> pd.DataFrame:
    """Per SKU with a stock count: ``order_by`` (the date its position, given the forecast, falls
    to its reorder point: at or below it today means today), ``days_until_stockout`` (days the
    stock on hand lasts at the forecast, ignoring what is on order; inf beyond the horizon),
    ``urgency`` (overdue: due, and even with what is on order the shelf runs empty before an
    order placed today can arrive; today; this week; later) and ``due_today``.

    recommendations: ``sku, policy, on_hand, on_order, reorder_point, order_up_to,
    lead_time_days`` (units, days); forecast: ``sku, step, mean`` (units per period, step 1 =
    the period after ``as_of``). A JIT item is due when its position is a unit below its level.
    """
    recs = recommendations.reset_index(drop=True)
    wide = forecast.pivot_table(index="sku", columns="step", values="mean", aggfunc="first").sort_index(axis=1)
    demand = wide.reindex(recs["sku"]).fillna(0.0).clip(lower=0).to_numpy(float)
    on_hand = recs["on_hand"].to_numpy(float)
    position = on_hand + recs["on_order"].fillna(0).to_numpy(float)
    cum = np.cumsum(np.c_[np.zeros(len(recs)), demand], axis=1)  # demand from now to the end of step k
    jic = (recs["policy"] == "JIC").to_numpy()
    trigger = np.where(jic, recs["reorder_point"].to_numpy(float), recs["order_up_to"].to_numpy(float) - 1.0)
    live = (recs["policy"] != "PHASE_OUT").to_numpy() & ~np.isnan(on_hand) & (demand.sum(axis=1) > 0)
    due_in = _first_at_or_below(np.nan_to_num(position)[:, None] - cum, trigger)
    empty_in = _first_at_or_below(np.nan_to_num(on_hand)[:, None] - cum, np.full(len(recs), 0.0))
    # what is on order was placed earlier, so it lands before an order placed today would
    short_in = _first_at_or_below(np.nan_to_num(position)[:, None] - cum, np.full(len(recs), 0.0))
    due_days = np.where(live, due_in * period_days, np.inf)
    stockout_days = np.where(live, empty_in * period_days, np.inf)
    lead = recs["lead_time_days"].to_numpy(float)
    urgency = np.select(
        [due_days <= 0, due_days <= 7.0, np.isfinite(due_days)],
        [np.where(np.where(live, short_in * period_days, np.inf) < lead, "overdue", "today"), "this week", "later"],
        default="later",
    )
    order_by = [as_of + timedelta(days=float(np.ceil(d))) if np.isfinite(d) else None for d in due_days]
    return pd.DataFrame(
        {
            "sku": recs["sku"],
            "order_by": order_by,
            "days_until_stockout": np.where(np.isfinite(stockout_days), stockout_days, np.nan),
            "urgency": np.where(live, urgency, None),  # type: ignore[call-overload]  # numpy stubs: no object where
            "due_today": live & (due_days <= 0),
        }
    )
