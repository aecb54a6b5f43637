"""Put ABC, XYZ and the demand pattern together for every SKU of a demand frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jitjic.classification.abc import abc_classes
from jitjic.classification.xyz import coefficient_of_variation, xyz_classes
from jitjic.forecasting.intermittency import adi_cv2, demand_pattern
from jitjic.forecasting.matrix import to_matrix

__all__ = ["classify_skus", "ABC_BASES", "chosen_basis"]

ABC_BASES = ("auto", "value", "volume", "hits")


def chosen_basis(abc_basis: str, period_totals: bool, value_known: bool) -> str:
    """The basis ``abc_basis`` stands for: itself, or with "auto" "hits" for dated sales and,
    where each order line is one period's total (``period_totals``: a line then counts periods
    with a figure, not requests, and nearly every item is A), "value" when a unit cost or a
    selling price is known for some item (``value_known``), else "volume"."""
    if abc_basis not in ABC_BASES:
        raise ValueError(f"abc_basis must be one of {', '.join(ABC_BASES)}, got {abc_basis!r}")
    if abc_basis != "auto":
        return abc_basis
    if not period_totals:
        return "hits"
    return "value" if value_known else "volume"


def classify_skus(
    demand: pd.DataFrame,
    unit_cost: pd.Series | None = None,
    *,
    abc_basis: str = "auto",
    period_totals: bool = False,
    abc_cutoffs: tuple[float, float] = (0.8, 0.95),
    xyz_cutoffs: tuple[float, float] = (0.5, 1.0),
    window_periods: int | None = None,
    new_periods: int = 13,
    dead_periods: int = 13,
    dead_intervals: float = 3.0,
    previous: pd.DataFrame | None = None,
    abc_hold: float = 0.02,
    xyz_hold: float = 0.1,
) -> pd.DataFrame:
    """One row per SKU of ``demand`` (``sku, period_start, qty, order_lines, revenue``).

    Only the last ``window_periods`` periods count for the classes (None: one year of the
    demand's own grain: 365 days, 52 weeks or 12 months). Value = units x ``unit_cost``
    (currency per unit, index SKU) where given (``value_source`` "cost"), else the revenue at
    selling price ("price"). Lifecycle: ``new`` with fewer than ``new_periods`` periods since the
    first sale, ``dead`` when its quiet spell is at least ``dead_periods`` periods and at least
    ``dead_intervals`` times its own mean interval between demands (a part asked for once a year
    is not dead after 13 quiet months), else ``active``. Returns ``sku, abc, xyz, pattern,
    lifecycle, abc_basis, basis_amount, cum_share, annual_qty, order_lines (over the window),
    annual_value, value_source, cv, adi, cv2, periods, periods_since_first, periods_since_demand,
    demand_interval``. ``abc_basis``: see ``chosen_basis`` (``period_totals``: each order line is
    one SKU's whole period, as ``warehouse.order_lines_grain`` says); the ``abc_basis`` column
    holds the basis used.

    ``previous`` (last run's ``sku, abc, xyz``): an item keeps its class while it sits within
    ``abc_hold`` (share of the basis) of the ABC border it would cross, or within ``xyz_hold``
    (a share of the cut-off) of the XYZ one, so a 0.01 change does not flip its policy.
    """
    chosen_basis(abc_basis, period_totals, False)  # a bad name fails before any work
    periods = np.sort(demand["period_start"].unique())
    year = _periods_per_year(periods)
    periods = periods[-(window_periods or year) :]
    recent = demand[demand["period_start"].isin(periods)]
    per_sku = recent.groupby("sku").agg(qty=("qty", "sum"), hits=("order_lines", "sum"), revenue=("revenue", "sum"))
    value = per_sku["revenue"].copy()
    source = pd.Series("price", index=per_sku.index)
    if unit_cost is not None:
        cost = unit_cost.reindex(per_sku.index)
        value = (per_sku["qty"] * cost).where(cost.notna(), value)
        source = source.where(cost.isna(), "cost")
    # a price of 0 everywhere (none in the export) is no value: revenue is then all zeros
    value_known = bool((source == "cost").any() or (per_sku["revenue"] > 0).any())
    abc_basis = chosen_basis(abc_basis, period_totals, value_known)
    amount = {"value": value, "volume": per_sku["qty"], "hits": per_sku["hits"]}[abc_basis].clip(lower=0)
    abc = abc_classes(amount, abc_cutoffs).set_index("sku")

    ids, _, y = to_matrix(recent, "sku", "period_start", "qty")
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    cv = coefficient_of_variation(y)
    adi, cv2 = adi_cv2(y)
    stats = pd.DataFrame(
        {
            "cv": cv,
            "adi": adi,
            "cv2": cv2,
            "periods": (~np.isnan(y)).sum(axis=1),
            "xyz": xyz_classes(cv, xyz_cutoffs),
            "pattern": demand_pattern(adi, cv2),
        },
        index=pd.Index(ids, name="sku"),
    )
    out = stats.join(abc[["abc", "basis_amount", "cum_share"]]).join(per_sku[["qty", "hits"]])
    out["annual_value"] = value.reindex(out.index).clip(lower=0)
    out["value_source"] = source.reindex(out.index)
    out = out.join(_lifecycle(demand, new_periods, dead_periods, dead_intervals, year))
    out = out.rename(columns={"qty": "annual_qty", "hits": "order_lines"}).assign(abc_basis=abc_basis)
    out["adi"] = out["adi"].replace(np.inf, np.nan)
    if previous is not None and len(previous):
        out = _hold_at_borders(out, previous, abc_cutoffs, xyz_cutoffs, abc_hold, xyz_hold)
    cols = [
        "abc",
        "xyz",
        "pattern",
        "lifecycle",
        "abc_basis",
        "basis_amount",
        "cum_share",
        "annual_qty",
        "order_lines",
        "annual_value",
        "value_source",
        "cv",
        "adi",
        "cv2",
        "periods",
        "periods_since_first",
        "periods_since_demand",
        "demand_interval",
    ]
    return out[cols].reset_index().sort_values("sku", kind="mergesort").reset_index(drop=True)


def _periods_per_year(periods: np.ndarray) -> int:
    """Periods in a year at the grain of ``periods`` (sorted period starts): 365 / the median
    step in days."""
    if len(periods) < 2:
        return 52
    steps = np.diff(pd.to_datetime(periods).to_numpy()).astype("timedelta64[h]").astype(float) / 24.0
    return max(1, int(round(365.0 / float(np.median(steps)))))


def _hold_at_borders(
    out: pd.DataFrame, previous: pd.DataFrame, abc_cutoffs, xyz_cutoffs, abc_hold: float, xyz_hold: float
) -> pd.DataFrame:
    """Keep last run's ABC and XYZ class for items that crossed a border by less than the hold."""
    prev = previous.drop_duplicates("sku").set_index("sku").reindex(out.index)
    total = out["basis_amount"].sum()
    before = out["cum_share"] - (out["basis_amount"] / total if total > 0 else 0.0)  # what the A rule reads
    order = {"A": 0, "B": 1, "C": 2}
    now, was = out["abc"].map(order), prev["abc"].map(order)
    border = pd.Series(np.where(np.minimum(now, was) == 0, abc_cutoffs[0], abc_cutoffs[1]), index=out.index)
    near = (before - border).abs() < abc_hold
    keep_abc = (now - was).abs().eq(1) & near & (out["basis_amount"] > 0)
    out["abc"] = out["abc"].where(~keep_abc, prev["abc"])
    now_x, was_x = out["xyz"].map({"X": 0, "Y": 1, "Z": 2}), prev["xyz"].map({"X": 0, "Y": 1, "Z": 2})
    cut = pd.Series(np.where(np.minimum(now_x, was_x) == 0, xyz_cutoffs[0], xyz_cutoffs[1]), index=out.index)
    keep_xyz = (now_x - was_x).abs().eq(1) & ((out["cv"] - cut).abs() < xyz_hold * cut)
    out["xyz"] = out["xyz"].where(~keep_xyz, prev["xyz"])
    return out


def _lifecycle(
    demand: pd.DataFrame, new_periods: int, dead_periods: int, dead_intervals: float, year: int
) -> pd.DataFrame:
    """Periods since the first sale and since the last demand, and the lifecycle label, per SKU.

    An item's mean interval between demands is read off its history up to its last demand ((last
    - first demand period) / (demands - 1)): the quiet spell itself must not stretch it. Under
    Poisson demand at that rate a spell of k intervals happens with probability e^-k (5% at the
    default 3): a quiet item is dead only when that long a spell is unlikely for it."""
    ids, _, y = to_matrix(demand, "sku", "period_start", "qty")
    observed = (~np.isnan(y)).sum(axis=1)
    sold = np.nan_to_num(y) > 0
    width = y.shape[1]
    last = np.where(sold.any(axis=1), width - 1 - np.argmax(sold[:, ::-1], axis=1), -1)
    first = np.where(sold.any(axis=1), np.argmax(sold, axis=1), -1)
    since_demand = np.where(last >= 0, width - 1 - last, observed)
    demands = sold.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # one demand says nothing of a rhythm: no interval (NaN), the floor alone
        interval = np.where(demands >= 2, (last - first) / np.maximum(demands - 1, 1), np.nan)
    # an interval longer than a year (``year`` periods) is no evidence of a yearly rhythm: at most
    # 3 years of quiet
    interval = np.minimum(interval, year)
    quiet_for = np.maximum(dead_periods, dead_intervals * np.nan_to_num(interval))
    label = np.where(observed < new_periods, "new", np.where(since_demand >= quiet_for, "dead", "active"))
    return pd.DataFrame(
        {
            "periods_since_first": observed,
            "periods_since_demand": since_demand,
            "demand_interval": interval,
            "lifecycle": label,
        },
        index=pd.Index(ids, name="sku"),
    )
