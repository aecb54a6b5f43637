"""How far choosing and combining jitjic's models can go on the forecast benchmark's holdout.

    python benchmarks/forecast_headroom.py [path/to/online_retail.csv.gz]

Same series and holdout as ``forecast_vs_statsforecast.py`` (issue 3's protocol), the candidate
models on demand with outliers capped as the pipeline does. Most rows below are scored *with
hindsight*: the model or mix is chosen by looking at the holdout itself, which no forecaster can
do, so they bound what any selection rule over these models could reach. One row does not look:
a feature-based meta-learner in the FFORMA manner (a gradient-boosted model per candidate,
trained on many earlier origins to predict that candidate's RMSSE from the history's shape).
Prints mean RMSSE over the series and issue 3's target (3% below statsforecast's IMAPA).
"""

from __future__ import annotations

import itertools
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from forecast_vs_statsforecast import DEFAULT, H, weekly_series  # noqa: I001 (benchmarks folder on sys.path)
from jitjic.forecasting import metrics
from jitjic.forecasting.auto import CANDIDATES, _pattern, _trend
from jitjic.forecasting.matrix import to_matrix
from jitjic.forecasting.paths import backtest_origins
from jitjic.forecasting.pipeline import prepare_partition
from sklearn.ensemble import HistGradientBoostingRegressor

# on 45 weeks Holt-Winters falls back to damped Holt and the seasonal naive to the naive
MODELS = tuple(m for m in CANDIDATES if m not in ("HoltWinters", "SeasonalNaive"))
META_ORIGINS = 26  # earlier origins, one week apart, that the meta-learner learns from
MIN_META_HISTORY = 16


def mean_rmsse(actual, forecast, history) -> float:
    return float(np.nanmean(metrics.rmsse(actual, forecast, history)))


def best_mix(actual, history, holdout: dict[str, np.ndarray], rows: np.ndarray) -> tuple[tuple[str, ...], float]:
    """With hindsight: the equal-weight mean of 1-4 models with the lowest RMSSE on ``rows``."""
    best, best_score = (), np.inf
    for r in range(1, 5):
        for mix in itertools.combinations(MODELS, r):
            s = mean_rmsse(actual[rows], np.mean([holdout[m][rows] for m in mix], axis=0), history[rows])
            if s < best_score:
                best, best_score = mix, s
    return best, best_score


def shape_features(y: np.ndarray, forecasts: dict[str, np.ndarray]) -> np.ndarray:
    """Per SKU: length, share of periods with demand, recent against longer means, last value,
    naive scale, peak (all relative to the mean) and every model's next-period forecast."""

    def mean(a):
        return np.nanmean(a, axis=1)

    level = np.maximum(mean(y), 1e-3)
    scale = np.sqrt(np.nan_to_num(metrics.scales(y)[0]))
    cols = [
        np.log1p((~np.isnan(y)).sum(axis=1)),
        np.log1p(level),
        mean(y > 0),
        mean(y[:, -8:] > 0),
        mean(y[:, -4:]) / level,
        mean(y[:, -8:]) / level,
        mean(y[:, -13:]) / level,
        y[:, -1] / level,
        scale / level,
        np.nanmax(y, axis=1) / level,
    ]
    cols += [forecasts[m][:, 0] / level for m in MODELS]
    return np.column_stack(cols)


def meta_learner(y: np.ndarray, origins: list[int], paths: dict[str, np.ndarray]) -> np.ndarray:
    """Predicted RMSSE (relative to the mean over models) per SKU x model for the holdout."""
    features, targets = [], []
    for i, o in enumerate(origins):
        if o < MIN_META_HISTORY:
            continue
        at = {m: paths[m][i] for m in MODELS}
        r = np.column_stack([metrics.rmsse(y[:, o : o + H], at[m], y[:, :o]) for m in MODELS])
        ok = np.isfinite(r).all(axis=1) & ((~np.isnan(y[:, :o])).sum(axis=1) >= 8)
        features.append(shape_features(y[:, :o], at)[ok])
        targets.append((r / r.mean(axis=1, keepdims=True))[ok])
    x, t = np.vstack(features), np.vstack(targets)
    now = shape_features(y, {m: paths[m][-1] for m in MODELS})
    return np.column_stack(
        [
            HistGradientBoostingRegressor(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, random_state=0)
            .fit(x, t[:, j])
            .predict(now)
            for j in range(len(MODELS))
        ]
    )


