"""Put ABC, XYZ and the demand pattern together for every SKU of a demand frame."""

from __future__ import annotations

import numpy as np
import pandas as pd

from classification.abc import abc_classes
from classification.pattern import demand_pattern
from classification.xyz import coefficient_of_variation, xyz_classes
from forecasting.intermittency import adi_cv2
from forecasting.matrix import to_matrix

__all__ = ["classify_skus"]


def classify_skus(
    demand: pd.DataFrame,
    unit_cost: pd.Series | None = None,
    *,
    basis: str = "value",
    abc_cutoffs: tuple[float, float] = (0.8, 0.95),
    xyz_cutoffs: tuple[float, float] = (0.5, 1.0),
    window: int = 52,
) -> pd.DataFrame:
    """One row per SKU of ``demand`` (``sku, period_start, qty, order_lines, revenue``).

    Only the last ``window`` periods count. Value = units x ``unit_cost`` (currency per unit,
    index SKU) where given, else the revenue at selling price. Returns ``sku, abc, xyz,
    pattern, abc_basis, basis_amount, cum_share, annual_qty, annual_value, cv, adi, cv2, periods``.
    """
    if basis not in ("value", "volume", "hits"):
        raise ValueError(f"basis must be value, volume or hits, got {basis!r}")
    periods = np.sort(demand["period_start"].unique())[-window:]
    recent = demand[demand["period_start"].isin(periods)]
    per_sku = recent.groupby("sku").agg(qty=("qty", "sum"), hits=("order_lines", "sum"), revenue=("revenue", "sum"))
    value = per_sku["revenue"].copy()
    if unit_cost is not None:
        cost = unit_cost.reindex(per_sku.index)
        value = (per_sku["qty"] * cost).where(cost.notna(), value)
    amount = {"value": value, "volume": per_sku["qty"], "hits": per_sku["hits"]}[basis].clip(lower=0)
    abc = abc_classes(amount, abc_cutoffs).set_index("sku")

    ids, _, y = to_matrix(recent, "sku", "period_start", "qty")
    y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
    cv = coefficient_of_variation(y)
    adi, cv2 = adi_cv2(y)
    stats = pd.DataFrame(
        {"cv": cv, "adi": adi, "cv2": cv2, "periods": (~np.isnan(y)).sum(axis=1),
         "xyz": xyz_classes(cv, xyz_cutoffs), "pattern": demand_pattern(adi, cv2)},
        index=pd.Index(ids, name="sku"),
    )
    out = stats.join(abc[["abc", "basis_amount", "cum_share"]]).join(per_sku[["qty"]])
    out["annual_value"] = value.reindex(out.index).clip(lower=0)
    out = out.rename(columns={"qty": "annual_qty"}).assign(abc_basis=basis)
    out["adi"] = out["adi"].replace(np.inf, np.nan)
    cols = ["abc", "xyz", "pattern", "abc_basis", "basis_amount", "cum_share", "annual_qty",
            "annual_value", "cv", "adi", "cv2", "periods"]
    return out[cols].reset_index().sort_values("sku", kind="mergesort").reset_index(drop=True)

