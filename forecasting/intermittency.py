"""Syntetos-Boylan-Croston intermittency: ADI, CV² of non-zero sizes, and the demand pattern."""

from __future__ import annotations

import numpy as np

__all__ = ["ADI_CUTOFF", "CV2_CUTOFF", "adi_cv2", "demand_pattern"]

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49


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


def demand_pattern(
    adi: np.ndarray, cv2: np.ndarray, adi_cutoff: float = ADI_CUTOFF, cv2_cutoff: float = CV2_CUTOFF
) -> np.ndarray:
    """smooth (frequent, steady sizes), erratic (frequent, variable sizes), intermittent
    (rare, steady sizes), lumpy (rare, variable sizes); ``none`` without any demand."""
    frequent = adi < adi_cutoff
    steady = np.nan_to_num(cv2, nan=0.0) < cv2_cutoff
    out = np.select([frequent & steady, frequent, steady], ["smooth", "erratic", "intermittent"], "lumpy").astype(
        object
    )
    out[~np.isfinite(adi)] = "none"
    return out
