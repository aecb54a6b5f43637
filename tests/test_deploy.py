"""The nightly deployment's definition: cron, time zone, parameters, one run at a time."""

from pathlib import Path

import pytest
import yaml

from jitjic.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]


def test_deployment_from_settings(tmp_path):
    from jitjic.flows.deploy import nightly_deployment

    cfg = tmp_path / "j.toml"
    cfg.write_text('[schedule]\ncron = "15 3 * * 1-5"\ntimezone = "America/Chicago"\ndeployment_name = "weeknights"\n')
    deployment = nightly_deployment(load_settings(cfg), str(cfg))
    assert deployment.name == "weeknights"
    (schedule,) = deployment.schedules
    assert schedule.schedule.cron == "15 3 * * 1-5" and schedule.schedule.timezone == "America/Chicago"
    assert deployment.parameters == {"config_file": str(cfg)}
    assert deployment.concurrency_limit == 1


def test_schedule_settings_are_validated(tmp_path):
    cfg = tmp_path / "j.toml"
    cfg.write_text('[schedule]\ncron = "every night"\n')
    with pytest.raises(SettingsError, match="cron needs 5 fields"):
        load_settings(cfg)
    cfg.write_text('[schedule]\ntimezone = "Mars/Olympus"\n')
    with pytest.raises(SettingsError, match="unknown time zone"):
        load_settings(cfg)


def test_prefect_yaml_matches_the_default_schedule():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    defaults = load_settings(None, use_default_file=False).schedule
    assert deployment["schedules"] == [{"cron": defaults.cron, "timezone": defaults.timezone}]
    assert deployment["concurrency_limit"] == 1
    module, name = deployment["entrypoint"].split(":")
    assert (ROOT / module).exists() and f"def {name}(" in (ROOT / module).read_text()
