"""Syntetos-Boylan-Croston demand patterns from ADI and CV²."""

from __future__ import annotations

import numpy as np

__all__ = ["ADI_CUTOFF", "CV2_CUTOFF", "demand_pattern"]

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49


def demand_pattern(adi: np.ndarray, cv2: np.ndarray, adi_cutoff: float = ADI_CUTOFF,
                   cv2_cutoff: float = CV2_CUTOFF) -> np.ndarray:
    """smooth (frequent, steady sizes), erratic (frequent, variable sizes), intermittent
    (rare, steady sizes), lumpy (rare, variable sizes); ``none`` without any demand."""
    frequent = adi < adi_cutoff
    steady = np.nan_to_num(cv2, nan=0.0) < cv2_cutoff
    out = np.select(
        [frequent & steady, frequent, steady], ["smooth", "erratic", "intermittent"], "lumpy"
    ).astype(object)
    out[~np.isfinite(adi)] = "none"
    return out
