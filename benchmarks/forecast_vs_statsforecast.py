"""jitjic's automatic forecast against statsforecast on every catalogue we have (one run).

    pip install -e '.[bench]'        # statsforecast 2.1.1 (needs pandas<3, as jitjic pins)
    python benchmarks/forecast_vs_statsforecast.py [set ...]   # default: every set

Sets (``benchmarks/catalogues.py``): Online Retail weekly (issue 3's protocol), manufacturing
weekly, pasta daily (28 days held out) and weekly, and the synthetic M5-like catalogue; the last
``horizon`` periods of each are held out. The same matrix goes to every method and every method
is scored by the same functions (``forecasting.metrics``): RMSSE, MASE and the scaled pinball loss
(SPL, over the 50/80/90/95/99% quantiles, divided by the naive MAE scale) per series, then
averaged; bias pooled (> 0 over-forecasts); 90% coverage of the held-out periods; wall time.

statsforecast peers: SES optimised, IMAPA, ADIDA, TSB, CrostonSBA, WindowAverage, Naive,
SeasonalNaive, AutoETS and AutoTheta with the set's season (7 days; 52 weeks), and SES optimised
with conformal intervals. ETS cannot hold a season longer than 24 periods (statsforecast's kernel
returns no forecast for one, R's ``ets`` refuses it), so on weekly sets AutoETS gets season 1;
with 52 it fits 0.26 s a series and still picks non-seasonal models. The peers' quantiles: the
point forecast for 50%, the upper ends of the 60/80/90/98% intervals for 80/90/95/99%, floored at
zero as jitjic's are. Numba compiles each peer once on a tiny frame before it is timed. jitjic gets
the pasta promotion flags of the held-out days as a known future input (no peer takes one).

``JITJIC_SKIP_STATSFORECAST=1`` scores jitjic alone; ``JITJIC_BENCH_CACHE=DIR`` keeps the
peers' scores per set there (they do not change while jitjic does).

One holdout is one draw: its pooled bias and coverage move with one common shock (a December).
``--windows N`` also scores jitjic and SES optimised on the N holdouts before the last (each a
horizon earlier) and prints each set's mean over all N + 1 windows: what a single window's figure
is a sample of.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import sys
import time
import warnings
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from jitjic.forecasting import forecast_demand, metrics
from jitjic.forecasting.matrix import to_matrix

H = 8
NON_PRODUCT = ("POST", "D", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "C2", "PADS", "S", "B")
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "online_retail.csv.gz"
TAUS = (0.5, 0.8, 0.9, 0.95, 0.99)
# the interval (percent) whose upper end is each quantile above the median
UPPER_LEVEL = {0.8: 60, 0.9: 80, 0.95: 90, 0.99: 98}
# lead time + review period the lead-time quantiles are checked on: 14 + 7 days
POLICY_SPAN = {"week": 3, "day": 21}


def weekly_series(source: Path) -> pd.DataFrame:
    """Online Retail as long ``unique_id, ds, y`` by issue 3's protocol: drop invoices starting
    with C, quantity <= 0, price <= 0, non-product codes (and codes not starting with a digit);
    weeks start Monday; drop the last, partial week; zero-fill from each SKU's first sale; keep
    SKUs with >= 20 weeks."""
    con = duckdb.connect()
    weekly = con.execute(
        """
        with raw as (select * from read_csv(?, all_varchar = true)),
        typed as (
            select StockCode as sku, try_cast(Quantity as double) as q, try_cast(UnitPrice as double) as p,
                   cast(try_strptime(InvoiceDate, '%Y-%m-%d %H:%M:%S') as date) as d, InvoiceNo as inv
            from raw
        ),
        kept as (
            select * from typed
            where not starts_with(inv, 'C') and q > 0 and p > 0
              and not list_contains(?, sku) and regexp_matches(sku, '^[0-9]')
        ),
        weeks as (select sku, cast(date_trunc('week', d) as date) as ds, sum(q) as y from kept group by all)
        select * from weeks where ds < (select max(ds) from weeks)
        """,
        [str(source), list(NON_PRODUCT)],
    ).df()
    calendar = pd.date_range(weekly["ds"].min(), weekly["ds"].max(), freq="W-MON")
    first = weekly.groupby("sku")["ds"].min()
    index = pd.MultiIndex.from_tuples(
        [(s, w) for s, f in first.items() for w in calendar if w >= f], names=["unique_id", "ds"]
    )
    full = weekly.rename(columns={"sku": "unique_id"}).set_index(["unique_id", "ds"]).reindex(index, fill_value=0)
    full = full.reset_index()
    sizes = full.groupby("unique_id").size()
    return full[full["unique_id"].isin(sizes[sizes >= 20].index)].reset_index(drop=True)


def score(name, train_y, actual, mean, lower=None, upper=None, q_by_tau=None, seconds=float("nan")) -> dict:
    """One row of the table; quantiles floored at zero (demand never is below)."""
    row = {
        "method": name,
        "RMSSE": np.nanmean(metrics.rmsse(actual, mean, train_y)),
        "MASE": np.nanmean(metrics.mase(actual, mean, train_y)),
        "bias": metrics.bias(actual, mean),
        "cov90": np.nan,
        "SPL": np.nan,
        "seconds": seconds,
    }
    if lower is not None:
        row["cov90"] = metrics.coverage(actual, np.maximum(lower, 0), np.maximum(upper, 0))
    if q_by_tau:
        q_by_tau = {t: np.maximum(q, 0) for t, q in q_by_tau.items()}
        row["SPL"] = np.nanmean(metrics.scaled_pinball(actual, q_by_tau, train_y))
    return row


def _wide(frame: pd.DataFrame, col: str, ids: np.ndarray) -> np.ndarray:
    return frame[col].unstack().reindex(ids).to_numpy()


def _peers(season: int, period: str, h: int) -> list[tuple[object, bool, int]]:
    """(model, with intervals, n_jobs) for every statsforecast peer."""
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        AutoTheta,
        CrostonSBA,
        Naive,
        SeasonalNaive,
        SimpleExponentialSmoothingOptimized,
        WindowAverage,
    )

    ets_season = season if season <= 24 else 1
    return [
        (SimpleExponentialSmoothingOptimized(), False, 1),
        (IMAPA(), False, 1),
        (ADIDA(), False, 1),
        (TSB(alpha_d=0.2, alpha_p=0.2), False, 1),
        (CrostonSBA(), False, 1),
        (WindowAverage(window_size=4 if period == "week" else 28), False, 1),
        (Naive(), False, 1),
        (SeasonalNaive(season_length=season), False, 1),
        (AutoETS(season_length=ets_season), True, 2),
        (AutoTheta(season_length=season), True, 2),
    ]


def _quantile_rows(fc, col, ids) -> tuple[np.ndarray, np.ndarray, dict]:
    lo, hi = _wide(fc, f"{col}-lo-90", ids), _wide(fc, f"{col}-hi-90", ids)
    q = {0.5: _wide(fc, col, ids)} | {t: _wide(fc, f"{col}-hi-{lv}", ids) for t, lv in UPPER_LEVEL.items()}
    return lo, hi, q


def _conformal_ses(train: pd.DataFrame, freq: str, h: int, ids, train_y, actual) -> dict:
    """SES optimised with statsforecast's conformal intervals (2 windows of h, the fewest it
    takes), scored on the series with the 2h + 1 periods of history that needs; the others'
    actuals are left out of this row (``n`` says how many series count)."""
    from statsforecast import StatsForecast
    from statsforecast.models import SimpleExponentialSmoothingOptimized
    from statsforecast.utils import ConformalIntervals

    sizes = train.groupby("unique_id").size()
    rows = sizes.index[sizes > 2 * h]
    model = SimpleExponentialSmoothingOptimized(
        alias="SESOpt", prediction_intervals=ConformalIntervals(h=h, n_windows=2)
    )
    t0 = time.perf_counter()
    fc = (
        StatsForecast(models=[model], freq=freq, n_jobs=1)
        .forecast(df=train[train["unique_id"].isin(rows)], h=h, level=[60, 80, 90, 98])
        .set_index(["unique_id", "ds"])
    )
    seconds = time.perf_counter() - t0
    lo, hi, q = _quantile_rows(fc, "SESOpt", ids)
    return score(
        "SESOpt conformal", train_y, np.where(np.isin(ids, rows)[:, None], actual, np.nan), q[0.5], lo, hi, q, seconds
    ) | {"n": len(rows)}


def _warm_up(freq: str, season: int, period: str, h: int) -> None:
    """Compile every peer's numba code once, outside the timings."""
    from statsforecast import StatsForecast

    n = max(3 * season, 40)
    tiny = pd.DataFrame(
        {
            "unique_id": "w",
            "ds": pd.date_range("2012-01-02", periods=n, freq=freq),
            "y": np.random.default_rng(0).poisson(3, n).astype(float),
        }
    )
    for model, intervals, _ in _peers(season, period, h):
        StatsForecast(models=[model], freq=freq, n_jobs=1).forecast(df=tiny, h=h, level=[90] if intervals else None)


