"""Settings: TOML + environment, validated once with messages naming the key."""

import dataclasses
import importlib
import inspect
from pathlib import Path

import pytest

from jitjic.settings import Settings, SettingsError, load_settings


def test_defaults_are_valid():
    s = load_settings(None, use_default_file=False)
    assert s.demand.period == "week"
    assert s.classification.abc_cutoffs == (0.8, 0.95)
    assert s.policy.jic_classes == ["A", "B"]


def test_toml_file_is_read(tmp_path: Path):
    cfg = tmp_path / "j.toml"
    cfg.write_text('[forecast]\nhorizon = 12\n[classification]\nabc_basis = "volume"\n')
    s = load_settings(cfg)
    assert s.forecast.horizon == 12
    assert s.classification.abc_basis == "volume"


def test_environment_beats_file(tmp_path: Path, monkeypatch):
    cfg = tmp_path / "j.toml"
    cfg.write_text("[forecast]\nhorizon = 12\n")
    monkeypatch.setenv("JITJIC_FORECAST__HORIZON", "5")
    assert load_settings(cfg).forecast.horizon == 5


@pytest.mark.parametrize(
    ("toml", "key", "words"),
    [
        ("[forecast]\nhorizon = 0\n", "forecast.horizon", "greater than or equal to 1"),
        ("[classification]\nabc_cutoffs = [0.9, 0.8]\n", "classification.abc_cutoffs", "A cut-off < B cut-off"),
        ("[policy]\nservice_level = { A = 1.5 }\n", "policy.service_level", "[0.5, 1.0)"),
        ('[demand]\nperiod = "fortnight"\n', "demand.period", "'day', 'week' or 'month'"),
        ("[forecast]\nhorizn = 3\n", "forecast.horizn", "Extra inputs are not permitted"),
        ('[ingest]\ndate_fromat = "%d/%m/%Y"\n', "ingest.date_fromat", "; did you mean ingest.date_format?"),
        ("[forcast]\nhorizon = 3\n", "forcast", "; did you mean forecast?"),
        (
            '[ingest]\nitem_columns = { unit_costs = "cost_eur" }\n',
            "ingest.item_columns",
            "names unknown canonical columns 'unit_costs' (did you mean unit_cost?)",
        ),
    ],
)
def test_wrong_values_name_the_key(tmp_path: Path, toml: str, key: str, words: str):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(toml)
    with pytest.raises(SettingsError) as err:
        load_settings(cfg)
    assert key in str(err.value)
    assert words in str(err.value)
    assert str(cfg) in str(err.value)


def test_service_level_needed_for_every_jic_class(tmp_path: Path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[policy]\njic_classes = ["A", "B", "C"]\nservice_level = { A = 0.95, B = 0.9 }\n')
    with pytest.raises(SettingsError, match=r"no level for JIC classes \['C'\]"):
        load_settings(cfg)


def test_missing_file_and_bad_toml(tmp_path: Path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")
    cfg = tmp_path / "broken.toml"
    cfg.write_text("[forecast\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(cfg)


def test_bad_environment_value_is_reported(monkeypatch):
    monkeypatch.setenv("JITJIC_FORECAST__HORIZON", "soon")
    with pytest.raises(SettingsError) as err:
        load_settings(None, use_default_file=False)
    assert "forecast.horizon" in str(err.value)
    assert "JITJIC_FORECAST__HORIZON" in str(err.value)


def test_example_config_is_valid_and_complete():
    from pathlib import Path

    from jitjic.settings import Settings

    example = Path(__file__).resolve().parents[1] / "jitjic.example.toml"
    settings = load_settings(example)
    text = example.read_text()
    for section, field in Settings.model_fields.items():
        for key in field.annotation.model_fields:
            assert f"{key} =" in text or f"# {key}" in text, f"[{section}] {key} is not in jitjic.example.toml"
    assert settings.email.enabled is False


# -- one default per key: the settings' defaults are the library's -----------------------------
def _library_defaults(target) -> dict:
    if dataclasses.is_dataclass(target):
        return {
            f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()
            for f in dataclasses.fields(target)
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
        }
    return {
        name: p.default
        for name, p in inspect.signature(target).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


def _plain(value):
    return tuple(value) if isinstance(value, list) else value


@pytest.mark.parametrize(
    ("section", "target", "least"),
    [
        ("forecast", "jitjic.forecasting.AutoForecast", 7),
        ("forecast", "jitjic.forecasting.forecast_demand", 1),
        ("classification", "jitjic.classification.classify_skus", 8),
        ("policy", "jitjic.policy.PolicyParams", 25),
        ("exceptions", "jitjic.policy.ExceptionRules", 2),
    ],
)
def test_the_settings_defaults_are_the_librarys(section, target, least):
    """A key means one thing with one default from TOML to library: where a library function or
    parameter class takes a key of the section by the same name, both defaults agree."""
    module, name = target.rsplit(".", 1)
    library = _library_defaults(getattr(importlib.import_module(module), name))
    ours = getattr(Settings(), section).model_dump()
    shared = sorted(set(library) & set(ours))
    assert len(shared) >= least, f"{target} shares only {shared} with [{section}]: names drifted apart"
    differ = {k: (_plain(ours[k]), _plain(library[k])) for k in shared if _plain(ours[k]) != _plain(library[k])}
    assert not differ, f"[{section}] default (settings, library) differ: {differ}"


def test_relative_files_in_a_settings_file_are_read_from_its_folder(tmp_path, monkeypatch):
    """A nightly job started from another folder must use the files its settings name, not an
    empty warehouse beside wherever cron happened to start it."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "jitjic.toml").write_text(
        '[paths]\ndatabase = "out/work.duckdb"\nanalysts_database = "/abs/analysts.duckdb"\n'
        '[inputs]\norders = ["in/*.csv", "/abs/more.csv"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    s = load_settings(folder / "jitjic.toml", paths={"reports_dir": "reports"})
    assert s.paths.database == folder / "out" / "work.duckdb"
    assert s.paths.analysts_database == Path("/abs/analysts.duckdb")
    assert s.inputs.orders == [str(folder / "in" / "*.csv"), "/abs/more.csv"]
    assert s.paths.reports_dir == Path("reports")  # a command-line option: relative to where it was typed


def test_an_unknown_order_line_column_is_a_settings_error_with_a_hint():
    """Caught when the settings load (exit 2 naming the key), not at ingest, where the run
    would fail before it is recorded."""
    with pytest.raises(SettingsError, match=r"ingest.columns.*'qtty' \(did you mean quantity\?\)"):
        load_settings(None, use_default_file=False, ingest={"columns": {"qtty": "Quantity"}})
