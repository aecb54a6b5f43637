"""Classify SKUs by how much they matter (ABC), how predictable they are (XYZ) and their pattern."""

from classification.abc import abc_classes
from classification.classify import classify_skus
from classification.xyz import xyz_classes
from forecasting.intermittency import demand_pattern

__all__ = ["abc_classes", "xyz_classes", "demand_pattern", "classify_skus"]
