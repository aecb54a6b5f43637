"""Syntetos-Boylan-Croston demand patterns from ADI and CV² (one rule, shared with forecasting)."""

from forecasting.intermittency import ADI_CUTOFF, CV2_CUTOFF, demand_pattern

__all__ = ["ADI_CUTOFF", "CV2_CUTOFF", "demand_pattern"]
