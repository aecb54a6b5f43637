"""Forecast kernels and models: hand-worked values, statsmodels agreement, one contract for all."""

import numpy as np
import pandas as pd
import pytest
from jitjic.forecasting import MODELS, adi_cv2, from_matrix, make_model, to_matrix
from jitjic.forecasting import kernels as k
from statsmodels.tsa.holtwinters import ExponentialSmoothing, SimpleExpSmoothing


@pytest.mark.parametrize("alias", sorted(MODELS))
@pytest.mark.parametrize(
    "y",
    [
        np.array([[3.0, 0, 5, 2, 0, 4, 1, 0, 6]]),
        np.zeros((1, 9)),
        np.array([[np.nan] * 7 + [0, 7]]),
        np.array([[np.nan] * 8 + [5.0]]),
    ],
    ids=["mixed", "all_zero", "one_demand", "one_value"],
)
def test_contract(alias, y):
    h = 4
    model = make_model(alias)
    f = model.forecast(y, h)
    assert f.shape == (1, h)
    assert np.all(np.isfinite(f)) and np.all(f >= 0)
    np.testing.assert_allclose(model.fit(y).predict(h), f)
    if not np.nansum(y):
        assert f.sum() == 0


def test_unknown_model():
    with pytest.raises(ValueError, match="unknown model 'ARIMA'"):
        make_model("ARIMA")


def test_ses_matches_statsmodels_fixed_alpha():
    y = np.array([10.0, 12, 9, 14, 11, 13, 15, 10, 12, 11])
    fitted, level = k.ses(y[None, :], 0.3)
    sm = SimpleExpSmoothing(y, initialization_method="known", initial_level=y[0]).fit(
        smoothing_level=0.3, optimized=False
    )
    np.testing.assert_allclose(fitted[0, 1:], sm.fittedvalues[1:], rtol=1e-10)
    assert level[0] == pytest.approx(sm.forecast(1)[0], rel=1e-10)


def test_holt_damped_matches_statsmodels():
    y = np.array([10.0, 12, 13, 15, 16, 18, 21, 22, 24, 27])
    ours = k.holt_damped(y[None, :], 5, alpha=0.3, beta=0.2, phi=0.9)[0]
    # ours starts the level at y[0] with no trend: statsmodels from y[1] with those initial states
    sm = ExponentialSmoothing(
        y[1:], trend="add", damped_trend=True, initialization_method="known", initial_level=y[0], initial_trend=0.0
    ).fit(smoothing_level=0.3, smoothing_trend=0.2, damping_trend=0.9, optimized=False)
    np.testing.assert_allclose(ours, sm.forecast(5), rtol=1e-9)


def test_grid_searches_in_one_pass_equal_one_pass_per_value():
    """SES and damped Holt search their grids in one pass over the periods; each value's error
    sum and the chosen forecasts must equal running the plain kernel once per value."""
    rng = np.random.default_rng(3)
    y = rng.poisson(3.0, size=(40, 60)).astype(float) * (rng.random((40, 60)) < 0.5)
    y[np.arange(60)[None, :] < rng.integers(0, 58, 40)[:, None]] = np.nan  # staggered starts
    y[0] = np.nan  # never started
    sse = k._ses_sse(y, k.ALPHA_GRID)
    for a, row in zip(k.ALPHA_GRID, sse, strict=True):
        fitted, _ = k.ses(y, a)
        np.testing.assert_allclose(row, np.nansum((y - fitted) ** 2, axis=1), rtol=1e-12)
    best = k.ALPHA_GRID[np.argmin(sse, axis=0)]  # first minimum, as the search keeps ties
    np.testing.assert_array_equal(k.ses_optimised(y)[2], best)
    levels, trends, sses = k._holt_pass(y, *(np.array(c)[:, None] for c in zip(*k.HOLT_GRID, strict=True)))
    paths = []
    for i, (alpha, beta, phi) in enumerate(k.HOLT_GRID):
        level, trend, one = k._holt_pass(y, alpha, beta, phi)
        np.testing.assert_array_equal(one, sses[i])
        paths.append(k.holt_damped(y, 4, alpha, beta, phi))
    chosen = np.argmin(sses, axis=0)
    np.testing.assert_allclose(k.holt_damped_optimised(y, 4), np.stack(paths)[chosen, np.arange(len(y))])


def test_croston_and_sba_worked_by_hand():
    # demand 0,4,0,0,2 ; alpha 0.5. First demand at t=1: z=4, p=2 (two periods from the start).
    # Next demand at t=4, interval 3: z = 4 + .5(2-4) = 3, p = 2 + .5(3-2) = 2.5.
    y = np.array([[0.0, 4, 0, 0, 2]])
    assert k.croston_sba(y, 0.5, debias=False)[1][0] == pytest.approx(3 / 2.5)
    assert k.croston_sba(y, 0.5, debias=True)[1][0] == pytest.approx(0.75 * 3 / 2.5)


