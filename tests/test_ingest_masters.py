"""Item master values in the file's own units (ingest.item_units) come out in jitjic's."""

import pandas as pd
import pytest
from jitjic.ingest import parse_items
from jitjic.ingest.mapping import mapping_for
from jitjic.ingest.masters import ITEM_COLUMNS

from jitjic.settings import SettingsError, load_settings


def raw_items(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    frame = pd.DataFrame({c: [pd.NA] * n for c in ITEM_COLUMNS})
    for col, values in columns.items():
        frame[col] = [str(v) for v in values]
    return frame.assign(source_row=range(2, n + 2))


def test_lead_times_in_weeks_and_months_become_days():
    raw = raw_items(sku=["A", "B"], lead_time_days=[2, 16], lead_time_std_days=[1, 0.5])
    weeks = parse_items(raw, units={"lead_time_days": "weeks", "lead_time_std_days": "weeks"})
    assert weeks["lead_time_days"].tolist() == [14.0, 112.0]
    assert weeks["lead_time_std_days"].tolist() == [7.0, 3.5]
    months = parse_items(raw, units={"lead_time_days": "months"})
    assert months["lead_time_days"].tolist() == pytest.approx([2 * 365 / 12, 16 * 365 / 12])
    assert months["lead_time_std_days"].tolist() == [1.0, 0.5]  # not named: already days
    assert parse_items(raw)["lead_time_days"].tolist() == [2.0, 16.0]


def test_a_holding_cost_per_unit_and_year_becomes_a_share_of_unit_cost():
    raw = raw_items(sku=["A", "B"], unit_cost=[10, 2.5], holding_rate=[2, 0.5])
    out = parse_items(raw, units={"holding_rate": "per_unit_year"})
    assert out["holding_rate"].tolist() == [0.2, 0.2]
    assert out["rule"].isna().all()


def test_converted_values_meet_the_limits_in_days():
    from jitjic.ingest import LineRules

    raw = raw_items(sku=["A"], lead_time_days=[30])
    out = parse_items(raw, LineRules(max_lead_time_days=730), units={"lead_time_days": "months"})
    assert out.loc[0, "rule"] == "lead_time_too_long"
    assert out.loc[0, "reason"] == "lead_time_days (in months) is beyond limits.max_lead_time_days (730 days)"


@pytest.mark.parametrize(
    ("units", "words"),
    [
        (
            {"lead_time_days": "week"},
            "lead_time_days = 'week' (did you mean weeks?): lead_time_days is given in one of",
        ),
        ({"holding_rate": "per_unit"}, "(did you mean per_unit_year?)"),
        ({"lead_time": "weeks"}, "'lead_time' (did you mean lead_time_days?) takes no unit"),
        ({"unit_cost": "cents"}, "'unit_cost' takes no unit; columns with a unit: lead_time_days,"),
    ],
)
def test_a_unit_jitjic_cannot_read_is_refused_with_the_closest(units, words, tmp_path):
    with pytest.raises(ValueError, match="ingest.item_units") as err:
        mapping_for("canonical", item_units=units)
    assert words in str(err.value)
    with pytest.raises(ValueError, match="ingest.item_units"):
        parse_items(raw_items(sku=["A"]), units=units)
    cfg = tmp_path / "j.toml"
    key, unit = next(iter(units.items()))
    cfg.write_text(f'[ingest]\nitem_units = {{ {key} = "{unit}" }}\n')
    with pytest.raises(SettingsError) as err:
        load_settings(cfg)
    assert "ingest.item_units" in str(err.value) and words in str(err.value)
