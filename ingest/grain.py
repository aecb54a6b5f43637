"""Tell order lines that are period totals (one row per SKU and period) from dated sales."""

from __future__ import annotations

import pandas as pd

__all__ = ["PERIOD_TOTAL_SHARE", "GRAINS", "on_period_start", "period_totals"]

# "line": dated sales (each line one order); "period": each line is one SKU's whole demand of one
# period, dated on the period's first day
GRAINS = ("line", "period")
# a share, not all: an export of weekly totals may carry a few corrections (a second line in a
# week, a date typed by hand) and is still one figure per SKU and period
PERIOD_TOTAL_SHARE = 0.99
# fewer lines than this prove nothing either way: three lines on three Mondays are as likely sales
_MIN_LINES = 20


def on_period_start(dates: pd.Series, period: str) -> pd.Series:
    """True where a timestamp is midnight on the first day of its ``period`` (day, week: a
    Monday, month: the 1st)."""
    d = pd.to_datetime(dates)
    start = d == d.dt.normalize()
    if period == "week":
        return start & (d.dt.dayofweek == 0)
    if period == "month":
        return start & (d.dt.day == 1)
    return start


def period_totals(sku: pd.Series, dates: pd.Series, period: str) -> bool:
    """True when lines (``sku``, ``dates`` as timestamps) are period totals of ``period``.

    The rule: at least ``_MIN_LINES`` lines over at least two periods; at least
    ``PERIOD_TOTAL_SHARE`` of them dated midnight on a period's first day; and at least that share
    of the SKU-periods that hold a line hold exactly one. Dated sales fail the first test (times
    of day, any weekday) or the second (a popular item sells several times a period).
    """
    if len(dates) < _MIN_LINES:
        return False
    d = pd.to_datetime(dates)
    starts = d.dt.to_period({"day": "D", "week": "W-SUN", "month": "M"}[period])
    if starts.nunique() < 2 or on_period_start(d, period).mean() < PERIOD_TOTAL_SHARE:
        return False
    per_sku_period = pd.DataFrame({"sku": sku.to_numpy(), "start": starts.to_numpy()}).value_counts()
    return bool((per_sku_period == 1).mean() >= PERIOD_TOTAL_SHARE)
