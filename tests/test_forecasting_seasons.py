"""Calendar effects: pooled yearly profiles, special days, promotions, the end of a season."""

import numpy as np
import pandas as pd
import pytest
from jitjic.forecasting import forecast_demand
from jitjic.forecasting.seasons import (
    calendar_factors,
    easter,
    season_end,
    special_days,
    year_position,
    yearly_profiles,
)

WEEKS = pd.date_range("2010-12-06", periods=52, freq="7D")  # one year of Monday weeks


def christmas(pos: np.ndarray) -> np.ndarray:
    """A Christmas item's year: quiet, climbing from October, peaking in late November."""
    shape = 0.3 + 4.0 * np.exp(-((pos - 46) ** 2) / 30.0)
    return shape / shape.mean()


def catalogue(seasonal: int, flat: int, weeks=WEEKS, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    pos = year_position(weeks, "week")
    level = rng.uniform(3, 40, seasonal + flat)[:, None]
    profile = np.vstack([np.tile(christmas(pos), (seasonal, 1)), np.ones((flat, len(weeks)))])
    return rng.poisson(level * profile).astype(float), pos


def test_pooled_profile_recovers_a_known_season_from_one_year():
    y, pos = catalogue(seasonal=150, flat=150)
    profiles = yearly_profiles(y, pos, "week")
    truth = christmas(np.arange(52))
    seasonal, flat = profiles[:150], profiles[150:]
    # one year each, yet pooled over related SKUs the shape comes back
    assert np.corrcoef(seasonal.mean(axis=0), truth)[0, 1] > 0.95
    assert seasonal.max(axis=1).mean() == pytest.approx(truth.max(), rel=0.3)
    # and the non-seasonal SKUs of the same catalogue stay (nearly) flat
    assert np.abs(flat - 1).max(axis=1).mean() < 0.2


def test_pooled_profile_stays_off_without_seasons():
    y, pos = catalogue(seasonal=0, flat=300)
    profiles = yearly_profiles(y, pos, "week")
    # clustering pure noise must not invent seasons: the crossed fit leaves them flat
    assert np.abs(profiles - 1).max(axis=1).mean() < 0.1


def test_special_days_and_easter():
    assert str(easter(np.array([2014, 2018]))[1]) == "2018-04-01"
    assert str(easter(np.array([2014]))[0]) == "2014-04-20"
    days = pd.date_range("2014-01-01", "2017-12-31", freq="D")
    rng = np.random.default_rng(1)
    y = rng.poisson(5.0, (20, len(days))).astype(float)
    shut = ((days.month == 12) & (days.day == 25)) | np.isin(
        days.to_numpy().astype("datetime64[D]"), easter(np.arange(2014, 2018))
    )
    y[:, shut] = 0.0
    effects = special_days(y, days)
    assert effects[("md", 12, 25)] == 0.0 and effects[("easter", 0)] == 0.0
    assert len(effects) == 2  # nothing else is special in every year
    f = calendar_factors(y, days, "day", 400)
    ahead = pd.date_range("2018-01-01", periods=400, freq="D")
    closed = ((ahead.month == 12) & (ahead.day == 25)) | (ahead == "2018-04-01")
    assert (f.future[:, closed] == 0).all() and (f.future[:, ~closed] > 0.5).all()


def test_promotion_lift_is_a_known_input():
    rng = np.random.default_rng(4)
    weeks = pd.date_range("2015-01-05", periods=120, freq="7D")
    promo = (rng.random((60, 128)) < 0.2).astype(float)
    y = rng.poisson(10 * (1 + 1.0 * promo[:, :120])).astype(float)  # promotions double demand
    f = calendar_factors(y, weeks, "week", 8, promo)
    lift = f.future[promo[:, 120:] == 1].mean() / f.future[promo[:, 120:] == 0].mean()
    assert lift == pytest.approx(2.0, rel=0.15)


def test_season_end_columns_on_a_generated_christmas_item():
    """Items that peak before Christmas, seen for one year up to the end of November: the
    forecast falls into January and the summary says the season is ending, and when."""
    weeks = pd.date_range("2010-12-06", "2011-11-28", freq="7D")
    y, _ = catalogue(seasonal=60, flat=60, weeks=weeks, seed=2)
    ids = [f"X{i:03d}" for i in range(60)] + [f"F{i:03d}" for i in range(60)]
    demand = pd.DataFrame(
        {"sku": np.repeat(ids, len(weeks)), "period_start": np.tile(weeks.date, len(ids)), "qty": y.ravel()}
    )
    result = forecast_demand(demand, 8)
    summary = result.summary.set_index("sku")
    xmas, flat = summary.loc[summary.index.str.startswith("X")], summary.loc[summary.index.str.startswith("F")]
    assert xmas["season_ending"].mean() > 0.9
    assert xmas["season_end_periods"].between(1, 8).mean() > 0.9
    assert not flat["season_ending"].any() and flat["season_end_periods"].isna().mean() > 0.9
    fc = result.forecasts.pivot(index="sku", columns="step", values="mean")
    january = fc.loc[xmas.index, [5, 6, 7, 8]].mean(axis=1)
    recent = pd.Series(y[:60, -4:].mean(axis=1), index=xmas.index)
    assert (january < 0.5 * recent).mean() > 0.9  # it does not run on past the peak


def test_season_end_by_hand():
    profile = np.ones((3, 52))
    profile[0, 40:50] = 3.0  # peak behind the first forecast position (47): ending in 3 weeks
    profile[1, 46 : 60 % 52] = 3.0  # a season just starting at 46: more of it ahead than behind
    profile[1, 46:52] = 3.0
    profile /= profile.mean(axis=1, keepdims=True)
    ending, periods = season_end(profile, np.arange(47, 55) % 52, "week", 8)
    assert ending.tolist() == [True, False, False]
    assert periods[0] == 3 and periods[1] == 5 and np.isnan(periods[2])
