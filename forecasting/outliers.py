"""The outlier rule: one huge order must not set a SKU's level for months.

A period whose demand exceeds ``factor`` x the SKU's 90th percentile of non-zero periods is
capped at that bound, provided the SKU has at least ``min_nonzero`` non-zero periods (too few
and nothing is called an outlier). Counts are returned so the flow can log them.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cap_outliers"]


def cap_outliers(y: np.ndarray, factor: float = 5.0, min_nonzero: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """(capped copy of ``y``, number of capped periods per series); NaN stays NaN."""
    positive = np.where(np.nan_to_num(y) > 0, y, np.nan)
    enough = (~np.isnan(positive)).sum(axis=1) >= min_nonzero
    bound = np.full(y.shape[0], np.inf)
    if enough.any():
        bound[enough] = factor * np.nanquantile(positive[enough], 0.9, axis=1)
    over = np.nan_to_num(y) > bound[:, None]
    return np.where(over, bound[:, None], y), over.sum(axis=1)
