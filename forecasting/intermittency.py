"""Syntetos-Boylan intermittency statistics: ADI and CV² of non-zero demand sizes."""

from __future__ import annotations

import numpy as np

__all__ = ["adi_cv2"]


def adi_cv2(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``y`` (SKU x period, NaN before the first period of a SKU):

    ADI = observed periods / periods with positive demand (inf when none);
    CV² = (std / mean)² of the positive demand sizes, population std (NaN when none).
    """
    observed = ~np.isnan(y)
    sizes = np.where(observed & (np.nan_to_num(y) > 0), y, 0.0)
    positive = sizes > 0
    n_obs = observed.sum(axis=1)
    n_pos = positive.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        adi = np.where(n_pos > 0, n_obs / n_pos, np.inf)
        mean = sizes.sum(axis=1) / n_pos
        var = np.maximum((sizes**2).sum(axis=1) / n_pos - mean**2, 0.0)
        cv2 = np.where(n_pos > 0, var / mean**2, np.nan)
    return adi, cv2