def run_statsforecast(cat, train: pd.DataFrame, ids, train_y, actual) -> list[dict]:
    from statsforecast import StatsForecast

    _warm_up(cat.freq, cat.season, cat.period, cat.horizon)
    rows = []
    for model, intervals, n_jobs in _peers(cat.season, cat.period, cat.horizon):
        t0 = time.perf_counter()
        fc = StatsForecast(models=[model], freq=cat.freq, n_jobs=n_jobs).forecast(
            df=train[["unique_id", "ds", "y"]], h=cat.horizon, level=[60, 80, 90, 98] if intervals else None
        )
        seconds = time.perf_counter() - t0
        col, wide = repr(model), fc.set_index(["unique_id", "ds"])
        if intervals:
            lo, hi, q = _quantile_rows(wide, col, ids)
            rows.append(score(col, train_y, actual, q[0.5], lo, hi, q, seconds))
        else:
            rows.append(score(col, train_y, actual, _wide(wide, col, ids), seconds=seconds))
    rows.append(_conformal_ses(train[["unique_id", "ds", "y"]], cat.freq, cat.horizon, ids, train_y, actual))
    return rows


def _peer_rows(cat, train, ids, train_y, actual) -> list[dict]:
    cache = os.environ.get("JITJIC_BENCH_CACHE")
    path = Path(cache) / f"{cat.name}_{len(ids)}_{cat.horizon}.pkl" if cache else None
    if path and path.exists():
        return pickle.loads(path.read_bytes())
    rows = run_statsforecast(cat, train, ids, train_y, actual)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(rows))
    return rows


