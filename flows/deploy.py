"""The nightly schedule: a deployment of the nightly flow that loads its settings at run time."""

from __future__ import annotations

from typing import Any

from jitjic.flows.nightly import nightly_for
from prefect import flow, serve
from prefect.schedules import Cron

from jitjic.settings import Settings, load_settings

__all__ = ["scheduled_nightly", "nightly_deployment", "serve_nightly"]


@flow(name="jitjic-scheduled-nightly", log_prints=True)
def scheduled_nightly(config_file: str | None = None) -> dict[str, Any]:
    """Load and validate the settings now (secrets come from the environment, never from the
    deployment's stored parameters), then run the nightly flow."""
    from pathlib import Path

    settings = load_settings(Path(config_file) if config_file else None)
    timed = nightly_for(settings).with_options(timeout_seconds=settings.schedule.timeout_minutes * 60)
    return timed(settings)


def nightly_deployment(settings: Settings, config_file: str | None = None):
    """The deployment ``jitjic serve`` serves: cron in the configured time zone, one run at a time."""
    s = settings.schedule
    return scheduled_nightly.to_deployment(
        name=s.deployment_name,
        schedules=[Cron(s.cron, timezone=s.timezone)],
        concurrency_limit=1,
        parameters={"config_file": config_file},
        description="jitjic nightly: ingest, forecast, classify, recommend JIT/JIC, simulate, publish, report",
        tags=["jitjic", "nightly"],
    )


def serve_nightly(settings: Settings, config_file: str | None = None) -> None:
    """Serve the nightly deployment until interrupted."""
    serve(nightly_deployment(settings, config_file))
