"""Exceptions a buyer should look at, each with the rule that raised it and the money at stake."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["ExceptionRules", "EXCEPTIONS", "exceptions", "per_item"]

EXCEPTIONS = (
    "stock-out before the next receipt",
    "excess stock",
    "too much on order",
    "buffer out of proportion",
    "season ending",
    "policy changed",
)


@dataclass(frozen=True)
class ExceptionRules:
    """excess_weeks: stock on hand beyond the order-up-to level plus this many weeks of demand
    is excess; buffer_weeks: a safety stock above this many weeks of mean demand is out of
    proportion (periods of ``period_days``)."""

    excess_weeks: float = 8.0
    buffer_weeks: float = 10.0
    period_days: float = 7.0


def exceptions(
    recs: pd.DataFrame, rules: ExceptionRules = ExceptionRules(), previous: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per SKU and exception: ``sku, exception, rule, money_at_stake, detail``, the
    largest sums first.

    recs: recommendations with ``days_until_stockout`` (``policy.proposal``) and optionally
    ``season_ending``; previous: last run's ``sku, policy, capital_tied_up``. Money at stake:
    the stock's value for excess and for too much on order or buffer; the margin on the demand
    the shelf cannot serve before an order placed today arrives; the change in capital for a
    changed policy; the stock's value for a season ending."""
    r = recs.reset_index(drop=True)
    weeks = 7.0 / rules.period_days  # periods in a week
    d = r["mean_demand"].to_numpy(float)
    cost = r["unit_cost"].to_numpy(float)
    on_hand = r["on_hand"].to_numpy(float)
    on_order = r["on_order"].fillna(0).to_numpy(float)
    live = (r["policy"] != "PHASE_OUT").to_numpy()
    margin = np.maximum(r.get("shortage_cost_year", pd.Series(0.0, index=r.index)).to_numpy(float), 0)
    short_unit = np.where(
        r.get("expected_units_short", pd.Series(0.0, index=r.index)).to_numpy(float) > 0,
        margin / np.maximum(r.get("expected_units_short", pd.Series(1.0, index=r.index)).to_numpy(float), 1e-9),
        cost * 2 / 3,
    )
    found = []

    def add(mask, name, rule, money, detail):
        mask = np.asarray(mask, bool) & np.isfinite(money)
        if mask.any():
            found.append(
                pd.DataFrame(
                    {
                        "sku": r.loc[mask, "sku"].to_numpy(),
                        "exception": name,
                        "rule": rule,
                        "money_at_stake": np.asarray(money)[mask],
                        "detail": np.asarray(detail, dtype=object)[mask],
                    }
                )
            )

    lead = r["lead_time_days"].to_numpy(float)
    days = r["days_until_stockout"].to_numpy(float) if "days_until_stockout" in r else np.full(len(r), np.nan)
    gap_days = np.maximum(lead - days, 0.0)
    unserved = d / rules.period_days * gap_days
    add(
        live & (d > 0) & (days < lead),
        EXCEPTIONS[0],
        "stock on hand runs out before an order placed today arrives",
        unserved * short_unit,
        [
            f"on hand lasts {v:.0f} days, lead time {lt:.0f} days: about {u:,.0f} units unserved"
            for v, lt, u in zip(np.nan_to_num(days), lead, unserved, strict=True)
        ],
    )
    ceiling = r["order_up_to"].to_numpy(float) + rules.excess_weeks * weeks * d
    excess = on_hand - ceiling
    add(
        live & (excess > 0),
        EXCEPTIONS[1],
        f"on hand above the order-up-to level + {rules.excess_weeks:g} weeks of demand",
        excess * cost,
        [f"{e:,.0f} units above {c:,.0f}" for e, c in zip(np.nan_to_num(excess), ceiling, strict=True)],
    )
    target = r["order_up_to"].to_numpy(float) + r["order_qty"].to_numpy(float)
    over = np.nan_to_num(on_hand) + on_order - target
    add(
        live & (on_order > 0) & (over > 0),
        EXCEPTIONS[2],
        "on hand + on order above the order-up-to level + one order",
        np.minimum(over, on_order) * cost,
        [
            f"{o:,.0f} on order, position {p:,.0f} above {t:,.0f}"
            for o, p, t in zip(on_order, np.nan_to_num(on_hand) + on_order, target, strict=True)
        ],
    )
    ss = r["safety_stock"].to_numpy(float)
    big = rules.buffer_weeks * weeks * d
    add(
        (r["policy"] == "JIC").to_numpy() & (d > 0) & (ss > big),
        EXCEPTIONS[3],
        f"safety stock above {rules.buffer_weeks:g} weeks of mean demand",
        (ss - big) * cost,
        [f"buffer {s:,.0f} units against {w:,.1f} a week" for s, w in zip(ss, d * weeks, strict=True)],
    )
    if "season_ending" in r:
        ending = r["season_ending"].fillna(False).to_numpy(bool)
        add(
            live & ending,
            EXCEPTIONS[4],
            "the item's season is ending: order no more than the season needs",
            np.nan_to_num(on_hand) * cost,
            ["season ending"] * len(r),
        )
    if previous is not None and len(previous):
        before = previous.set_index("sku").reindex(r["sku"])
        was = before["policy"].to_numpy(object)
        changed = pd.notna(was) & (was != r["policy"].to_numpy(object))
        delta = r["capital_tied_up"].to_numpy(float) - before["capital_tied_up"].fillna(0).to_numpy(float)
        add(
            changed,
            EXCEPTIONS[5],
            "policy differs from the last completed run",
            np.abs(delta),
            [f"{w} -> {n}" for w, n in zip(was, r["policy"], strict=True)],
        )
    if not found:
        return pd.DataFrame(columns=["sku", "exception", "rule", "money_at_stake", "detail"])
    out = pd.concat(found, ignore_index=True)
    return out.sort_values(["money_at_stake", "sku"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def per_item(found: pd.DataFrame, skus: pd.Series) -> pd.Series:
    """Each of ``skus``' exceptions (``exceptions``' rows) in one text, in ``EXCEPTIONS``' order
    and "; " between (None: none), aligned with ``skus``: what its order line shows."""
    if found.empty:
        return pd.Series([None] * len(skus), index=skus.index, dtype=object)
    rank = {name: i for i, name in enumerate(EXCEPTIONS)}
    ordered = found.assign(rank=found["exception"].map(rank)).sort_values(["sku", "rank"])
    text = skus.map(ordered.groupby("sku")["exception"].agg("; ".join))
    return text.astype(object).where(text.notna(), None)