def _jitjic(cat, train: pd.DataFrame, test: pd.DataFrame, ids, train_y, actual) -> tuple[dict, dict]:
    """jitjic's row and its own checks: lead-time quantiles and coverage per demand pattern."""
    rename = {"unique_id": "sku", "ds": "period_start", "y": "qty"}
    known = test[["unique_id", "ds", "promo"]].rename(columns=rename) if "promo" in test else None
    t0 = time.perf_counter()
    extra = {"known_future": known} if known is not None else {}
    result = forecast_demand(train.rename(columns=rename), cat.horizon, period=cat.period, interval_level=0.9, **extra)
    seconds = time.perf_counter() - t0
    fc = result.forecasts

    def pivot(c):
        return fc.pivot(index="sku", columns="step", values=c).reindex(ids).to_numpy()

    q = {t: pivot(f"q{round(t * 100)}") for t in TAUS}
    row = score("jitjic auto", train_y, actual, pivot("mean"), pivot("lower"), pivot("upper"), q, seconds)
    checks = {"choices": result.summary["model"].value_counts().head(6).to_dict()}
    long_enough = ((~np.isnan(train_y)).sum(axis=1) > 2 * cat.horizon)[:, None]
    checks["SPL on the series conformal SES is scored on"] = round(
        float(
            np.nanmean(
                metrics.scaled_pinball(
                    np.where(long_enough, actual, np.nan), {t: np.maximum(v, 0) for t, v in q.items()}, train_y
                )
            )
        ),
        4,
    )
    lt = result.lead_time.set_index(["sku", "periods"])
    for span in sorted({POLICY_SPAN[cat.period], cat.horizon}):
        cum = np.nansum(actual[:, :span], axis=1)
        seen = ~np.isnan(actual[:, :span]).any(axis=1)
        at = lt.xs(span, level="periods").reindex(ids)
        checks[f"lead time {span}: share <= q90 / q95"] = (
            float((cum <= at["q90"].to_numpy())[seen].mean()),
            float((cum <= at["q95"].to_numpy())[seen].mean()),
        )
    pattern = result.summary.set_index("sku")["pattern"].reindex(ids).to_numpy()
    lower, upper = pivot("lower"), pivot("upper")
    checks["cov90 per pattern"] = {
        p: round(metrics.coverage(actual[pattern == p], lower[pattern == p], upper[pattern == p]), 3)
        for p in ("smooth", "erratic", "intermittent", "lumpy")
        if (pattern == p).any()
    }
    if "season_ending" in result.summary:
        checks["season ending"] = int(result.summary["season_ending"].sum())
    return row, checks


def run_set(cat) -> pd.DataFrame:
    series = cat.series
    cut = np.sort(series["ds"].unique())[-cat.horizon]
    train, test = series[series["ds"] < cut], series[series["ds"] >= cut]
    ids, _, train_y = to_matrix(train, "unique_id", "ds", "y")
    actual = test.pivot(index="unique_id", columns="ds", values="y").reindex(ids).to_numpy()
    print(
        f"\n== {cat.name}: {len(ids):,} series ({cat.note}); {cat.period}ly, {train_y.shape[1]} periods, "
        f"last {cat.horizon} held out from {pd.Timestamp(cut).date()}"
    )
    row, checks = _jitjic(cat, train, test, ids, train_y, actual)
    rows = [row]
    if os.environ.get("JITJIC_SKIP_STATSFORECAST") != "1":
        rows += _peer_rows(cat, train, ids, train_y, actual)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.float_format", "{:.4f}".format):
        print(table.to_string(index=False))
    for k, v in checks.items():
        print(f"  {k}: {v}")
    return table.assign(set=cat.name)


