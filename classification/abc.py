"""ABC: rank items by a basis (value, volume or hits) and cut the cumulative share."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["abc_classes"]


def abc_classes(amount: pd.Series, cutoffs: tuple[float, float] = (0.8, 0.95)) -> pd.DataFrame:
    """Classes from ``amount`` (index: SKU; any non-negative unit: currency, units or lines).

    Items are ranked by amount, largest first, ties broken by SKU so the result never depends
    on row order. An item is A when the cumulative share *before* it is below the A cut-off
    (so the top item is always A), B likewise for the B cut-off, else C; items with no amount
    are C. Returns ``sku, basis_amount, share, cum_share, abc`` in rank order.
    """
    if (amount < 0).any():
        raise ValueError("ABC amounts must be non-negative")
    frame = pd.DataFrame({"sku": amount.index.astype(str), "basis_amount": amount.to_numpy(dtype=float)})
    total = frame["basis_amount"].sum()
    # rank on shares rounded to 12 digits: equal amounts stay tied (then ordered by SKU) even
    # when summation order or a change of units moves them by a rounding error
    frame["_rank"] = (frame["basis_amount"] / total).round(12) if total > 0 else 0.0
    frame = frame.sort_values(["_rank", "sku"], ascending=[False, True], kind="mergesort").drop(columns="_rank")
    share = frame["basis_amount"] / total if total > 0 else frame["basis_amount"] * 0.0
    cum = share.cumsum()
    before = cum - share
    frame["share"] = share
    frame["cum_share"] = cum
    # a tolerance so that 0.5 + 0.2 + 0.1 counts as having reached 0.8
    eps = 1e-9
    frame["abc"] = np.select(
        [(before < cutoffs[0] - eps) & (share > 0), (before < cutoffs[1] - eps) & (share > 0)], ["A", "B"], "C"
    )
    return frame.reset_index(drop=True)
