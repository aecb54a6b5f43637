"""jitjic's automatic forecast against statsforecast on weekly Online Retail demand (one run).

    pip install -e '.[bench]'        # statsforecast 2.1.1 (needs pandas<3, as jitjic pins)
    python benchmarks/forecast_vs_statsforecast.py [path/to/online_retail.csv.gz]

Protocol (issue 3): drop invoices starting with C, quantity <= 0, price <= 0, non-product codes
(POST, D, DOT, M, BANK CHARGES, AMAZONFEE, CRUK, C2, PADS, S, B and codes not starting with a
digit); weeks start Monday; drop the last, partial week; zero-fill from each SKU's first sale;
keep SKUs with >= 20 weeks; hold out the last 8 weeks. Every method is scored with the same
functions (forecasting.metrics): RMSSE and MASE per series (scales from the training weeks,
series with a zero scale left out), then averaged; WAPE and bias pooled.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from forecasting import forecast_demand, metrics
from forecasting.matrix import to_matrix

H = 8
NON_PRODUCT = ("POST", "D", "DOT", "M", "BANK CHARGES", "AMAZONFEE", "CRUK", "C2", "PADS", "S", "B")
DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "data" / "online_retail.csv.gz"


def weekly_series(source: Path) -> pd.DataFrame:
    """Long ``unique_id, ds, y`` by the protocol above."""
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
    r = metrics.rmsse(actual, mean, train_y)
    m = metrics.mase(actual, mean, train_y)
    row = {"method": name, "RMSSE": np.nanmean(r), "MASE": np.nanmean(m), "WAPE": metrics.wape(actual, mean),
           "bias": metrics.bias(actual, mean), "cov90": np.nan, "pinball": np.nan, "seconds": seconds}
    if lower is not None:
        row["cov90"] = metrics.coverage(actual, lower, upper)
    if q_by_tau:
        row["pinball"] = np.mean([metrics.pinball(actual, q, t) for t, q in q_by_tau.items()])
    return row


def _wide(frame: pd.DataFrame, col: str, ids: np.ndarray) -> np.ndarray:
    return frame[col].unstack().reindex(ids).to_numpy()


def run_statsforecast(train: pd.DataFrame, ids: np.ndarray, train_y, actual) -> list[dict]:
    from statsforecast import StatsForecast
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        CrostonClassic,
        CrostonOptimized,
        CrostonSBA,
        HistoricAverage,
        Naive,
        SimpleExponentialSmoothingOptimized,
        WindowAverage,
    )

    models = [Naive(), HistoricAverage(), WindowAverage(window_size=4), SimpleExponentialSmoothingOptimized(),
              CrostonClassic(), CrostonOptimized(), CrostonSBA(), TSB(alpha_d=0.2, alpha_p=0.2), ADIDA(), IMAPA(),
              AutoETS(season_length=1)]
    rows = []
    for model in models:
        n_jobs = 2 if isinstance(model, AutoETS) else 1
        levels = [90] if isinstance(model, AutoETS) else None
        sf = StatsForecast(models=[model], freq="W-MON", n_jobs=n_jobs)
        t0 = time.perf_counter()
        fc = sf.forecast(df=train, h=H, level=levels)
        seconds = time.perf_counter() - t0
        col = repr(model)
        wide = fc.set_index(["unique_id", "ds"])
        lo = _wide(wide, f"{col}-lo-90", ids) if levels else None
        hi = _wide(wide, f"{col}-hi-90", ids) if levels else None
        rows.append(score(f"statsforecast {col}", train_y, actual, _wide(wide, col, ids), lo, hi, seconds=seconds))
    return rows


def main(source: Path) -> pd.DataFrame:
    series = weekly_series(source)
    cut = np.sort(series["ds"].unique())[-H]
    train, test = series[series["ds"] < cut], series[series["ds"] >= cut]
    ids, _, train_y = to_matrix(train, "unique_id", "ds", "y")
    actual = test.pivot(index="unique_id", columns="ds", values="y").reindex(ids).to_numpy()
    print(f"{len(ids):,} series, {len(train):,} training weeks, holdout {H} weeks from {pd.Timestamp(cut).date()}")

    t0 = time.perf_counter()
    result = forecast_demand(train.rename(columns={"unique_id": "sku", "ds": "period_start", "y": "qty"}), H, level=0.9)
    seconds = time.perf_counter() - t0
    fc = result.forecasts
    pivot = lambda c: fc.pivot(index="sku", columns="step", values=c).reindex(ids).to_numpy()  # noqa: E731
    quantiles = {0.5: pivot("q50"), 0.8: pivot("q80"), 0.9: pivot("q90"), 0.95: pivot("q95"), 0.99: pivot("q99")}
    rows = [score("jitjic auto", train_y, actual, pivot("mean"), pivot("lower"), pivot("upper"), quantiles, seconds)]
    print("jitjic backtest coverage (latest origin):",
          ", ".join(f"{r.level:.0%}: {r.coverage:.3f}" for r in result.coverage.itertuples()))
    print("jitjic choices:", result.summary["model"].value_counts().head(6).to_dict())
    if os.environ.get("JITJIC_SKIP_STATSFORECAST") != "1":
        rows += run_statsforecast(train, ids, train_y, actual)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 160, "display.float_format", "{:.4f}".format):
        print(table.to_string(index=False))
    sf = table[table["method"].str.startswith("statsforecast")]
    if len(sf):
        best = sf.loc[sf["RMSSE"].idxmin()]
        ours = table.iloc[0]
        ets = sf[sf["method"].str.contains("AutoETS")]["seconds"].iloc[0]
        print(f"\nbest statsforecast by RMSSE: {best['method']} {best['RMSSE']:.4f} (MASE best {sf['MASE'].min():.4f})")
        print(f"jitjic RMSSE {ours['RMSSE']:.4f}: {100 * (1 - ours['RMSSE'] / best['RMSSE']):+.2f}% vs best (target >= +3%)")
        print(f"jitjic MASE {ours['MASE']:.4f} vs best {sf['MASE'].min():.4f} (target: no worse)")
        print(f"jitjic 90% coverage {ours['cov90']:.3f} (target 0.87-0.93)")
        print(f"jitjic time {ours['seconds']:.2f} s vs AutoETS {ets:.2f} s (target <= {ets / 2:.2f} s)")
    return table


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
