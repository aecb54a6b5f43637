"""Automatic forecasts: rolling-origin backtest, RMSSE selection, quantiles calibrated on errors.

Selection is pooled by group (default: recent trend up / flat / down; or demand pattern). SES
is the default of every group: a model or equal-weight combination replaces it only when it is
better on average *and* consistently, beating SES on significantly more backtest origins than
chance would (a one-sided sign test at 10%); the best such challenger serves the group. A SKU's
own best model replaces its group's choice only when it is ``switch_margin`` better and passes
the same test against it. Choosing per SKU on a handful of origins alone chases noise (measured:
worse on the Online Retail holdout). Quantiles are calibrated per demand pattern (smooth,
erratic, intermittent, lumpy). With a calendar (``period`` and the period dates), the models
see demand divided by its calendar factors (``forecasting.seasons``).
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from jitjic.forecasting import metrics
from jitjic.forecasting.intermittency import adi_cv2, demand_pattern
from jitjic.forecasting.models import make_model
from jitjic.forecasting.paths import PATH_WINDOW, backtest_origins, calendar_paths, candidate_paths
from jitjic.forecasting.seasons import season_end
from scipy.stats import binom, norm

__all__ = [
    "AutoForecast",
    "ForecastResult",
    "lead_time_table",
    "summary_table",
    "PERIOD_FREQ",
    "QUANTILES",
    "CANDIDATES",
    "SEASON",
    "build_result",
    "consistently_better",
]

PERIOD_FREQ = {"day": "D", "week": "7D", "month": "MS"}
SEASON = {"day": 7, "week": 52, "month": 12}
QUANTILES = (0.5, 0.8, 0.9, 0.95, 0.99)
# Holt-Winters (statsmodels, one fit per SKU) is opt-in: the calendar factors carry the season
CANDIDATES = ("Naive", "SeasonalNaive", "MA4", "MA8", "SES", "HoltDamped", "SBA", "TSB", "ADIDA", "IMAPA")
# the default every group keeps unless a challenger is consistently better
DEFAULT_MODEL = "SES"
# one-sided sign test: a challenger must beat the default on more origins than this chance allows
SIGN_TEST_P = 0.10
N_ORIGINS = 10
# fewer observed periods than this: too little history to select; the mean is used, labelled
MIN_HISTORY = 8
# fewer pooled errors than this in a pattern group: calibrate on all SKUs together
MIN_POOL = 200
NEW_ITEM = "NEW_ITEM_MEAN"


def _trend(y: np.ndarray, up: float = 1.3, down: float = 0.7) -> np.ndarray:
    """up / flat / down: the last 4 periods' mean against the last 13 periods' mean."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.nanmean(y[:, -4:], axis=1) / np.nanmean(y[:, -13:], axis=1)
    return np.where(ratio > up, "up", np.where(ratio < down, "down", "flat")).astype(object)


def _pattern(y: np.ndarray) -> np.ndarray:
    return demand_pattern(*adi_cv2(y))


@dataclass
class ForecastResult:
    """forecasts: SKU x step, mean and per-period quantiles (units per period);
    lead_time: SKU x L, quantiles of cumulative demand over the next L periods (units);
    accuracy: SKU x model backtest metrics with the chosen one flagged;
    coverage: empirical coverage of the central intervals on the latest backtest origin;
    summary: one row per SKU: ``model``, ``mean`` (first period, units), ``sigma`` (one-step
    backtest RMSE, units), ``pattern``, ``scale`` (naive scale, units), ``outliers_capped``
    (periods), and for the policy's end-of-season rule:

    - ``season_index``: the SKU's yearly profile at the first forecast period (1 = an average
      period of its year; 1 everywhere without a calendar or a season);
    - ``season_ending`` (bool): in season (index > 1, peak >= 1.5x the yearly average), the
      season ends within the horizon and more of it lies behind than ahead: the order should
      cover at most the forecast until the season ends, and the report can flag the item;
    - ``season_end_periods``: periods from the first forecast period until the profile falls
      below the yearly average (whole weeks of days for daily data); NaN when not in season,
      not seasonal, or a new item. ``lead_time.mean`` at that many periods is the demand the
      season still holds."""

    forecasts: pd.DataFrame
    lead_time: pd.DataFrame
    accuracy: pd.DataFrame
    coverage: pd.DataFrame
    summary: pd.DataFrame
    # the chosen forecast at every backtest origin beside what happened: ``sku, origin (the
    # first forecast period), step, period_start, forecast, actual`` (units per period; actual
    # as the forecast was scored on it: outlier periods capped)
    backtest: pd.DataFrame = field(default_factory=pd.DataFrame)


