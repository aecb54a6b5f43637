"""Forecasting per SKU partition gives exactly the tables of one process, Holt-Winters fits included."""

import numpy as np
import pandas as pd
import pytest
from jitjic.forecasting.paths import process_map, run_seasonal_job
from jitjic.forecasting.pipeline import ROW_WISE_PARAMS

from jitjic import forecasting


def _demand(skus: int = 60, weeks: int = 120, seed: int = 3) -> pd.DataFrame:
    """Weekly demand: yearly-seasonal smooth SKUs, intermittent ones, late starters."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    rows = []
    for i in range(skus):
        level = rng.uniform(0.2, 30)
        season = 1 + rng.uniform(0, 0.6) * np.sin(2 * np.pi * t / 52 + rng.uniform(0, 6))
        y = rng.poisson(level * season).astype(float)
        start = rng.integers(0, weeks - 10) if i % 7 == 0 else 0
        rows.append(
            pd.DataFrame(
                {
                    "sku": f"S{i:03d}",
                    "period_start": pd.date_range("2020-01-06", periods=weeks, freq="7D")[start:],
                    "qty": y[start:],
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _partitioned(demand: pd.DataFrame, n: int, **params) -> forecasting.ForecastResult:
    periods = np.unique(demand["period_start"])
    skus = np.unique(demand["sku"])
    row_wise = {k: v for k, v in params.items() if k in ROW_WISE_PARAMS}
    # each partition only sees its own SKUs' rows, as a worker reading DuckDB would
    parts = [
        forecasting.prepare_partition(demand[demand["sku"].isin(chunk)], periods, 8, **row_wise)
        for chunk in np.array_split(skus, n)
    ]
    jobs = forecasting.seasonal_jobs(
        parts, 8, **{k: v for k, v in params.items() if k in (*ROW_WISE_PARAMS, "seasonal_limit")}
    )
    fitted = [run_seasonal_job(j) for j in jobs]
    return forecasting.forecast_partitions(parts, periods, 8, jobs=jobs, fitted=fitted, **params), jobs


@pytest.mark.parametrize("n", [2, 5])
def test_partitions_equal_one_process_exactly(n):
    demand = _demand()
    # Holt-Winters is opt-in; the yearly-seasonal fixture also gets pooled calendar factors
    params = {"seasonal_limit": 6, "models": (*forecasting.auto.CANDIDATES, "HoltWinters")}
    whole = forecasting.forecast_demand(demand, 8, mapper=process_map, **params)
    split, jobs = _partitioned(demand, n, **params)
    assert jobs, "the fixture must exercise the statsmodels Holt-Winters fits"
    assert "HoltWinters" in set(whole.accuracy["model"])
    for name in ("forecasts", "lead_time", "accuracy", "coverage", "summary"):
        pd.testing.assert_frame_equal(getattr(split, name), getattr(whole, name), check_exact=True, obj=name)


def test_seasonal_fits_are_bounded_and_chosen_from_the_whole_catalogue():
    demand = _demand()
    _, jobs = _partitioned(demand, 3, seasonal_limit=4, models=(*forecasting.auto.CANDIDATES, "HoltWinters"))
    fitted_rows = {int(r) for j in jobs for r in j.rows}
    assert 0 < len(fitted_rows) <= 4
    # the biggest eligible SKUs by volume, whichever partition they sit in
    part = forecasting.prepare_partition(demand, np.unique(demand["period_start"]), 8)
    from jitjic.forecasting.paths import seasonal_rows

    assert fitted_rows <= set(seasonal_rows(part.y, 52, 4).tolist())


def test_partitions_must_be_disjoint_and_ordered():
    demand = _demand(skus=6, weeks=30)
    periods = np.unique(demand["period_start"])
    a = forecasting.prepare_partition(demand[demand["sku"] <= "S002"], periods, 8)
    b = forecasting.prepare_partition(demand[demand["sku"] > "S002"], periods, 8)
    with pytest.raises(ValueError, match="disjoint SKUs in ascending order"):
        forecasting.forecast_partitions([b, a], periods, 8)


def test_a_partition_outside_the_calendar_is_refused():
    demand = _demand(skus=3, weeks=30)
    periods = np.unique(demand["period_start"])[:-1]
    with pytest.raises(ValueError, match="not in the periods given"):
        forecasting.prepare_partition(demand, periods, 8)
