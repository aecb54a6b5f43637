"""The settings resolved once, at flow start: one frozen parameter object per stage.

Each task of the nightly flow takes its stage's object and nothing more; the wiring from the
validated settings to the library's parameters (``jitjic.wiring``) runs here, once per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
from jitjic.ingest import ColumnMapping, LineRules
from jitjic.policy import ExceptionRules, PolicyParams

from jitjic import forecasting, warehouse
from jitjic.evaluation import period_end
from jitjic.settings import Settings
from jitjic.simulation import SimulationParams, simulation_params
from jitjic.wiring import (
    check_ceilings,
    classify_params,
    column_mapping,
    exception_rules,
    forecast_params,
    line_rules,
    policy_params,
)

__all__ = [
    "Store",
    "IngestStage",
    "DemandStage",
    "ForecastStage",
    "ClassifyStage",
    "PolicyStage",
    "SimulateStage",
    "PublishStage",
    "ReportStage",
    "Stages",
    "resolve",
]


@dataclass(frozen=True)
class Store:
    """The working database and how long a stage waits while another process holds it."""

    database: Path
    lock_wait_seconds: float

    def connect(self) -> duckdb.DuckDBPyConnection:
        return warehouse.connect(self.database, wait_seconds=self.lock_wait_seconds)

    def read(self) -> duckdb.DuckDBPyConnection:
        """Read-only, as a Dask worker opens it (the flow has released it meanwhile)."""
        return warehouse.connect(self.database, read_only=True)


@dataclass(frozen=True)
class IngestStage:
    store: Store
    inputs: dict[str, tuple[str, ...]]  # kind (orders, items, stock) -> file patterns, loaded in that order
    mapping: ColumnMapping
    rules: LineRules
    replace_resent: bool


@dataclass(frozen=True)
class DemandStage:
    store: Store
    period: str
    as_of: date | None  # None: the last day of the order lines
    grain: str  # "period": rows stand for whole periods dated on their start; "auto": as loaded

    def end_of_history(self, last_order_date: date | None, loaded_grain: str = "line") -> date | None:
        """The run's as_of: the setting, else the last order date (with ``grain`` "period", or
        "auto" and ``loaded_grain`` "period" (``warehouse.order_lines_grain``), the last day of
        the period that date starts, or today if that is earlier: the last row stands for the
        whole period once it is over)."""
        if self.as_of is not None or last_order_date is None:
            return self.as_of or last_order_date
        if (loaded_grain if self.grain == "auto" else self.grain) != "period":
            return last_order_date
        # never past today: a period not over yet is partial (an export made mid-week)
        return min(period_end(last_order_date, self.period), date.today())


@dataclass(frozen=True)
class ForecastStage:
    store: Store
    period: str
    horizon: int  # [forecast] horizon; raised to the longest lead time + review among the SKUs
    model: dict[str, Any]  # forecasting.AutoForecast's keywords, named as in [forecast]
    policy: PolicyParams  # lead times and review period, for that raise
    timeout_seconds: float  # the partitioned stage on a cluster

    def row_wise(self) -> dict[str, Any]:
        return {k: v for k, v in self.model.items() if k in forecasting.pipeline.ROW_WISE_PARAMS}

    def seasonal(self) -> dict[str, Any]:
        return {k: v for k, v in self.model.items() if k in forecasting.pipeline.SEASONAL_PARAMS}


@dataclass(frozen=True)
class ClassifyStage:
    store: Store
    params: dict[str, Any]  # classification.classify_skus's keywords, named as in [classification]
    grain: str  # [demand] grain: "auto" reads the loaded order lines' (for abc_basis = "auto")


@dataclass(frozen=True)
class PolicyStage:
    store: Store
    policy: PolicyParams
    exceptions: ExceptionRules
    levels: tuple[float, ...]  # the simulation's curve levels: name the candidates chosen from


@dataclass(frozen=True)
class SimulateStage:
    store: Store
    enabled: bool
    replay: SimulationParams


@dataclass(frozen=True)
class PublishStage:
    store: Store
    analysts_database: Path
    keep_runs: int
    storage_version: str
    ceilings: dict[str, float] = field(default_factory=dict)  # what the data checks bind


@dataclass(frozen=True)
class ReportStage:
    """The report shows the run's settings and the mail goes where they say: this stage takes
    them whole (read-only: a frozen copy)."""

    store: Store
    settings: Settings


@dataclass(frozen=True)
class Stages:
    store: Store
    ingest: IngestStage
    demand: DemandStage
    forecast: ForecastStage
    classify: ClassifyStage
    policy: PolicyStage
    simulate: SimulateStage
    publish: PublishStage
    report: ReportStage


def resolve(settings: Settings) -> Stages:
    """Every stage's parameters from the validated settings."""
    store = Store(Path(settings.paths.database), settings.paths.lock_wait_seconds)
    params = policy_params(settings)
    return Stages(
        store=store,
        ingest=IngestStage(
            store,
            {kind: tuple(getattr(settings.inputs, kind)) for kind in ("orders", "items", "stock")},
            column_mapping(settings),
            line_rules(settings),
            settings.ingest.replace_resent,
        ),
        demand=DemandStage(store, settings.demand.period, settings.demand.as_of, settings.demand.grain),
        forecast=ForecastStage(
            store,
            settings.demand.period,
            settings.forecast.horizon,
            forecast_params(settings),
            params,
            settings.cluster.timeout_seconds,
        ),
        classify=ClassifyStage(store, classify_params(settings), settings.demand.grain),
        policy=PolicyStage(store, params, exception_rules(settings), tuple(settings.simulation.curve_levels)),
        simulate=SimulateStage(store, settings.simulation.enabled, simulation_params(settings)),
        publish=PublishStage(
            store,
            Path(settings.paths.analysts_database),
            settings.paths.keep_runs,
            settings.paths.analysts_storage_version,
            check_ceilings(settings),
        ),
        report=ReportStage(store, settings.model_copy(deep=True)),
    )