class AutoForecast:
    """Backtest every candidate, select per pattern, calibrate quantiles, refit on all history."""

    def __init__(
        self,
        horizon: int = 8,
        *,
        models: tuple[str, ...] = CANDIDATES,
        backtest_origins: int = N_ORIGINS,
        origin_step: int | None = None,
        combine_top: int = 4,
        switch_margin: float = 0.5,
        quantiles: tuple[float, ...] = QUANTILES,
        interval_level: float = 0.9,
        select_by: str = "trend",
        season: int = 52,
        seasonal_limit: int = 200,
        period: str | None = None,
    ):
        self.horizon, self.models, self.backtest_origins = horizon, models, backtest_origins
        # default: half the horizon, so the origins span about backtest_origins x h / 2 periods
        self.origin_step = origin_step or max(1, horizon // 2)
        self.combine_top, self.switch_margin = combine_top, switch_margin
        # period ("day", "week", "month"): with the period dates given to fit, calendar effects
        self.period = period
        self.quantiles, self.interval_level = quantiles, interval_level
        if select_by not in ("trend", "pattern", "all"):
            raise ValueError(f"select_by must be trend, pattern or all, got {select_by!r}")
        self.select_by, self.season = select_by, season
        # at most this many SKUs get a statsmodels Holt-Winters fit (about 0.1 s each, x origins)
        self.seasonal_limit = seasonal_limit

    # -- backtest ---------------------------------------------------------------------------
    def origins(self, periods: int) -> list[int]:
        """Backtest origins for a history of ``periods``, latest first."""
        return backtest_origins(periods, self.horizon, self.backtest_origins, self.origin_step)

    def _backtest(self, y: np.ndarray, paths: dict[str, np.ndarray]) -> tuple[list[int], dict, np.ndarray]:
        """(origins, forecast paths per model and origin, mean backtest RMSSE: model x SKU)."""
        origins = self.origins(y.shape[1])
        by_origin = {m: list(paths[m][: len(origins)]) for m in self.models}
        self.origin_scales_ = [metrics.scales(y[:, :o]) for o in origins]
        self.origin_rmsse_ = {
            m: _origin_rmsse(y, origins, by_origin[m], self.horizon, self.origin_scales_) for m in self.models
        }
        self.candidate_metrics_ = {
            m: _backtest_metrics(y, origins, by_origin[m], self.horizon, self.origin_scales_, self.origin_rmsse_[m])
            for m in self.models
        }
        per_sku = np.stack([self.candidate_metrics_[m]["rmsse"] for m in self.models])
        return origins, by_origin, per_sku

    def _combos(self, ranked: list[int]) -> list[tuple[int, ...]]:
        top = ranked[: self.combine_top]
        return [c for r in range(1, len(top) + 1) for c in itertools.combinations(top, r)]

    def _combo_rmsse(self, y, origins, paths, combo, rows) -> np.ndarray:
        """origins x SKUs (of ``rows``) RMSSE of the equal-weight mean of ``combo``."""
        if len(combo) == 1 or not origins:
            return self.origin_rmsse_[self.models[combo[0]]][:, rows]
        return np.stack(
            [
                metrics.rmsse(
                    y[rows, o : o + self.horizon],
                    np.mean([paths[self.models[j]][i][rows] for j in combo], axis=0),
                    scale=self.origin_scales_[i][0][rows],
                )
                for i, o in enumerate(origins)
            ]
        )

    def _select(self, y, origins, paths, per_sku, group):
        """Per SKU: the tuple of candidate indexes whose mean forecast it uses."""
        choice = np.empty(y.shape[0], dtype=object)
        # per group: (choice, its mean RMSSE per origin, the default's): what the guard compared
        self.group_choice_ = {}
        default = self.models.index(DEFAULT_MODEL) if DEFAULT_MODEL in self.models else None
        for g in np.unique(group):
            rows = np.flatnonzero(group == g)
            pooled = np.nanmean(per_sku[:, rows], axis=1)
            ranked = [int(i) for i in np.argsort(np.nan_to_num(pooled, nan=np.inf))]
            base = (default if default is not None else ranked[0],)
            base_by_origin = np.nanmean(self._combo_rmsse(y, origins, paths, base, rows), axis=1)
            best, best_score = base, np.nanmean(base_by_origin)
            for combo in self._combos(ranked):
                by_origin = np.nanmean(self._combo_rmsse(y, origins, paths, combo, rows), axis=1)
                score = np.nanmean(by_origin)
                if score < best_score - 1e-12 and consistently_better(by_origin[None, :], base_by_origin[None, :])[0]:
                    best, best_score = combo, score
            choice[rows] = [best] * len(rows)
            self.group_choice_[g] = (
                best,
                np.nanmean(self._combo_rmsse(y, origins, paths, best, rows), axis=1),
                base_by_origin,
            )
            # a SKU keeps its own best single model only when it is clearly and consistently better
            own = np.nanargmin(np.where(np.isnan(per_sku[:, rows]), np.inf, per_sku[:, rows]), axis=0)
            own_score = per_sku[own, rows]
            group_by_origin = self._combo_rmsse(y, origins, paths, best, rows)  # origins x rows
            group_score = np.nanmean(group_by_origin, axis=0)
            own_by_origin = (
                np.stack([self.origin_rmsse_[self.models[j]][:, r] for j, r in zip(own, rows, strict=True)], axis=1)
                if len(rows)
                else group_by_origin
            )
            switch = (own_score < (1 - self.switch_margin) * group_score) & consistently_better(
                own_by_origin.T, group_by_origin.T
            )
            for pos, idx in enumerate(rows):
                if switch[pos]:
                    choice[idx] = (int(own[pos]),)
        return choice, per_sku

    def _combined(self, paths_by_model: dict[str, np.ndarray], choice: np.ndarray) -> np.ndarray:
        out = np.zeros_like(next(iter(paths_by_model.values())))
        for combo in set(choice):
            rows = np.array([c == combo for c in choice])
            out[rows] = np.mean([paths_by_model[self.models[j]][rows] for j in combo], axis=0)
        return out

    # -- calibration ------------------------------------------------------------------------
    def _levels(self) -> np.ndarray:
        lo, hi = (1 - self.interval_level) / 2, (1 + self.interval_level) / 2
        return np.unique(np.round(np.r_[self.quantiles, lo, hi, 1 - np.array(self.quantiles)], 6))

    def _error_quantiles(self, errors: list[np.ndarray], scale: np.ndarray, group: np.ndarray, cumulative: bool):
        """Quantiles of scaled errors per pattern group and step (or lead time): group -> h x levels."""
        taus = self._levels()
        if not errors:  # history too short for any origin: a normal band of one naive scale per period
            steps = np.sqrt(np.arange(1, self.horizon + 1)) if cumulative else np.ones(self.horizon)
            table = steps[:, None] * norm.ppf(taus)[None, :]
            return taus, {g: table for g in np.unique(group)}
        stacked = np.stack(errors)  # origin x sku x h
        if cumulative:
            stacked = np.cumsum(stacked, axis=2)  # a NaN (SKU not yet started) stays NaN
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = stacked / scale[None, :, None]
        out, pooled_all = {}, scaled.transpose(1, 0, 2).reshape(-1, self.horizon)
        fallback = self._quantiles_of(pooled_all, taus)
        for g in np.unique(group):
            block = scaled[:, group == g, :].transpose(1, 0, 2).reshape(-1, self.horizon)
            enough = np.isfinite(block).sum(axis=0).min() >= MIN_POOL
            out[g] = self._quantiles_of(block, taus) if enough else fallback
        return taus, out

    @staticmethod
    def _quantiles_of(block: np.ndarray, taus: np.ndarray) -> np.ndarray:
        block = np.where(np.isfinite(block), block, np.nan)
        if not np.isfinite(block).any():
            return np.zeros((block.shape[1], len(taus)))
        q = np.nanquantile(block, taus, axis=0).T  # h x levels
        return np.maximum.accumulate(np.nan_to_num(q), axis=1)

    @staticmethod
    def _apply(mean: np.ndarray, scale: np.ndarray, group: np.ndarray, table: dict) -> np.ndarray:
        """mean (sku x h) + scale x error quantile -> sku x h x levels, floored at 0, monotone."""
        q = np.stack([table[g] for g in group])  # sku x h x levels
        out = np.maximum(mean[:, :, None] + np.nan_to_num(scale)[:, None, None] * q, 0.0)
        return np.maximum.accumulate(out, axis=2)

    # -- public -----------------------------------------------------------------------------
    def fit(
        self,
        y: np.ndarray,
        paths: dict[str, np.ndarray] | None = None,
        mapper: Callable | None = None,
        *,
        dates=None,
        promo: np.ndarray | None = None,
    ) -> AutoForecast:
        """Backtest, select and calibrate on ``y`` (SKU x period, NaN before a SKU starts).

        ``paths`` (``forecasting.paths.candidate_paths`` of the same ``y``, e.g. computed per
        partition on a cluster) saves computing them here; ``mapper(fn, jobs)`` runs the
        statsmodels fits when they are computed here (default: a process pool). With ``period``
        set and ``dates`` (the period starts of ``y``'s columns), the paths of SKUs with calendar
        effects are redone in place on demand divided by them; ``promo`` (SKU x (periods +
        horizon), share of each period on promotion) is a known input."""
        y = np.where(np.isnan(y), np.nan, np.maximum(y, 0.0))
        window = PATH_WINDOW.get(self.period) if self.period else None
        if paths is None:
            paths = candidate_paths(
                y, self.models, self.origins(y.shape[1]), self.horizon, self.season, self.seasonal_limit, mapper, window
            )
        self.calendar_ = None
        if self.period is not None and dates is not None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                self.calendar_ = calendar_paths(
                    paths, y, dates, self.period, self.origins(y.shape[1]), self.horizon, self.season, promo, window
                )
        # young SKUs have no error at some origins: their all-NaN means are expected
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return self._fit(y, paths)

    def _fit(self, y: np.ndarray, all_paths: dict[str, np.ndarray]) -> AutoForecast:
        self.group_ = _pattern(y)
        self.select_group_ = {
            "trend": _trend,
            "pattern": _pattern,
            "all": lambda v: np.full(len(v), "all", dtype=object),
        }[self.select_by](y)
        self.origins_, paths, per_sku = self._backtest(y, all_paths)
        self.choice_, self.backtest_rmsse_ = self._select(y, self.origins_, paths, per_sku, self.select_group_)
        n_obs = (~np.isnan(y)).sum(axis=1)
        self.new_ = n_obs < MIN_HISTORY
        self.scale_ = np.sqrt(metrics.scales(y)[0])
        level = np.nansum(y, axis=1) / np.maximum(n_obs, 1)
        # constant or one-value histories have no naive scale: use the level (CV of one)
        self.scale_ = np.where(np.isfinite(self.scale_), self.scale_, level)
        errors = []
        for i, o in enumerate(self.origins_):
            path = self._combined({m: paths[m][i] for m in self.models}, self.choice_)
            errors.append(y[:, o : o + self.horizon] - path)
        self.errors_ = errors
        self.taus_, self.period_q_ = self._error_quantiles(errors, self.scale_, self.group_, cumulative=False)
        _, self.cum_q_ = self._error_quantiles(errors, self.scale_, self.group_, cumulative=True)
        self.widen_ = self._widening()
        self.cum_widen_ = max(self.widen_, self._cumulative_widening())
        self.period_q_ = self._widen(self.period_q_, self.widen_)
        self.cum_q_ = self._widen(self.cum_q_, self.cum_widen_)
        finals = {m: all_paths[m][-1] for m in self.models}
        mean = self._combined(finals, self.choice_)
        self.mean_ = np.where(self.new_[:, None], make_model("HistoryMean").forecast(y, self.horizon), mean)
        self.y_ = y
        return self

    def model_names(self) -> np.ndarray:
        names = np.array(["+".join(self.models[j] for j in c) for c in self.choice_], dtype=object)
        return np.where(self.new_, NEW_ITEM, names)

    def _widen(self, table: dict, factor: float) -> dict:
        """Stretch every quantile's distance from the median by ``factor``."""
        mid = int(np.argmin(np.abs(self.taus_ - 0.5)))
        return {g: q[:, [mid]] + factor * (q - q[:, [mid]]) for g, q in table.items()}

    def _widening(self) -> float:
        """The smallest stretch (1.0 to 2.0) at which quantiles calibrated on the older origins
        cover the latest origin at the interval level: errors drift, and a band that only just
        fitted the past is too narrow for the future."""
        if len(self.origins_) < 2:
            return 1.0
        check = self._latest_origin_check()
        for factor in np.arange(1.0, 2.0001, 0.05):
            cov, _ = self._coverage_at(check, self.interval_level, factor)
            if not np.isfinite(cov) or cov >= self.interval_level:
                return float(round(factor, 2))
        return 2.0

    def _cumulative_widening(self, levels: tuple[float, ...] = (0.9, 0.95), tests: int = 3) -> float:
        """The smallest stretch (1.0 to 2.0) at which the upper quantiles of cumulative demand,
        calibrated on older origins, cover each of the ``tests`` latest origins' cumulative
        demand at their level (one-sided, over every lead time): a buffer is read off them, and
        a buffer too small for the future fails its service level."""
        checks = []
        for k in range(min(tests, len(self.errors_) - 1)):
            _, table = self._error_quantiles(self.errors_[k + 1 :], self.scale_, self.group_, cumulative=True)
            latest = np.cumsum(self.errors_[k], axis=1)
            checks.append((table, latest, np.isfinite(latest) & ~self.new_[:, None]))
        if not checks:
            return 1.0
        cols = [int(np.argmin(np.abs(self.taus_ - t))) for t in levels]
        for factor in np.arange(1.0, 2.0001, 0.05):
            inside, seen = np.zeros(len(cols)), 0
            for table, latest, ok in checks:
                widened = self._widen(table, factor)
                upper = np.stack([widened[g] for g in self.group_])[:, :, cols] * self.scale_[:, None, None]
                inside += (latest[:, :, None] <= upper)[ok].sum(axis=0)
                seen += int(ok.sum())
            if not seen or (inside / seen >= np.asarray(levels) - 1e-9).all():
                return float(round(factor, 2))
        return 2.0

    def _latest_origin_check(self) -> tuple:
        """(levels, quantile tables calibrated on the older origins only, the latest origin's
        errors, which of them count): the out-of-sample test of the bands."""
        latest, older = self.errors_[0], self.errors_[1:]
        taus, table = self._error_quantiles(older, self.scale_, self.group_, cumulative=False)
        return taus, table, latest, np.isfinite(latest) & ~self.new_[:, None]

    def _coverage_at(self, check: tuple, level: float, factor: float) -> tuple[float, int]:
        """(share of the latest origin's actuals inside the central ``level`` band stretched by
        ``factor``, errors counted); NaN when the band's quantiles are not computed."""
        taus, table, latest, seen = check
        lo_tau, hi_tau = round((1 - level) / 2, 6), round((1 + level) / 2, 6)
        if not (np.isclose(taus, lo_tau).any() and np.isclose(taus, hi_tau).any()):
            return float("nan"), 0
        lo, hi = int(np.argmin(np.abs(taus - lo_tau))), int(np.argmin(np.abs(taus - hi_tau)))
        widened = self._widen(table, factor)
        scaled = np.stack([widened[g] for g in self.group_]) * self.scale_[:, None, None]
        inside = (latest >= scaled[:, :, lo]) & (latest <= scaled[:, :, hi])
        return (float(inside[seen].mean()) if seen.any() else float("nan")), int(seen.sum())

    def coverage(self) -> pd.DataFrame:
        """Out-of-sample check: calibrate on the older origins, test on the latest one (with the
        widening applied, so it shows what the published bands would have covered)."""
        if len(self.origins_) < 2:
            return pd.DataFrame(columns=["level", "coverage", "n"])
        check = self._latest_origin_check()
        rows = []
        for level in sorted({0.5, 0.8, 0.9, 0.95, 0.98, self.interval_level}):
            cov, n = self._coverage_at(check, level, self.widen_)
            if n:
                rows.append({"level": level, "coverage": cov, "n": n})
        return pd.DataFrame(rows)

    def season_columns(self) -> dict[str, np.ndarray]:
        """Per SKU: ``season_index`` (the yearly profile at the first forecast period, 1 = an
        average period), ``season_ending`` and ``season_end_periods`` (``seasons.season_end``);
        1, False and NaN without a calendar."""
        n = len(self.mean_)
        if self.calendar_ is None:
            return {
                "season_index": np.ones(n),
                "season_ending": np.zeros(n, dtype=bool),
                "season_end_periods": np.full(n, np.nan),
            }
        cal = self.calendar_
        assert self.period is not None  # a calendar is fitted only where the period is known
        ending, periods = season_end(cal.yearly, cal.future_position, self.period, self.horizon)
        new = self.new_
        return {
            "season_index": cal.yearly[:, cal.future_position[0]],
            "season_ending": ending & ~new,
            "season_end_periods": np.where(new, np.nan, periods),
        }

    def period_quantiles(self) -> np.ndarray:
        return self._apply(self.mean_, self.scale_, self.group_, self.period_q_)

    def lead_time_quantiles(self) -> tuple[np.ndarray, np.ndarray]:
        """(cumulative mean, quantiles) over the next L = 1..horizon periods, units."""
        cum_mean = np.cumsum(self.mean_, axis=1)
        q = self._apply(cum_mean, self.scale_, self.group_, self.cum_q_)
        # demand is never negative, so cumulative demand never shrinks with a longer lead time
        return cum_mean, np.maximum.accumulate(q, axis=1)


def _q_name(tau: float) -> str:
    return f"q{round(tau * 1000) / 10:g}".replace(".", "_")


def _kept_levels(taus: np.ndarray) -> list[int]:
    """Indexes of the published quantile levels (QUANTILES) among the calibrated ones."""
    return [i for i, t in enumerate(taus) if any(np.isclose(t, q) for q in QUANTILES)]


def _one_step_sigma(auto: AutoForecast) -> np.ndarray:
    """Per SKU, the RMSE of the one-step backtest errors; the naive scale where none was seen."""
    n = len(auto.mean_)
    step1_err = np.stack([e[:, 0] for e in auto.errors_]) if auto.errors_ else np.full((1, n), np.nan)
    finite = np.isfinite(step1_err)
    mse1 = (np.where(finite, step1_err, 0.0) ** 2).sum(axis=0) / np.maximum(finite.sum(axis=0), 1)
    return np.where(finite.any(axis=0), np.sqrt(mse1), auto.scale_)


def lead_time_table(auto: AutoForecast, ids: np.ndarray, id_col: str = "sku") -> pd.DataFrame:
    """``id_col, periods, mean, q50 .. q99``: quantiles of cumulative demand over the next L =
    1..horizon periods (units), what buffers are read off."""
    horizon, n = auto.horizon, len(ids)
    cum_mean, cq = auto.lead_time_quantiles()
    lead = pd.DataFrame(
        {id_col: np.repeat(ids, horizon), "periods": np.tile(np.arange(1, horizon + 1), n), "mean": cum_mean.ravel()}
    )
    for i in _kept_levels(auto.taus_):
        lead[_q_name(auto.taus_[i])] = cq[:, :, i].ravel()
    return lead


def summary_table(
    auto: AutoForecast, ids: np.ndarray, capped: np.ndarray | None = None, id_col: str = "sku"
) -> pd.DataFrame:
    """One row per SKU: the chosen ``model``, ``mean`` (first period) and ``sigma`` (one-step
    backtest RMSE), units per period; ``pattern``, ``scale``, ``outliers_capped`` and the season
    columns (see ForecastResult)."""
    return pd.DataFrame(
        {
            id_col: ids,
            "model": auto.model_names(),
            "mean": auto.mean_[:, 0],
            "sigma": _one_step_sigma(auto),
            "pattern": auto.group_,
            "scale": auto.scale_,
            "outliers_capped": np.zeros(len(ids), dtype=int) if capped is None else capped,
            **auto.season_columns(),
        }
    )


def build_result(
    auto: AutoForecast,
    ids: np.ndarray,
    last_period,
    capped: np.ndarray,
    *,
    period: str,
    level: float,
    id_col: str = "sku",
    time_col: str = "period_start",
) -> ForecastResult:
    """The tables of a fitted AutoForecast: forecasts from the period after ``last_period``."""
    horizon = auto.horizon
    names = auto.model_names()
    taus = auto.taus_
    pq = auto.period_quantiles()
    lo_i = int(np.argmin(np.abs(taus - (1 - level) / 2)))
    hi_i = int(np.argmin(np.abs(taus - (1 + level) / 2)))
    future = pd.date_range(pd.Timestamp(last_period), periods=horizon + 1, freq=PERIOD_FREQ[period])[1:]
    n = len(ids)
    sigma = _one_step_sigma(auto)
    forecasts = pd.DataFrame(
        {
            id_col: np.repeat(ids, horizon),
            "step": np.tile(np.arange(1, horizon + 1), n),
            time_col: np.tile(future.date, n),
            "model": np.repeat(names, horizon),
            "mean": auto.mean_.ravel(),
            "lower": pq[:, :, lo_i].ravel(),
            "upper": pq[:, :, hi_i].ravel(),
            "level": level,
            "sigma": np.repeat(sigma, horizon),
        }
    )
    for i in _kept_levels(taus):
        forecasts[_q_name(taus[i])] = pq[:, :, i].ravel()
    accuracy = _accuracy(auto, ids, id_col)
    return ForecastResult(
        forecasts,
        lead_time_table(auto, ids, id_col),
        accuracy,
        auto.coverage(),
        summary_table(auto, ids, capped, id_col),
        _backtest_table(auto, ids, last_period, period, id_col, time_col),
    )


def _backtest_table(
    auto: AutoForecast, ids: np.ndarray, last_period, period: str, id_col: str, time_col: str
) -> pd.DataFrame:
    """The chosen forecast at each backtest origin and the actual demand it forecast (units)."""
    periods = auto.y_.shape[1]
    dates = pd.date_range(end=pd.Timestamp(last_period), periods=periods, freq=PERIOD_FREQ[period])
    h, n, frames = auto.horizon, len(ids), []
    for origin, errors in zip(auto.origins_, auto.errors_, strict=True):
        actual = auto.y_[:, origin : origin + h]
        steps = actual.shape[1]
        frame = pd.DataFrame(
            {
                id_col: np.repeat(ids, steps),
                "origin": dates[origin].date(),
                "step": np.tile(np.arange(1, steps + 1), n),
                time_col: np.tile(dates[origin : origin + steps].date, n),
                "forecast": (actual - errors[:, :steps]).ravel(),
                "actual": actual.ravel(),
            }
        )
        frames.append(frame[np.isfinite(frame["actual"].to_numpy(float))])
    return (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=[id_col, "origin", "step", time_col, "forecast", "actual"])
    )


