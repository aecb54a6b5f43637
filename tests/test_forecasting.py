"""Forecast kernels: hand-worked values, statsmodels agreement, one contract over every model."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.holtwinters import SimpleExpSmoothing

from forecasting import SBA, SES, adi_cv2, croston_sba, forecast_demand, from_matrix, ses, to_matrix

MODELS = [SES(), SBA()]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.alias)
@pytest.mark.parametrize("y", [np.array([[3.0, 0, 5, 2, 0, 4]]), np.zeros((1, 6)), np.array([[np.nan, np.nan, 0, 7]])])
def test_contract(model, y):
    h = 4
    f = model.forecast(y, h)
    assert f.shape == (1, h)
    assert np.all(np.isfinite(f)) and np.all(f >= 0)
    np.testing.assert_allclose(model.fit(y).predict(h), f)
    assert model.fitted_.shape == y.shape


def test_all_zero_history_forecasts_zero():
    for model in MODELS:
        assert model.forecast(np.zeros((2, 10)), 3).sum() == 0


def test_ses_matches_statsmodels_fixed_alpha():
    y = np.array([10.0, 12, 9, 14, 11, 13, 15, 10, 12, 11])
    fitted, level = ses(y[None, :], 0.3)
    sm = SimpleExpSmoothing(y, initialization_method="known", initial_level=y[0]).fit(
        smoothing_level=0.3, optimized=False)
    np.testing.assert_allclose(fitted[0, 1:], sm.fittedvalues[1:], rtol=1e-10)
    np.testing.assert_allclose(level[0], sm.forecast(1)[0], rtol=1e-10)


def test_croston_and_sba_worked_by_hand():
    # demand 0,4,0,0,2 ; alpha 0.5. First demand at t=1: z=4, p=2 (two periods from the start).
    # Next demand at t=4, interval 3: z = 4 + .5(2-4) = 3, p = 2 + .5(3-2) = 2.5.
    y = np.array([[0.0, 4, 0, 0, 2]])
    _, croston = croston_sba(y, 0.5, debias=False)
    _, sba = croston_sba(y, 0.5, debias=True)
    assert croston[0] == pytest.approx(3 / 2.5)
    assert sba[0] == pytest.approx(0.75 * 3 / 2.5)


def test_adi_cv2_by_hand():
    adi, cv2 = adi_cv2(np.array([[np.nan, 0, 2, 0, 4], [0, 0, 0, 0, 0]]))
    assert adi[0] == pytest.approx(4 / 2)
    assert cv2[0] == pytest.approx((1.0 / 3.0) ** 2)
    assert np.isinf(adi[1]) and np.isnan(cv2[1])


def test_matrix_round_trip():
    df = pd.DataFrame({"sku": ["b", "a", "a"], "period_start": pd.to_datetime(["2011-01-10", "2011-01-03", "2011-01-10"]),
                       "qty": [1.0, 2.0, 3.0]})
    ids, periods, y = to_matrix(df)
    assert ids.tolist() == ["a", "b"] and np.isnan(y[1, 0])
    back = from_matrix(ids, periods, y, "qty").sort_values(["sku", "period_start"]).reset_index(drop=True)
    assert back["qty"].tolist() == [2.0, 3.0, 1.0]
    with pytest.raises(ValueError, match="'qty' column is missing"):
        to_matrix(df.drop(columns="qty"))


def _weekly(sku_values: dict) -> pd.DataFrame:
    rows = []
    for sku, values in sku_values.items():
        start = pd.Timestamp("2011-01-03") + pd.Timedelta(weeks=20 - len(values))
        for i, v in enumerate(values):
            rows.append((sku, (start + pd.Timedelta(weeks=i)).date(), float(v)))
    return pd.DataFrame(rows, columns=["sku", "period_start", "qty"])


def test_forecast_demand_picks_by_pattern_and_labels_new_items():
    rng = np.random.default_rng(1)
    demand = _weekly({
        "smooth": rng.poisson(20, 20),
        "rare": [0, 0, 5, 0, 0, 0, 3, 0, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 0],
        "new": [4, 6],
        "dead": [0] * 20,
        "returns": [5, -3, 4, 6, 5, 4, 5, 6, 4, 5, 6, 5, 4, 5, 6, 5, 4, 5, 6, 5],
    })
    fc, summary = forecast_demand(demand, 6, level=0.9)
    models = summary.set_index("sku")["model"].to_dict()
    assert models["smooth"] == "SES" and models["rare"] == "SBA" and models["new"] == "NEW_ITEM_MEAN"
    assert summary.set_index("sku").loc["new", "mean"] == pytest.approx(5.0)
    assert len(fc) == 5 * 6 and set(fc["step"]) == set(range(1, 7))
    assert (fc["lower"] >= 0).all() and (fc["lower"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper"]).all()
    assert fc[fc["sku"] == "dead"]["mean"].eq(0).all()
    assert (summary["mean"] >= 0).all()
    # history ends in the week of 2011-05-16 (20 weeks from 2011-01-03)
    assert fc["period_start"].min() == pd.Timestamp("2011-05-23").date()


def test_empirical_interval_covers_about_its_level():
    rng = np.random.default_rng(7)
    history = rng.poisson(30, (300, 60)).astype(float)
    demand = pd.DataFrame([(f"s{i}", (pd.Timestamp("2010-01-04") + pd.Timedelta(weeks=t)).date(), history[i, t])
                           for i in range(300) for t in range(52)], columns=["sku", "period_start", "qty"])
    fc, _ = forecast_demand(demand, 1, level=0.8)
    actual = history[:, 52]
    band = fc.sort_values("sku", key=lambda s: s.str[1:].astype(int))
    inside = (actual >= band["lower"].to_numpy()) & (actual <= band["upper"].to_numpy())
    assert 0.7 <= inside.mean() <= 0.9
