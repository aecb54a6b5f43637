"""The settings resolved once per run into each stage's parameters (flows/stages.py)."""

from datetime import date

from jitjic.flows.stages import resolve

from jitjic.settings import load_settings


def _stages(**sections):
    return resolve(load_settings(None, use_default_file=False, **sections))


def test_weekly_rows_dated_on_mondays_keep_their_last_week():
    """A weekly export dated on each week's Monday: the last row is a whole week, not a partial
    one, so the run's as_of is that week's Sunday (with dated sales it stays the last date)."""
    monday = date(2014, 11, 3)
    assert _stages(demand={"grain": "period"}).demand.end_of_history(monday) == date(2014, 11, 9)
    assert _stages(demand={"grain": "period", "period": "month"}).demand.end_of_history(date(2014, 11, 1)) == date(
        2014, 11, 30
    )
    assert _stages().demand.end_of_history(monday) == monday
    assert _stages(demand={"grain": "period", "as_of": "2014-10-31"}).demand.end_of_history(monday) == date(
        2014, 10, 31
    )
    # this week's row, exported mid-week: the week is not over, its demand partial
    assert _stages(demand={"grain": "period"}).demand.end_of_history(date.today()) == date.today()


def test_by_default_the_grain_is_the_loaded_lines():
    """demand.grain = "auto": the end of history follows what the loads found (load_log.grain)."""
    monday = date(2014, 11, 3)
    assert _stages().demand.end_of_history(monday, "period") == date(2014, 11, 9)
    assert _stages().demand.end_of_history(monday, "line") == monday
    assert _stages(demand={"grain": "line"}).demand.end_of_history(monday, "period") == monday
    assert _stages().classify.grain == "auto"


def test_each_stage_gets_the_settings_it_names():
    s = _stages(
        forecast={"horizon": 13, "backtest_origins": 4},
        classification={"abc_basis": "value"},
        paths={"database": "w.duckdb"},
    )
    assert s.forecast.horizon == 13 and s.forecast.model["backtest_origins"] == 4
    assert s.classify.params["abc_basis"] == "value"
    assert {s.ingest.store, s.forecast.store, s.publish.store} == {s.store} and str(s.store.database) == "w.duckdb"
    assert s.simulate.replay.policy == s.policy.policy