def statsforecast_imapa(train, ids, actual, history) -> float:
    from statsforecast import StatsForecast
    from statsforecast.models import IMAPA

    fc = StatsForecast(models=[IMAPA()], freq="W-MON", n_jobs=1).forecast(df=train, h=H)
    return mean_rmsse(actual, fc.set_index(["unique_id", "ds"])["IMAPA"].unstack().reindex(ids).to_numpy(), history)


def main(source: Path) -> None:
    # young SKUs have no history at the early origins: their all-NaN means are expected
    warnings.simplefilter("ignore", RuntimeWarning)
    t0 = time.perf_counter()
    series = weekly_series(source)
    cut = np.sort(series["ds"].unique())[-H]
    train, test = series[series["ds"] < cut], series[series["ds"] >= cut]
    ids, periods, history = to_matrix(train, "unique_id", "ds", "y")
    actual = test.pivot(index="unique_id", columns="ds", values="y").reindex(ids).to_numpy()
    part = prepare_partition(
        train,
        periods,
        H,
        models=MODELS,
        backtest_origins=META_ORIGINS,
        origin_step=1,
        id_col="unique_id",
        time_col="ds",
        target_col="y",
    )
    y, origins = part.y, backtest_origins(history.shape[1], H, META_ORIGINS, 1)
    holdout = {m: part.paths[m][-1] for m in MODELS}
    try:
        imapa = statsforecast_imapa(train, ids, actual, history)
        print(f"statsforecast IMAPA {imapa:.4f}; issue 3's target: jitjic RMSSE <= {0.97 * imapa:.4f}")
    except ImportError:
        print("statsforecast not installed (pip install -e '.[bench]'): no target line")

    print(f"\n{len(ids):,} series, holdout {H} weeks; each model alone (outliers capped):")
    per_sku = {m: metrics.rmsse(actual, holdout[m], history) for m in MODELS}
    for m in MODELS:
        print(f"  {m:<11} {np.nanmean(per_sku[m]):.4f}")
    worst = np.sort(per_sku["IMAPA"][np.isfinite(per_sku["IMAPA"])])[::-1]
    top = max(1, len(worst) // 100)
    print(
        f"the worst 1% of series ({top}) make {worst[:top].sum() / worst.sum():.0%} of IMAPA's mean RMSSE "
        f"(one-week spikes far beyond their history; median series {np.median(worst):.2f})"
    )

    print("\nwith hindsight, the best equal-weight mean of 1-4 models per group:")
    trend, pattern = _trend(y), _pattern(y)
    groupings = {
        "one group": np.full(len(ids), "all", dtype=object),
        "trend": trend,
        "pattern": pattern,
        "trend x pattern": trend + " " + pattern,
    }
    for name, group in groupings.items():
        mixed, mixes = np.zeros_like(actual), []
        for g in np.unique(group):
            rows = group == g
            mix, _ = best_mix(actual, history, holdout, rows)
            mixed[rows] = np.mean([holdout[m][rows] for m in mix], axis=0)
            mixes.append(f"{g}: {'+'.join(mix)}")
        print(f"  {name:<16} {mean_rmsse(actual, mixed, history):.4f}   ({'; '.join(mixes)})")
    oracle = np.nanmin(np.stack(list(per_sku.values())), axis=0)
    print(f"  {'per SKU':<16} {np.nanmean(oracle):.4f}   (each series its best single model)")

    print(f"\nwithout hindsight, a meta-learner trained on {META_ORIGINS} earlier origins:")
    predicted = meta_learner(y, origins, part.paths)
    stacked = np.stack([holdout[m] for m in MODELS], axis=1)  # sku x model x h
    ranked = np.argsort(predicted, axis=1)
    for k in (1, 2, 4):
        pick = np.take_along_axis(stacked, ranked[:, :k, None], axis=1).mean(axis=1)
        print(f"  mean of its best {k}: {mean_rmsse(actual, pick, history):.4f}")
    for temperature in (0.1, 0.2):
        w = np.exp(-(predicted - predicted.min(axis=1, keepdims=True)) / temperature)
        w /= w.sum(axis=1, keepdims=True)
        print(
            f"  softmax weights (temperature {temperature}): "
            f"{mean_rmsse(actual, np.einsum('sm,smh->sh', w, stacked), history):.4f}"
        )
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
