"""Long ``unique_id, ds, y`` frames to a SKU x period matrix and back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["to_matrix", "from_matrix"]


def to_matrix(
    df: pd.DataFrame,
    id_col: str = "sku",
    time_col: str = "period_start",
    target_col: str = "qty",
    periods: Sequence | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pivot long demand into ``(ids, periods, Y)``.

    ``Y[i, t]`` is the demand of ``ids[i]`` in ``periods[t]``; periods before an id's first row
    are NaN (the item did not exist yet), so every row is left-padded to a common calendar.
    ``periods`` (dates) fixes that calendar, e.g. the whole run's for one partition of its SKUs;
    default: the periods present in ``df``.
    """
    for col in (id_col, time_col, target_col):
        if col not in df.columns:
            raise ValueError(f"'{col}' column is missing; found {list(df.columns)}")
    # sorted hash factorisation: the result of np.unique(..., return_inverse=True), without
    # sorting millions of Python strings
    id_codes, ids = pd.factorize(df[id_col].to_numpy(dtype=object), sort=True)
    calendar: np.ndarray
    if periods is None:
        t_codes, calendar = pd.factorize(df[time_col].to_numpy(), sort=True)
    else:
        t_codes = pd.DatetimeIndex(pd.to_datetime(np.asarray(periods))).get_indexer(pd.to_datetime(df[time_col]))
        if (t_codes < 0).any():
            bad = df[time_col].iloc[int(np.flatnonzero(t_codes < 0)[0])]
            raise ValueError(f"'{time_col}' value {bad} is not in the periods given")
        calendar = np.asarray(periods)
    y = np.full((len(ids), len(calendar)), np.nan)
    y[id_codes, t_codes] = df[target_col].to_numpy(dtype=float)
    return ids, calendar, y


def from_matrix(
    ids: np.ndarray,
    periods: np.ndarray,
    values: np.ndarray,
    name: str,
    id_col: str = "sku",
    time_col: str = "period_start",
) -> pd.DataFrame:
    """Long frame of the non-NaN cells of ``values`` (ids x periods)."""
    i, t = np.nonzero(~np.isnan(values))
    return pd.DataFrame({id_col: ids[i], time_col: periods[t], name: values[i, t]})
