"""Classify SKUs by how much they matter (ABC), how predictable they are (XYZ) and their pattern."""

from classification.abc import abc_classes
from classification.classify import classify_skus
from classification.pattern import demand_pattern
from classification.xyz import xyz_classes

__all__ = ["abc_classes", "xyz_classes", "demand_pattern", "classify_skus"]