def verdict(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Per set: jitjic against the best peer and the targets; then the geometric mean."""
    out = []
    for t in tables:
        ours, peers = t.iloc[0], t.iloc[1:]
        if peers.empty:
            continue
        # conformal SES is SES's point forecast scored on the longer series only: not a peer here
        points = peers[peers["method"] != "SESOpt conformal"]
        best = points.loc[points["RMSSE"].idxmin()]
        ses, ets = peers.set_index("method").loc["SESOpt"], peers.set_index("method").loc["AutoETS"]
        out.append(
            {
                "set": t["set"].iloc[0],
                "jitjic": ours["RMSSE"],
                "best peer": best["method"],
                "best RMSSE": best["RMSSE"],
                "ratio": ours["RMSSE"] / best["RMSSE"],
                "MASE/SES": ours["MASE"] / ses["MASE"],
                "|bias|": abs(ours["bias"]),
                "SES |bias|": abs(ses["bias"]),
                "cov90": ours["cov90"],
                "SPL": ours["SPL"],
                "ETS SPL": ets["SPL"],
                "conformal SPL": peers.set_index("method").loc["SESOpt conformal", "SPL"],
                "time/ETS": ours["seconds"] / ets["seconds"],
            }
        )
    frame = pd.DataFrame(out)
    if len(frame):
        with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
            print("\n== jitjic against the targets\n" + frame.to_string(index=False))
        print(f"geometric mean of RMSSE ratios {np.exp(np.log(frame['ratio']).mean()):.4f} (target <= 0.97)")
    return frame


def windows(cat, n: int) -> pd.DataFrame:
    """jitjic against SES optimised on the last ``n + 1`` holdouts, a horizon apart."""
    from statsforecast import StatsForecast
    from statsforecast.models import SimpleExponentialSmoothingOptimized

    rows, dates = [], np.sort(cat.series["ds"].unique())
    for w in range(n + 1):
        end = len(dates) - w * cat.horizon
        series = cat.series[cat.series["ds"] < dates[end - 1] + np.timedelta64(1, "D")]
        cut = dates[end - cat.horizon]
        train, test = series[series["ds"] < cut], series[series["ds"] >= cut]
        ids, _, train_y = to_matrix(train, "unique_id", "ds", "y")
        actual = test.pivot(index="unique_id", columns="ds", values="y").reindex(ids).to_numpy()
        with contextlib.redirect_stdout(io.StringIO()):
            ours, _ = _jitjic(cat, train, test, ids, train_y, actual)
        fc = (
            StatsForecast(models=[SimpleExponentialSmoothingOptimized()], freq=cat.freq, n_jobs=1)
            .forecast(df=train[["unique_id", "ds", "y"]], h=cat.horizon)
            .set_index(["unique_id", "ds"])
        )
        ses = score("SESOpt", train_y, actual, _wide(fc, "SESOpt", ids))
        rows.append(
            {
                "set": cat.name,
                "from": pd.Timestamp(cut).date(),
                "ratio": ours["RMSSE"] / ses["RMSSE"],
                "bias": ours["bias"],
                "SES bias": ses["bias"],
                "cov90": ours["cov90"],
            }
        )
    return pd.DataFrame(rows)


def main(names: list[str], n_windows: int = 0) -> list[pd.DataFrame]:
    from catalogues import LOADERS  # noqa: I001 (benchmarks folder on sys.path)

    warnings.simplefilter("ignore")  # the peers warn on short and all-zero series
    t0 = time.perf_counter()
    cats = [LOADERS[n]() for n in names or LOADERS]
    tables = [run_set(cat) for cat in cats]
    verdict(tables)
    if n_windows:
        per = pd.concat([windows(cat, n_windows) for cat in cats])
        summary = per.groupby("set", sort=False).agg(
            windows=("ratio", "size"),
            ratio_to_SES=("ratio", "mean"),
            mean_abs_bias=("bias", lambda b: b.abs().mean()),
            SES_mean_abs_bias=("SES bias", lambda b: b.abs().mean()),
            cov90=("cov90", "mean"),
            cov90_min=("cov90", "min"),
            cov90_max=("cov90", "max"),
        )
        with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
            print(
                f"\n== jitjic against SES optimised over {n_windows + 1} holdouts a horizon apart\n"
                + summary.to_string()
            )
    print(f"\n{time.perf_counter() - t0:.0f} s")
    return tables


if __name__ == "__main__":
    args = sys.argv[1:]
    n = int(args[args.index("--windows") + 1]) if "--windows" in args else 0
    main([a for i, a in enumerate(args) if a != "--windows" and (i == 0 or args[i - 1] != "--windows")], n)