def test_tsb_worked_by_hand():
    # y = 2,0,4 ; alpha 0.5: p 1 -> .5 -> .75 ; z 2 -> 2 -> 3 ; forecast .75 x 3
    assert k.tsb(np.array([[2.0, 0, 4]]), 1, alpha_d=0.5, alpha_p=0.5)[0, 0] == pytest.approx(2.25)
    # obsolescence: the forecast decays while nothing sells
    decaying = [k.tsb(np.array([[5.0] + [0] * n]), 1)[0, 0] for n in (1, 5, 10)]
    assert decaying[0] > decaying[1] > decaying[2] > 0


def test_temporal_aggregation_aligns_at_the_end():
    y = np.array([[np.nan, 1.0, 2, 3, 4, 5, 6, 7]])
    assert k.aggregate_tail(y, 3).tolist() == [[9.0, 18.0]]
    buckets = k.aggregate_tail(y, 2)
    assert np.isnan(buckets[0, 0]) and buckets[0, 1:].tolist() == [5.0, 9.0, 13.0]
    # ADIDA at level 2 forecasts SES on the bucket sums, spread over 2 periods
    flat = np.array([[4.0] * 8])
    assert k.adida(flat, 3, level=np.array([2]))[0].tolist() == [4.0, 4.0, 4.0]


def test_adi_cv2_by_hand():
    adi, cv2 = adi_cv2(np.array([[np.nan, 0, 2, 0, 4], [0, 0, 0, 0, 0]]))
    assert adi[0] == pytest.approx(4 / 2)
    assert cv2[0] == pytest.approx((1.0 / 3.0) ** 2)
    assert np.isinf(adi[1]) and np.isnan(cv2[1])


def test_matrix_round_trip():
    df = pd.DataFrame(
        {
            "sku": ["b", "a", "a"],
            "period_start": pd.to_datetime(["2011-01-10", "2011-01-03", "2011-01-10"]),
            "qty": [1.0, 2.0, 3.0],
        }
    )
    ids, periods, y = to_matrix(df)
    assert ids.tolist() == ["a", "b"] and np.isnan(y[1, 0])
    back = from_matrix(ids, periods, y, "qty").sort_values(["sku", "period_start"]).reset_index(drop=True)
    assert back["qty"].tolist() == [2.0, 3.0, 1.0]
    with pytest.raises(ValueError, match="'qty' column is missing"):
        to_matrix(df.drop(columns="qty"))


def test_holt_winters_only_where_two_seasons_exist():
    from jitjic.forecasting.ets import eligible, holt_winters

    t = np.arange(3 * 12)
    seasonal = 50 + 20 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 1, len(t))
    short = np.r_[[np.nan] * 20, seasonal[20:]]
    y = np.vstack([seasonal, short])
    assert eligible(y, 12).tolist() == [True, False]
    f = holt_winters(y, 6, season=12, n_jobs=1)
    truth = 50 + 20 * np.sin(2 * np.pi * np.arange(36, 42) / 12)
    assert np.abs(f[0] - truth).mean() < 4  # the season is followed
    np.testing.assert_allclose(f[1], k.holt_damped_optimised(short[None, :], 6)[0])  # the short one: Holt


def test_global_model_learns_across_series():
    from jitjic.forecasting.global_model import global_gbm

    rng = np.random.default_rng(1)
    levels = rng.uniform(1, 50, 200)
    y = rng.poisson(levels[:, None], (200, 40)).astype(float)
    f = global_gbm(y, 4, n_origins=10, max_iter=50)
    assert f.shape == (200, 4) and (f >= 0).all()
    # scaled features: the forecast follows each series' own level
    assert np.corrcoef(f[:, 0], levels)[0, 1] > 0.95


@pytest.mark.parametrize("alias", sorted(set(MODELS) - {"GlobalGBM", "HoltWinters"}))
def test_forecast_at_many_cuts_equals_one_fit_per_cut(alias):
    """The backtest fits every origin in one pass: it must give what fitting each prefix does."""
    rng = np.random.default_rng(8)
    y = rng.poisson(2.0, size=(30, 70)).astype(float) * (rng.random((30, 70)) < 0.6)
    y[np.arange(70)[None, :] < rng.integers(0, 65, 30)[:, None]] = np.nan  # staggered starts
    cuts = [70, 62, 58, 54, 50, 3, 0]
    model = make_model(alias)
    np.testing.assert_array_equal(
        model.forecast_cuts(y, cuts, 5), np.stack([model.forecast(y[:, :c], 5) for c in cuts])
    )