def _accuracy(auto: AutoForecast, ids: np.ndarray, id_col: str) -> pd.DataFrame:
    """Backtest RMSSE per SKU and candidate, and the chosen forecast's MASE/WAPE/bias per SKU."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return _accuracy_table(auto, ids, id_col)


def consistently_better(challenger: np.ndarray, default: np.ndarray, p: float = SIGN_TEST_P) -> np.ndarray:
    """Per row (origins along axis 1, NaN where not scored): a lower mean score than ``default``
    and more origins won than a fair coin would give at one-sided level ``p`` (sign test)."""
    both = np.isfinite(challenger) & np.isfinite(default)
    wins = (both & (challenger < default)).sum(axis=1)
    n = both.sum(axis=1)
    lower = np.nanmean(np.where(both, challenger, np.nan), axis=1) < np.nanmean(np.where(both, default, np.nan), axis=1)
    return (n > 0) & lower & (binom.sf(wins - 1, n, 0.5) <= p)


def _origin_rmsse(y: np.ndarray, origins: list[int], paths: list[np.ndarray], h: int, scales: list) -> np.ndarray:
    """origins x SKUs RMSSE, each origin scaled by the history before it (``scales``: the
    ``metrics.scales`` of each origin's history)."""
    if not origins:
        return np.full((1, len(y)), np.nan)
    return np.stack([metrics.rmsse(y[:, o : o + h], paths[i], scale=scales[i][0]) for i, o in enumerate(origins)])


def _backtest_metrics(
    y: np.ndarray,
    origins: list[int],
    paths: list[np.ndarray],
    h: int,
    scales: list,
    by_origin: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Per SKU over the backtest origins: mean RMSSE and MASE (each origin scaled by the history
    before it), WAPE and bias pooled over the origins."""
    if not origins:
        nan = np.full(len(y), np.nan)
        return {"rmsse": nan, "mase": nan, "wape": nan, "bias": nan}
    actual = np.stack([y[:, o : o + h] for o in origins])
    path = np.stack(paths)
    rmsse = np.nanmean(by_origin if by_origin is not None else _origin_rmsse(y, origins, paths, h, scales), axis=0)
    mase = np.nanmean(
        np.stack([metrics.mase(actual[i], path[i], scale=scales[i][1]) for i in range(len(origins))]), axis=0
    )
    err = np.where(np.isnan(actual), np.nan, path - actual)
    total = np.nansum(actual, axis=(0, 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        wape = np.where(total > 0, np.nansum(np.abs(err), axis=(0, 2)) / total, np.nan)
        bias = np.where(total > 0, np.nansum(err, axis=(0, 2)) / total, np.nan)
    return {"rmsse": rmsse, "mase": mase, "wape": wape, "bias": bias}


def _accuracy_table(auto: AutoForecast, ids: np.ndarray, id_col: str) -> pd.DataFrame:
    chosen = auto.model_names()
    rows = [
        pd.DataFrame({id_col: ids, "model": m, **auto.candidate_metrics_[m], "selected": False}) for m in auto.models
    ]
    # the chosen forecast's own backtest figures (combinations included)
    paths = [
        y_slice - e
        for y_slice, e in zip((auto.y_[:, o : o + auto.horizon] for o in auto.origins_), auto.errors_, strict=True)
    ]
    own = _backtest_metrics(auto.y_, auto.origins_, paths, auto.horizon, auto.origin_scales_)
    rows.append(pd.DataFrame({id_col: ids, "model": chosen, **own, "selected": True}))
    out = pd.concat(rows, ignore_index=True)
    # a single model that is also the choice appears once, flagged
    out = out.drop_duplicates([id_col, "model"], keep="last")
    return out.sort_values([id_col, "model"], kind="mergesort").reset_index(drop=True)
