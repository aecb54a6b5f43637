"""One settings object: a TOML file plus ``JITJIC_*`` environment overrides, validated once."""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
import typing
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import SettingsError as _SourceError

__all__ = ["Settings", "SettingsError", "load_settings", "DEFAULT_CONFIG_FILE", "ENV_PREFIX", "OTHER_ENV_NAMES"]

DEFAULT_CONFIG_FILE = Path("jitjic.toml")
ENV_PREFIX = "JITJIC_"
# JITJIC_* variables that are not settings: prefect.yaml's project folder, a benchmark switch
OTHER_ENV_NAMES = ("JITJIC_HOME", "JITJIC_SKIP_STATSFORECAST")


class SettingsError(ValueError):
    """A configuration value is wrong; the message names the key, the value and the rule."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Paths(_Section):
    # the pipeline's own working database: private, written only by the nightly run
    database: Path = Path("data/work/jitjic_work.duckdb")
    # what analysts open (read-only): replaced as a whole at each publish
    analysts_database: Path = Path("data/jitjic.duckdb")
    # the storage format of the analysts' file: "v1.0.0" opens in every DuckDB from 1.0 on (the
    # DuckDB CLI from pip, BI tools on DuckDB 1.x); "latest" only in this DuckDB and newer
    analysts_storage_version: str = Field("v1.0.0", pattern=r"^(v\d+\.\d+\.\d+|latest)$")
    reports_dir: Path = Path("data/reports")
    # completed runs whose results the analysts' database keeps (the run history keeps all)
    keep_runs: int = Field(30, ge=1)
    # the nightly run waits this long for a working database another process holds, then gives
    # up naming the holder (exit 4)
    lock_wait_seconds: float = Field(30.0, ge=0)


class Inputs(_Section):
    """Files the nightly flow ingests; each entry may be a glob. Relative paths are from the cwd."""

    orders: list[str] = ["data/sample/online_retail_sample.csv.gz"]
    items: list[str] = ["data/sample/items.csv"]
    stock: list[str] = ["data/sample/stock.csv"]
    # a newest stock count this many days older than the run's business date (as_of) is a
    # warning on every page of the report, the mail and the workbook: the proposal is then
    # computed from stock that has moved since
    max_stock_age_days: float = Field(7.0, ge=0)


class Ingest(_Section):
    """How an order-line export maps onto jitjic's columns and which rows count as demand."""

    preset: Literal["online_retail", "canonical"] = "online_retail"
    # canonical column -> column name in the export, overriding the preset's mapping
    columns: dict[str, str] = {}
    # the same for item master and stock files: jitjic's name -> the file's column. Names only:
    # a unit other than jitjic's is stated in item_units
    item_columns: dict[str, str] = {}
    stock_columns: dict[str, str] = {}
    # the unit an item master gives a column in, where it is not jitjic's: lead_time_days and
    # lead_time_std_days in "days", "weeks" or "months" (365/12 days); holding_rate as a "share"
    # of unit cost per year or "per_unit_year" (money per unit and year, read over unit_cost)
    item_units: dict[str, str] = {}
    # columns of item master and stock files that jitjic has no use for: skipped. Any other
    # column jitjic does not know refuses the file, so that a column meant for it is never lost
    ignore_columns: list[str] = []
    date_format: str | None = None
    delimiter: str | None = None
    # "exclude": cancellations are rejected (demand = gross sales);
    # "net": they are loaded as negative quantities and net the demand of their period
    returns: Literal["exclude", "net"] = "exclude"
    # a file that sends an (order_id, sku) again corrects it: the earlier lines of that order and
    # SKU it does not repeat are removed (the latest file wins); false: lines are only ever added
    replace_resent: bool = True
    cancellation_prefix: str | None = None
    non_product_codes: list[str] | None = None
    product_code_pattern: str | None = None
    # "," for exports that write 2,55: "." then separates thousands and is dropped
    decimal: Literal[".", ","] = "."
    # lines dated before min_date, or more than max_history_years before the file's (or the
    # warehouse's) newest line, are typos such as 1900 (rejected too_old): one would stretch every
    # SKU's history back to it and make runs crawl
    min_date: date = date(2000, 1, 1)
    max_history_years: int = Field(10, ge=1, le=100)
    # a file in which one rule that points at a settings mistake (bad_date, bad_quantity, ...)
    # rejects more than this share of the rows is refused as a whole with a hint: fix the setting
    # and load the same file again (1: never)
    refuse_share: float = Field(0.5, gt=0, le=1)

    @field_validator("date_format")
    @classmethod
    def _date_format_parses(cls, v: str | None) -> str | None:
        if v is not None:
            import pandas as pd

            try:
                if "%" not in v:
                    raise ValueError
                pd.to_datetime(pd.Series(["x"]), format=v, errors="coerce")  # a bad directive raises
            except ValueError:
                raise ValueError(f"{v!r} is not a strftime date format such as '%d/%m/%Y %H:%M'") from None
        return v

    @field_validator("columns", "item_columns", "stock_columns")
    @classmethod
    def _canonical_keys(cls, v: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        from jitjic.ingest.mapping import MAPPED_COLUMNS, unknown_keys

        why = unknown_keys(v, MAPPED_COLUMNS[str(info.field_name)])
        if why:
            raise ValueError(why)
        return v

    @field_validator("item_units")
    @classmethod
    def _known_units(cls, v: dict[str, str]) -> dict[str, str]:
        from jitjic.ingest.masters import unit_problems

        why = unit_problems(v)
        if why:
            raise ValueError(why)
        return v

    @field_validator("delimiter")
    @classmethod
    def _one_character(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError(f"the delimiter is one character such as ';' or '\\t', got {v!r}")
        return v

    @field_validator("product_code_pattern")
    @classmethod
    def _regex_compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"{v!r} is not a regular expression: {exc}") from None
        return v


class Limits(_Section):
    """Sanity limits: an input row beyond one is rejected with its rule; a run whose
    recommendations pass an output ceiling fails its data checks and publishes nothing. At most
    1e9 each, so no sum of accepted lines can overflow DuckDB's DECIMAL(38, 6)."""

    max_quantity: float = Field(1e6, gt=0, le=1e9, description="units per order line (either sign)")
    max_unit_price: float = Field(1e6, gt=0, le=1e9, description="currency per unit")
    max_unit_cost: float = Field(1e6, gt=0, le=1e9, description="currency per unit (item master)")
    max_order_cost: float = Field(1e6, gt=0, le=1e9, description="currency per purchase order")
    max_lead_time_days: float = Field(730.0, gt=0, le=36500)
    max_moq: float = Field(1e6, gt=0, le=1e9, description="units")
    max_pack_size: float = Field(1e6, gt=0, le=1e9, description="units")
    max_stock: float = Field(1e8, gt=0, le=1e9, description="units on hand or on order")
    # output ceilings, checked before publishing (sql/checks/recommendations_ceilings.sql)
    max_order_units: float = Field(1e7, gt=0, description="units in one order or order-up-to level")
    max_order_value: float = Field(1e9, gt=0, description="currency: an order's value, capital tied up")


class Demand(_Section):
    period: Literal["day", "week", "month"] = "week"
    # last day of observed history; default: the last order date loaded
    as_of: date | None = None
    # "line": the order lines are dated sales (a last period not yet over is partial, left out);
    # "period": each row is a whole period's demand dated on its first day (a Monday for weeks),
    # so a zero is a period without demand (kept, not rejected), the default as_of is the end of
    # the last period and that period is kept; "auto": each order file is judged when it is
    # loaded (period totals: at least 99% of its lines dated midnight on a period's first day,
    # and at least 99% of its SKU-periods with one line), and the load report says which
    grain: Literal["auto", "line", "period"] = "auto"

    @field_validator("as_of")
    @classmethod
    def _not_in_the_future(cls, v: date | None) -> date | None:
        # a future as_of would zero-fill every SKU up to it: wrong demand and a crawling run
        if v is not None and v > date.today() + timedelta(days=1):
            raise ValueError(f"{v} is in the future; as_of is the last day of observed history")
        return v


class Forecast(_Section):
    horizon: int = Field(8, ge=1, le=104, description="periods ahead")
    interval_level: float = Field(0.9, gt=0.5, lt=1.0)
    # rolling-origin backtest: origins, periods between them (default: half the horizon), and
    # how much better (share of RMSSE) a SKU's own best model must be to replace its group's
    # choice; a challenger replaces SES only when it wins on significantly many origins
    backtest_origins: int = Field(10, ge=1, le=52)
    origin_step: int | None = Field(None, ge=1)
    switch_margin: float = Field(0.5, ge=0.0, le=1.0)
    # SKUs share a model choice by recent trend (up/flat/down), by demand pattern, or all together
    select_by: Literal["trend", "pattern", "all"] = "trend"
    # candidate models (see README); GlobalGBM is slow and lost the benchmark, and statsmodels
    # Holt-Winters won no catalogue once the calendar factors carry the season: both opt-in
    models: list[str] = ["Naive", "SeasonalNaive", "MA4", "MA8", "SES", "HoltDamped", "SBA", "TSB", "ADIDA", "IMAPA"]
    # statsmodels Holt-Winters costs ~0.1 s per SKU and origin: fitted on at most this many SKUs
    # (the biggest by volume with two seasons of mostly non-zero history); the rest use damped Holt
    seasonal_limit: int = Field(200, ge=0)

    @field_validator("models")
    @classmethod
    def _known_models(cls, v: list[str]) -> list[str]:
        from jitjic.forecasting.models import MODELS

        unknown = sorted(set(v) - set(MODELS))
        if unknown or not v:
            raise ValueError(f"unknown models {unknown}; known: {sorted(MODELS)}")
        return v


class Classification(_Section):
    # what ranks an item as popular: "hits" (order lines: how often customers ask for it, the
    # JIT/JIC guidance's "popular" vs "rarely requested"), "value" (units x cost: where the
    # capital is) or "volume" (units); "auto": hits for dated sales, and where the order lines
    # are period totals (one per SKU and period, so a line counts periods, not requests) value
    # where a unit cost or price is known, else volume. sku_classes.abc_basis says which was used
    abc_basis: Literal["auto", "value", "volume", "hits"] = "auto"
    abc_cutoffs: tuple[float, float] = (0.80, 0.95)
    xyz_cutoffs: tuple[float, float] = (0.5, 1.0)
    # periods of history the classes are read from (unset: a year at demand.period's grain)
    window_periods: int | None = Field(None, ge=4, description="periods of history used (unset: a year)")
    # lifecycle: fewer periods than this since the first sale -> new
    new_periods: int = Field(13, ge=1)
    # no demand for this many periods, and for dead_intervals times the item's own mean interval
    # between demands -> dead (phase out, never reordered)
    dead_periods: int = Field(13, ge=1)
    dead_intervals: float = Field(3.0, ge=1.0)
    # an item keeps last run's ABC class while within this share of the basis of the border, and
    # its XYZ class while its CV is within this share of the cut-off: no flip on a 0.01 change
    abc_hold: float = Field(0.02, ge=0, lt=0.5)
    xyz_hold: float = Field(0.1, ge=0, lt=1.0)

    @field_validator("abc_cutoffs")
    @classmethod
    def _abc_increasing(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not 0 < v[0] < v[1] <= 1:
            raise ValueError(f"must satisfy 0 < A cut-off < B cut-off <= 1, got {list(v)}")
        return v

    @field_validator("xyz_cutoffs")
    @classmethod
    def _xyz_increasing(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not 0 < v[0] < v[1]:
            raise ValueError(f"must satisfy 0 < X cut-off < Y cut-off, got {list(v)}")
        return v


class Policy(_Section):
    """Where the JIT/JIC line falls, the service targets, the costs behind both, and the
    defaults assumed where the item master is silent."""

    # "cost": buffer an item (JIC) where that costs less per year than ordering it to demand (JIT),
    # counting holding, obsolescence, orders and stock-outs; "class": buffer the popular classes
    # (jic_classes), the rest JIT
    decide_by: Literal["cost", "class"] = "cost"
    # "class": each buffer at its class's service_level (the item master's own target wins);
    # "cost": at the cycle service level that minimises its expected cost
    targets: Literal["cost", "class"] = "class"
    jic_classes: list[Literal["A", "B", "C"]] = ["A", "B"]
    service_level: dict[Literal["A", "B", "C"], float] = {"A": 0.95, "B": 0.90, "C": 0.85}
    # an item keeps last run's choice unless the other costs this share less a year (no flip on a
    # small change in the forecast)
    switch_margin: float = Field(0.1, ge=0.0, le=1.0)
    # an item with at least this many periods of history (a year of weeks) is priced by replaying
    # both choices on its latest periods, lumps and packs included; 0: always by the formulas
    replay_history: int = Field(52, ge=0)
    # demand over lead time + review: the forecast's calibrated quantiles ("forecast") or the
    # item's own sums over the interval from its last distribution_window_days ("history")
    demand_distribution: Literal["forecast", "history"] = "forecast"
    distribution_window_days: float = Field(730.0, gt=0)
    # with decide_by = "cost": an item departs from its class's choice (jic_classes buffered) only
    # where the other choice costs this share less a year
    class_margin: float = Field(0.0, ge=0)
    # per-item levels weigh a unit short at its cost ("cost") or all alike ("fill": the most fill
    # for the stock)
    allocate_by: Literal["cost", "fill"] = "cost"
    # with per-item levels (targets = "cost", a budget or a fill target): none below its class's
    class_floor: bool = False
    # per-item levels that meet this planned average stock value (currency), or this expected
    # fill rate, at the least expected cost (at most one of the two)
    stock_budget: float | None = Field(None, gt=0)
    fill_target: float | None = Field(None, gt=0, lt=1)
    # new items (classification.new_periods): decided like any other ("rule": by cost or class, as
    # decide_by says), or always JIT (until their history is longer) or always JIC
    new_item_policy: Literal["rule", "JIT", "JIC"] = "rule"
    # with targets = "class": service_level is a cycle service level ("cycle") or a fill rate
    service_measure: Literal["cycle", "fill_rate"] = "cycle"
    # days between two reviews of an item's position; unset: one planning period (demand.period),
    # as the nightly run and the replay review. The item master's review_period_days wins
    review_period_days: float | None = Field(None, gt=0)
    # EOQ knows no obsolescence: an order covers at most this many days of forecast demand (0: no cap)
    max_order_cover_days: float = Field(365.0, ge=0)
    # an item master's on_time_rate (where the spread is missing) becomes a lead-time mean and
    # spread by assuming late deliveries come this many days late
    late_delivery_days: float = Field(7.0, ge=0)
    holding_rate: float = Field(0.25, gt=0, le=2.0, description="carrying cost per year, share of unit cost")
    # share of a stock's value lost per year it sits (the item master's obsolescence_rate wins)
    obsolescence_rate: dict[Literal["A", "B", "C"], float] = {"A": 0.05, "B": 0.10, "C": 0.20}
    order_cost: float = Field(25.0, ge=0, description="currency per purchase order, freight included")
    # currency per order line: a line that rides on a purchase order the supplier gets anyway
    # costs only this
    order_line_cost: float = Field(1.0, ge=0)
    # share of unmet demand that waits for the supplier's delivery, the rest buys elsewhere (the
    # item master's backorder_share wins): rarely requested items are usually special-ordered
    backorder_share: dict[Literal["A", "B", "C"], float] = {"A": 0.0, "B": 0.25, "C": 0.5}
    # what a customer's wait costs per unit and day waited (a discount, expediting), share of the
    # selling price: 0.005 is 3.5% a week
    waiting_cost_per_day: float = Field(0.005, ge=0, le=1.0)
    # the longest a customer waits, per class (days): where lead time + review is longer, every
    # unit short is lost (the item master's max_wait_days wins)
    max_wait_days: dict[Literal["A", "B", "C"], float] = {"A": 7.0, "B": 21.0, "C": 42.0}
    # what a unit short costs beyond the lost margin or the wait (currency per unit; a machine
    # stopped for a missing part), per class (the item master's shortage_cost wins)
    shortage_cost: dict[Literal["A", "B", "C"], float] = {"A": 0.0, "B": 0.0, "C": 0.0}
    default_lead_time_days: float = Field(14.0, ge=0)
    default_lead_time_std_days: float = Field(3.0, ge=0)
    # unit cost assumed as this share of the average selling price when the item master has none
    default_cost_ratio: float = Field(0.6, gt=0, le=1.0)
    default_moq: float = Field(1.0, gt=0)
    default_pack_size: float = Field(1.0, gt=0)

    @field_validator("service_level")
    @classmethod
    def _levels_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for k, level in v.items():
            if not 0.5 <= level < 1.0:
                raise ValueError(f"service level for class {k} must be in [0.5, 1.0), got {level}")
        return v

    @field_validator("obsolescence_rate", "backorder_share")
    @classmethod
    def _shares(cls, v: dict[str, float]) -> dict[str, float]:
        for k, share in v.items():
            if not 0.0 <= share <= 1.0:
                raise ValueError(f"class {k}: must be a share between 0 and 1, got {share}")
        return v

    @field_validator("max_wait_days", "shortage_cost")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        for k, value in v.items():
            if not (value >= 0.0 and value < float("inf")):
                raise ValueError(f"class {k}: must be a finite number >= 0, got {value}")
        return v

    @model_validator(mode="after")
    def _one_goal(self) -> Policy:
        if self.stock_budget is not None and self.fill_target is not None:
            raise ValueError("set stock_budget or fill_target, not both")
        return self


class Exceptions(_Section):
    """What the report and the ``exceptions`` view flag for a buyer to look at."""

    # stock on hand beyond the order-up-to level plus this many weeks of mean demand is excess
    excess_weeks: float = Field(8.0, ge=0)
    # a safety stock above this many weeks of mean demand is out of proportion
    buffer_weeks: float = Field(10.0, ge=0)


class Simulation(_Section):
    """The policy replay (``jitjic simulate`` and the nightly flow's simulate stage)."""

    enabled: bool = True
    # last periods replayed; 0: all but the first warmup_periods (at most 104)
    weeks: int = Field(0, ge=0, le=104, description="last periods replayed (0: all after the warm-up)")
    warmup_periods: int = Field(20, ge=12, description="history the first replayed forecast sees (weeks = 0)")
    # "item": each item's backorder_share waits, the rest is lost; "lost": all unmet demand is
    # lost; "backorders": all of it waits for stock (and is served first)
    unmet_demand: Literal["item", "lost", "backorders"] = "item"
    # every replayed week refits the forecasts: beyond this many SKUs a class-stratified sample
    # is replayed and its sums weighted up (the report says so)
    max_skus: int = Field(2000, ge=50)
    # the exchange curve: JIC everywhere replayed at these uniform cycle service levels
    curve_levels: list[float] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99]
    # the nightly run plans with the cheapest policy on this replay: the per-item recommendation,
    # JIT everywhere, JIC everywhere at each curve level or a class-rule variant; last night's
    # choice stays unless another costs choice_margin (a share) less
    choose_policy: bool = True
    choice_margin: float = Field(0.02, ge=0.0, lt=1.0, description="cost advantage needed to change the chosen policy")

    @field_validator("curve_levels")
    @classmethod
    def _curve_levels(cls, v: list[float]) -> list[float]:
        if not v or not all(0.0 < level < 1.0 for level in v):
            raise ValueError(f"curve levels must be shares between 0 and 1, got {v}")
        return sorted(set(v))


PLAINTEXT_AUTH = (
    'email.user is set with email.security = "none": the password would cross the network in '
    'clear text; use security = "starttls" or "ssl", or set email.allow_plaintext_auth = true '
    "(a relay on this machine)"
)


class Email(_Section):
    """SMTP delivery of the report and of failure alerts. Set the password through the
    environment (JITJIC_EMAIL__PASSWORD), not in the file; it is never logged."""

    enabled: bool = False
    host: str = "localhost"
    port: int = Field(25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    user: str | None = None
    password: SecretStr | None = None
    # with security = "none" a login would send the password in clear text over the network;
    # true only for a relay on this machine or a trusted link
    allow_plaintext_auth: bool = False
    sender: str = "jitjic@localhost"
    recipients: list[str] = []
    ops_recipients: list[str] = []
    timeout_seconds: float = Field(30.0, gt=0)
    # waits between attempts when the server does not answer (one retry per entry)
    retry_delays_seconds: list[float] = [10.0, 60.0, 300.0]
    subject_prefix: str = "[jitjic]"
    # files larger than this (together) stay on disk, and the mail says where: many mail servers
    # refuse messages over 10-25 MB, and the workbook of a large catalogue passes 10 MB
    max_attachments_mb: float = Field(10.0, gt=0)
    # "new_stock": the nightly mail goes out only when the run saw a newer stock count than the
    # previous completed run (else the same list would be proposed twice); "always": every run
    send_when: Literal["new_stock", "always"] = "new_stock"

    @model_validator(mode="after")
    def _recipients_when_enabled(self) -> Email:
        if self.enabled and not self.recipients:
            raise ValueError("email.enabled is true but email.recipients is empty")
        return self

    @model_validator(mode="after")
    def _no_password_in_clear(self) -> Email:
        if self.enabled and self.user and self.security == "none" and not self.allow_plaintext_auth:
            raise ValueError(PLAINTEXT_AUTH)
        return self


class Report(_Section):
    """What the report, the mail and the workbook show."""

    # the currency of the input prices and costs, as money is labelled (an ISO code such as GBP)
    currency: str = Field("GBP", min_length=1, max_length=8)
    # order lines and exceptions listed in the report and the mail (the workbook has every row)
    top_lines: int = Field(25, ge=1, le=1000)
    # per-SKU charts (history, forecast, reorder point, projected stock) for the top order lines
    # and exceptions, inline in the mail: each adds about 25 kB
    drilldowns: int = Field(10, ge=0, le=50)


class Schedule(_Section):
    """When ``jitjic serve`` runs the nightly flow."""

    cron: str = "30 2 * * *"
    timezone: str = "Europe/London"
    deployment_name: str = "nightly"
    # a run taking longer than this is stopped and marked failed
    timeout_minutes: int = Field(120, ge=1)

    @field_validator("cron")
    @classmethod
    def _five_fields(cls, v: str) -> str:
        if len(v.split()) != 5:
            raise ValueError(f"cron needs 5 fields (minute hour day month weekday), got {v!r}")
        return v

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r} (use an IANA name such as Europe/London)") from None
        return v


class Cluster(_Section):
    """Scale-out of the forecast stage over SKU partitions on Dask (prefect-dask DaskTaskRunner)."""

    enabled: bool = False
    # an existing Dask scheduler ("tcp://host:8786"); none: a LocalCluster for the run. Workers
    # open the working database read-only, so they must see paths.database at the same path.
    address: str | None = None
    workers: int = Field(2, ge=1, description="LocalCluster worker processes")
    threads_per_worker: int = Field(1, ge=1)
    memory_limit: str = "auto"
    partitions: int = Field(8, ge=1, description="SKU partitions; each is read and forecast on its own")
    # the partitioned forecast fails (nothing published) when its tasks are not all done by then,
    # e.g. because a worker process died: it never waits forever
    timeout_seconds: float = Field(3600.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="JITJIC_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    paths: Paths = Paths()
    inputs: Inputs = Inputs()
    ingest: Ingest = Ingest()
    limits: Limits = Limits()
    demand: Demand = Demand()
    forecast: Forecast = Forecast()
    classification: Classification = Classification()
    policy: Policy = Policy()
    exceptions: Exceptions = Exceptions()
    simulation: Simulation = Simulation()
    email: Email = Email()
    report: Report = Report()
    schedule: Schedule = Schedule()
    cluster: Cluster = Cluster()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # environment beats the TOML file (passed as init values), as operators expect
        return (_PlainEnvSource(settings_cls), init_settings)

    @model_validator(mode="after")
    def _policy_classes_known(self) -> Settings:
        missing = set(self.policy.jic_classes) - set(self.policy.service_level)
        if missing:
            raise ValueError(f"policy.service_level has no level for JIC classes {sorted(missing)}")
        return self

    @model_validator(mode="after")
    def _partitions_row_wise(self) -> Settings:
        if self.cluster.enabled and "GlobalGBM" in self.forecast.models:
            raise ValueError(
                "forecast.models: GlobalGBM learns across all SKUs at once, so it cannot run "
                "per partition; remove it or set cluster.enabled = false"
            )
        return self

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able values, for the run history."""
        return self.model_dump(mode="json")


class _PlainEnvSource(EnvSettingsSource):
    """JITJIC_* variables, where a list may also be written plainly (``a@b.com,c@d.com``) and a
    table as ``A=0.95,B=0.9``, besides JSON."""

    def decode_complex_value(self, field_name: str, field: Any, value: Any) -> Any:
        try:
            return json.loads(value)
        except ValueError:
            pass
        shape = _container(field.annotation if field is not None else None)
        parts = [p.strip() for p in str(value).split(",") if p.strip()]
        if shape in (list, tuple, set):
            return parts
        if shape is dict and all("=" in p for p in parts):
            return {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in parts)}
        raise ValueError(f"{value!r} is neither JSON nor a plain list 'a,b' or table 'A=1,B=2'")


def _container(annotation: Any) -> type | None:
    """list, tuple, set or dict for a (possibly optional) container annotation, else None."""
    for arg in (annotation, *typing.get_args(annotation)):
        origin = typing.get_origin(arg) or arg
        if origin in (list, tuple, set, dict):
            return origin
    return None


def _env_names() -> list[str]:
    """The JITJIC_* variables set, whatever their case (the settings read them case-blind)."""
    return sorted(k for k in os.environ if k.upper().startswith(ENV_PREFIX))


def _unknown_env_names() -> list[str]:
    """One line per JITJIC_* variable that names no setting, with the closest known name."""
    known = set(OTHER_ENV_NAMES)
    tables = set()
    for section, field in Settings.model_fields.items():
        known.add(f"{ENV_PREFIX}{section.upper()}")
        for key, sub in field.annotation.model_fields.items():
            known.add(f"{ENV_PREFIX}{section.upper()}__{key.upper()}")
            if _container(sub.annotation) is dict:
                tables.add(f"{ENV_PREFIX}{section.upper()}__{key.upper()}__")
    lines = []
    for name in _env_names():
        upper = name.upper()
        if upper in known or any(upper.startswith(t) for t in tables):
            continue
        close = _closest(upper, known)
        hint = f"; did you mean {close}?" if close else f"; settings are {ENV_PREFIX}<SECTION>__<KEY>"
        lines.append(f"  {name}: not a setting{hint}")
    return lines


def _closest(name: str, known: typing.Iterable[str]) -> str | None:
    """The known name closest in spelling to ``name`` (a typo's intended name), or None."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return close[0] if close else None


def _keys_beside(loc: tuple[Any, ...]) -> list[str]:
    """The setting names allowed where ``loc`` points: the sections, or one section's keys."""
    model: Any = Settings
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        model = field.annotation if field is not None else None
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
    return list(model.model_fields)


def _describe(err: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in err["loc"]) or "(top level)"
    got = err.get("input")
    shown = "" if isinstance(got, dict) else f" (got {got!r})"
    hint = ""
    if err["type"] == "extra_forbidden" and err["loc"]:
        close = _closest(str(err["loc"][-1]), _keys_beside(tuple(err["loc"])))
        hint = f"; did you mean {'.'.join([*map(str, err['loc'][:-1]), close])}?" if close else ""
    return f"  {key}: {err['msg']}{shown}{hint}"


def _read_toml(path: Path) -> dict[str, Any]:
    """The TOML file's values; UTF-8 with or without a byte-order mark (Windows editors add one)."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise SettingsError(f"configuration file {path} is a directory: pass the TOML file itself") from None
    except OSError as exc:
        raise SettingsError(f"cannot read configuration file {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SettingsError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}): save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: not valid TOML: {exc}") from None


# file and folder settings: relative ones in a settings file mean relative to that file's folder
# (a job started from another folder reads and writes the same files)
_FILE_KEYS = {"paths": ("database", "analysts_database", "reports_dir"), "inputs": ("orders", "items", "stock")}


def _from_its_folder(values: dict[str, Any], folder: Path) -> dict[str, Any]:
    def here(p: Any) -> Any:
        return str(folder / p) if isinstance(p, str) and not Path(p).expanduser().is_absolute() else p

    for section, keys in _FILE_KEYS.items():
        given = values.get(section)
        if not isinstance(given, dict):
            continue
        for key in keys:
            v = given.get(key)
            if isinstance(v, str) and v:
                given[key] = here(v)
            elif isinstance(v, list):
                given[key] = [here(p) for p in v]
    return values


def load_settings(config_file: Path | None = None, *, use_default_file: bool = True, **overrides: Any) -> Settings:
    """Read ``config_file`` (default ``./jitjic.toml`` when it exists), apply env, validate.

    ``overrides`` are section dicts (e.g. ``paths={"database": ...}``) merged over the file,
    for command-line options. Raises SettingsError with one line per wrong value, and for every
    ``JITJIC_*`` variable that names no setting.
    """
    values: dict[str, Any] = {}
    source = "defaults"
    path = config_file if config_file is not None else DEFAULT_CONFIG_FILE
    if config_file is not None and not path.exists():
        raise SettingsError(f"configuration file {path} does not exist")
    if path.exists() and (config_file is not None or use_default_file):
        source = str(path)
        values = _from_its_folder(_read_toml(path), path.parent)
    for section, items in overrides.items():
        if items:
            values.setdefault(section, {}).update(items)
    env = _env_names()
    origin = source + (f" and environment {', '.join(env)}" if env else "")
    unknown = _unknown_env_names()
    if unknown:
        raise SettingsError(f"invalid configuration ({origin}):\n" + "\n".join(unknown))
    try:
        return Settings(**values)
    except ValidationError as exc:
        lines = [_describe(e) for e in exc.errors()]
        raise SettingsError(f"invalid configuration ({origin}):\n" + "\n".join(lines)) from None
    except _SourceError as exc:  # a JITJIC_* value that cannot be read at all
        field = re.search(r'field "(\w+)"', str(exc))
        names = [n for n in env if field and n.upper().startswith(f"{ENV_PREFIX}{field.group(1).upper()}")]
        raise SettingsError(
            f"invalid configuration ({origin}):\n  {', '.join(names) or 'environment'}: {exc.__cause__ or exc}"
        ) from None
