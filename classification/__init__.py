"""Classify SKUs by how much they matter (ABC), how predictable they are (XYZ) and their pattern."""

from jitjic.classification.abc import abc_classes
from jitjic.classification.classify import classify_skus
from jitjic.classification.xyz import xyz_classes
from jitjic.forecasting.intermittency import demand_pattern

__all__ = ["abc_classes", "xyz_classes", "demand_pattern", "classify_skus"]
