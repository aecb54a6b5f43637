"""Turn the validated settings into the plain parameters each library package takes."""

from __future__ import annotations

import glob
from pathlib import Path

import pandas as pd

from jitjic.ingest import ColumnMapping, IngestError, LineRules, check_file, mapping_for
from jitjic.policy import ExceptionRules, PolicyParams
from jitjic.settings import Settings

__all__ = [
    "PERIOD_DAYS",
    "column_mapping",
    "line_rules",
    "policy_params",
    "exception_rules",
    "forecast_params",
    "classify_params",
    "expand_inputs",
    "check_ceilings",
]

# average days per period, for lead times given in days
PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 365.0 / 12.0}


def column_mapping(s: Settings) -> ColumnMapping:
    i = s.ingest
    return mapping_for(
        i.preset,
        i.columns,
        item_columns=i.item_columns,
        stock_columns=i.stock_columns,
        ignore_columns=i.ignore_columns,
        item_units=i.item_units,
        date_format=i.date_format,
        delimiter=i.delimiter,
        cancellation_prefix=i.cancellation_prefix,
        non_product_codes=i.non_product_codes,
        product_code_pattern=i.product_code_pattern,
    )


def line_rules(s: Settings) -> LineRules:
    m, i, lim = column_mapping(s), s.ingest, s.limits
    return LineRules(
        returns=i.returns,
        period=s.demand.period,
        grain=s.demand.grain,
        cancellation_prefix=m.cancellation_prefix,
        non_product_codes=m.non_product_codes,
        product_code_pattern=m.product_code_pattern,
        date_format=m.date_format,
        # anything dated later than tomorrow (time zones) cannot have been sold yet
        latest_date=pd.Timestamp.now().normalize() + pd.Timedelta(days=2) - pd.Timedelta(seconds=1),
        earliest_date=pd.Timestamp(i.min_date),
        max_history_years=i.max_history_years,
        decimal=i.decimal,
        max_quantity=lim.max_quantity,
        max_unit_price=lim.max_unit_price,
        max_unit_cost=lim.max_unit_cost,
        max_order_cost=lim.max_order_cost,
        max_lead_time_days=lim.max_lead_time_days,
        max_moq=lim.max_moq,
        max_pack_size=lim.max_pack_size,
        max_stock=lim.max_stock,
        refuse_share=i.refuse_share,
    )


def check_ceilings(s: Settings) -> dict[str, float]:
    """The output ceilings the data checks bind (warehouse.checks.CEILINGS), from [limits]."""
    lim = s.limits
    return {
        "max_order_units": lim.max_order_units,
        "max_order_value": lim.max_order_value,
        "max_unit_cost": lim.max_unit_cost,
        "max_lead_time_days": lim.max_lead_time_days,
    }


def policy_params(s: Settings) -> PolicyParams:
    p = s.policy
    share = {"item": None, "lost": 0.0, "backorders": 1.0}[s.simulation.unmet_demand]
    return PolicyParams(
        decide_by=p.decide_by,
        targets=p.targets,
        switch_margin=p.switch_margin,
        class_margin=p.class_margin,
        allocate_by=p.allocate_by,
        demand_distribution=p.demand_distribution,
        distribution_window_days=p.distribution_window_days,
        replay_history=p.replay_history,
        jic_classes=tuple(p.jic_classes),
        service_level=dict(p.service_level),
        class_floor=p.class_floor,
        stock_budget=p.stock_budget,
        fill_target=p.fill_target,
        period_days=PERIOD_DAYS[s.demand.period],
        review_period_days=p.review_period_days,
        holding_rate=p.holding_rate,
        obsolescence_rate=dict(p.obsolescence_rate),
        order_cost=p.order_cost,
        order_line_cost=p.order_line_cost,
        backorder_share=dict(p.backorder_share),
        waiting_cost_per_day=p.waiting_cost_per_day,
        max_wait_days=dict(p.max_wait_days),
        shortage_cost=dict(p.shortage_cost),
        default_lead_time_days=p.default_lead_time_days,
        default_lead_time_std_days=p.default_lead_time_std_days,
        default_cost_ratio=p.default_cost_ratio,
        default_moq=p.default_moq,
        default_pack_size=p.default_pack_size,
        abc_cutoffs=tuple(s.classification.abc_cutoffs),
        new_item_policy=p.new_item_policy,
        service_measure=p.service_measure,
        max_order_cover_days=p.max_order_cover_days or None,
        late_delivery_days=p.late_delivery_days,
        unmet_demand_share=share,
    )


def exception_rules(s: Settings) -> ExceptionRules:
    e = s.exceptions
    return ExceptionRules(
        excess_weeks=e.excess_weeks, buffer_weeks=e.buffer_weeks, period_days=PERIOD_DAYS[s.demand.period]
    )


def forecast_params(s: Settings) -> dict:
    """Keyword arguments of ``forecasting.AutoForecast`` from [forecast]."""
    f = s.forecast
    return {
        "backtest_origins": f.backtest_origins,
        "origin_step": f.origin_step,
        "switch_margin": f.switch_margin,
        "select_by": f.select_by,
        "models": tuple(f.models),
        "interval_level": f.interval_level,
        "seasonal_limit": f.seasonal_limit,
    }


def classify_params(s: Settings) -> dict:
    """Keyword arguments of ``classification.classify_skus`` from [classification]."""
    c = s.classification
    return {
        "abc_basis": c.abc_basis,
        "abc_cutoffs": tuple(c.abc_cutoffs),
        "xyz_cutoffs": tuple(c.xyz_cutoffs),
        "window_periods": c.window_periods,
        "new_periods": c.new_periods,
        "dead_periods": c.dead_periods,
        "dead_intervals": c.dead_intervals,
        "abc_hold": c.abc_hold,
        "xyz_hold": c.xyz_hold,
    }


def expand_inputs(patterns: list[str]) -> list[Path]:
    """Files matching each pattern, sorted within a pattern; a pattern matching nothing, or a
    path that is no readable file, raises IngestError (a missing input is not worth a retry)."""
    files: list[Path] = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern)) if any(ch in pattern for ch in "*?[") else [pattern]
        if not matched:
            raise IngestError(pattern, f"matches no file (cwd {Path.cwd()})")
        for path in map(Path, matched):
            check_file(path)
            files.append(path)
    return files
