"""Demand over the protection interval drawn from the item's own history (bootstrap), against
compound demand whose distribution is known."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from jitjic.policy import PolicyParams, recommend
from jitjic.policy.uncertainty import LEVEL_COLUMNS, Protection, bootstrap_quantiles
from scipy import stats

LEVELS = np.array(list(LEVEL_COLUMNS.values()))


def _compound(n: int, periods: int, p: float, size: float, seed: int) -> np.ndarray:
    """Demand per period: with probability p an order of 1 + Poisson(size) units, else 0."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n, periods)) < p, rng.poisson(size, (n, periods)) + 1, 0).astype(float)


def _true_quantiles(p: float, size: float, h: int) -> np.ndarray:
    """The exact quantiles of the sum over h periods: a mixture over the number of orders k."""
    support = np.arange(0, 60 * h)
    pmf = np.zeros(len(support))
    for k in range(h + 1):
        # k orders of 1 + Poisson(size) each: k + Poisson(k * size)
        weight = stats.binom.pmf(k, h, p)
        part = stats.poisson.pmf(support - k, k * size) if k else (support == 0).astype(float)
        pmf += weight * part
    cdf = np.cumsum(pmf)
    return support[np.searchsorted(cdf, LEVELS)]


def test_bootstrap_quantiles_match_compound_demand():
    # 400 lumpy items (an order of ~6 units one period in five), two years of weekly history
    history = _compound(400, 104, p=0.2, size=5.0, seed=1)
    q, mean = bootstrap_quantiles(history, np.full(400, 4.0), LEVELS, draws=1000)
    exact = _true_quantiles(0.2, 5.0, 4)
    # per item within sampling noise; over items, centred on the exact quantiles
    assert np.median(q, axis=0) == pytest.approx(exact, abs=1.0)
    assert np.mean(mean) == pytest.approx(4 * 0.2 * 6.0, rel=0.03)
    # a normal curve with the same mean and spread puts the 50% quantile above the sum's median
    # of 4 and the 99% quantile too low: lumps are what it misses
    sd = np.sqrt(4 * (0.2 * (5 + 36) - (0.2 * 6) ** 2))
    normal99 = 4.8 + stats.norm.ppf(0.99) * sd
    assert exact[-1] > normal99


def test_a_fractional_interval_and_short_histories():
    history = np.full((3, 30), 2.0)
    history[1, :25] = np.nan  # 5 periods of history: too few to draw from
    q, mean = bootstrap_quantiles(history, np.array([2.5, 2.5, 0.0]), LEVELS, draws=50)
    np.testing.assert_allclose(q[0], 5.0) and np.testing.assert_allclose(mean[0], 5.0)
    assert np.isnan(q[1]).all() and np.isnan(mean[1])
    np.testing.assert_allclose(q[2], 0.0)


def test_the_plan_reads_the_items_own_lumps_when_asked():
    # one item sold as 50 units every tenth week: its forecast sigma of 5 a week says a buffer of
    # a few units covers 95%; its own history says an order of 50 comes in one L + R in ~3
    weeks = pd.date_range("2012-01-02", periods=104, freq="7D").date
    history = pd.DataFrame(
        {"sku": "LUMP", "period_start": weeks, "qty": [50.0 if w % 10 == 3 else 0.0 for w in range(104)]}
    )
    classes = pd.DataFrame(
        {"sku": ["LUMP"], "abc": ["A"], "xyz": ["Z"], "pattern": ["lumpy"], "abc_basis": "hits", "cv": [3.0]}
    )
    forecast = pd.DataFrame({"sku": ["LUMP"], "model": "SBA", "mean": [5.0], "sigma": [5.0]})
    items = pd.DataFrame({"sku": ["LUMP"], "unit_cost": [1.0], "lead_time_days": [14.0], "lead_time_std_days": [0.0]})
    p = PolicyParams(decide_by="class", jic_classes=("A",), replay_history=0)
    by_curve = recommend(classes, forecast, items, None, p, history=history).iloc[0]
    own = recommend(classes, forecast, items, None, replace(p, demand_distribution="history"), history=history).iloc[0]
    # L + R = 3 weeks: demand over it is 0 or 50 (or 100); the 95% quantile is 50 (the excess over
    # the drawn mean scaled to the forecast's: within 15%)
    assert own["reorder_point"] == pytest.approx(50.0, rel=0.15)
    assert by_curve["reorder_point"] < 35.0
    protection = Protection(pd.Series(["LUMP"]), None, np.array([3.0]), np.array([5.0]))
    assert not protection.found[0]
