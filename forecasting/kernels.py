"""Pure NumPy forecast kernels over a SKU x period matrix.

Every kernel takes ``y`` (n_series x n_periods, NaN before a series starts, zero-filled after)
and a horizon ``h`` and returns the forecast path (n_series x h, units per period). The ``*_cuts``
kernels give the same forecasts as fitted on ``y[:, :c]`` for every cut ``c`` of ``cuts`` in one
pass over the periods (cuts x n_series x h): a backtest at ten origins costs one pass, not ten.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "ALPHA_GRID",
    "naive",
    "seasonal_naive",
    "moving_average",
    "ses",
    "ses_optimised",
    "holt_damped",
    "holt_damped_optimised",
    "croston_sba",
    "tsb",
    "adida",
    "imapa",
    "aggregate_tail",
    "ses_cuts",
    "holt_damped_cuts",
    "croston_cuts",
    "tsb_cuts",
    "adida_cuts",
    "imapa_cuts",
]

ALPHA_GRID = np.round(np.arange(0.05, 1.0, 0.05), 2)


def _flat(level: np.ndarray, h: int) -> np.ndarray:
    return np.repeat(np.nan_to_num(level)[:, None], h, axis=1)


def _last_values(y: np.ndarray, k: int) -> np.ndarray:
    """The last ``k`` columns (all series are aligned at the end)."""
    return y[:, -k:] if k <= y.shape[1] else y


def naive(y: np.ndarray, h: int) -> np.ndarray:
    """The last observed value, repeated (a period left out, NaN, is skipped)."""
    if not y.size:
        return _flat(np.zeros(len(y)), h)
    seen = ~np.isnan(y)
    last = y.shape[1] - 1 - np.argmax(seen[:, ::-1], axis=1)
    return _flat(np.where(seen.any(axis=1), y[np.arange(len(y)), last], np.nan), h)


def seasonal_naive(y: np.ndarray, h: int, season: int = 52) -> np.ndarray:
    """The value one season ago; the naive forecast where the history is shorter than a season."""
    if y.shape[1] < season:
        return naive(y, h)
    past = y[:, -season:]
    idx = np.arange(h) % season
    out = past[:, idx]
    return np.where(np.isnan(out), _flat(y[:, -1], h), out)


def moving_average(y: np.ndarray, h: int, window: int = 6) -> np.ndarray:
    """Mean of the last ``window`` observed periods (fewer for young series)."""
    if not y.size:
        return _flat(np.zeros(len(y)), h)
    with warnings.catch_warnings():  # a series not started in the window has no mean: 0
        warnings.simplefilter("ignore", RuntimeWarning)
        return _flat(np.nanmean(_last_values(y, window), axis=1), h)


def _ses_step(level: np.ndarray, obs: np.ndarray, error: np.ndarray, alpha) -> np.ndarray:
    """The SES recursion for one period (``error = obs - level``): start at the first value,
    skip periods not observed."""
    updated = np.where(np.isnan(level), obs, level + alpha * error)
    return np.where(np.isnan(obs), level, updated)


def ses(y: np.ndarray, alpha: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Simple exponential smoothing, level started at each series' first value.

    Returns ``(fitted, level)``: ``fitted[:, t]`` is the forecast of ``y[:, t]`` made at t-1.
    """
    n, periods = y.shape
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (n,))
    level = np.full(n, np.nan)
    fitted = np.full((n, periods), np.nan)
    for t in range(periods):
        obs = y[:, t]
        fitted[:, t] = level
        level = _ses_step(level, obs, obs - level, alpha)
    return fitted, level


def _ses_sse(y: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """One-step squared error sums ``(len(grid), n)`` of SES for every alpha of ``grid`` in one
    pass over the periods (one pass per alpha costs a Python loop each on small groups)."""
    alpha = grid[:, None]
    level = np.full((len(grid), y.shape[0]), np.nan)
    sse = np.zeros_like(level)
    for t in range(y.shape[1]):
        obs = y[:, t]
        error = obs - level
        sse += np.where(np.isnan(error), 0.0, error * error)
        level = _ses_step(level, obs, error, alpha)
    return sse


def ses_optimised(y: np.ndarray, grid: np.ndarray = ALPHA_GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SES with alpha per series chosen on ``grid`` by the smallest one-step squared error.

    Returns ``(fitted, level, alpha)``; series with fewer than two values get the grid's minimum.
    """
    n = y.shape[0]
    best_sse, best_alpha = np.full(n, np.inf), np.full(n, grid[0])
    for a, sse in zip(grid, _ses_sse(y, np.asarray(grid, dtype=float)), strict=True):
        better = sse < best_sse - 1e-12
        best_sse, best_alpha = np.where(better, sse, best_sse), np.where(better, a, best_alpha)
    fitted, level = ses(y, best_alpha)
    return fitted, level, best_alpha


def _first_min(sse: np.ndarray) -> np.ndarray:
    """Per column, the first grid row whose value is below every earlier one by > 1e-12 (the
    tie rule of the one-value-at-a-time searches)."""
    best, arg = np.full(sse.shape[1], np.inf), np.zeros(sse.shape[1], dtype=int)
    for g, row in enumerate(sse):
        better = row < best - 1e-12
        best, arg = np.where(better, row, best), np.where(better, g, arg)
    return arg


def ses_cuts(y: np.ndarray, h: int, cuts: list[int], grid: np.ndarray = ALPHA_GRID) -> np.ndarray:
    """``ses_optimised``'s flat forecast as fitted on ``y[:, :c]`` for every ``c`` of ``cuts``."""
    alpha = np.asarray(grid, dtype=float)[:, None]
    n = y.shape[0]
    level, sse = np.full((len(grid), n), np.nan), np.zeros((len(grid), n))
    at = {c: [i for i, cc in enumerate(cuts) if cc == c] for c in cuts}
    out = np.zeros((len(cuts), n))
    for t in range(max(cuts) + 1):
        for i in at.get(t, ()):
            out[i] = np.nan_to_num(level[_first_min(sse), np.arange(n)])
        if t == max(cuts):
            break
        obs = y[:, t]
        error = obs - level
        sse += np.where(np.isnan(error), 0.0, error * error)
        level = _ses_step(level, obs, error, alpha)
    return np.repeat(out[:, :, None], h, axis=2)


HOLT_GRID = tuple((a, b, phi) for a in (0.1, 0.3, 0.5, 0.8) for b in (0.05, 0.2) for phi in (0.8, 0.9, 0.98))


def _holt_pass(y: np.ndarray, alpha, beta, phi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One damped-trend pass; returns (level, trend, one-step squared error sum) per series.
    Parameters broadcast against ``(n,)``: ``(g, 1)`` arrays run g parameter sets at once."""
    n, periods = y.shape
    shape = np.broadcast_shapes(np.shape(alpha), np.shape(beta), np.shape(phi), (n,))
    level, trend, sse = np.full(shape, np.nan), np.zeros(shape), np.zeros(shape)
    for t in range(periods):
        level, trend, sse = _holt_step(level, trend, sse, y[:, t], alpha, beta, phi)
    return level, trend, sse


def _holt_step(level, trend, sse, obs, alpha, beta, phi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The damped-trend recursion for one period: start at the first value, skip periods not
    observed; ``sse`` gathers the one-step squared errors."""
    started = ~np.isnan(level)
    forecast = level + phi * trend
    seen = ~np.isnan(obs)
    sse = sse + np.where(started & seen, (obs - forecast) ** 2, 0.0)
    new_level = np.where(started, forecast + alpha * (obs - forecast), obs)
    new_trend = np.where(started, beta * (new_level - level) + (1 - beta) * phi * trend, 0.0)
    return np.where(seen, new_level, level), np.where(seen, new_trend, trend), sse


def holt_damped(y: np.ndarray, h: int, alpha: float = 0.2, beta: float = 0.1, phi: float = 0.9) -> np.ndarray:
    """Additive damped-trend Holt; level starts at the first value, trend at zero. Floored at 0."""
    level, trend, _ = _holt_pass(y, alpha, beta, phi)
    steps = np.cumsum(phi ** np.arange(1, h + 1))
    return np.maximum(np.nan_to_num(level)[:, None] + trend[:, None] * steps[None, :], 0.0)


def holt_damped_optimised(y: np.ndarray, h: int, grid: tuple = HOLT_GRID) -> np.ndarray:
    """Damped-trend Holt with (alpha, beta, phi) per series chosen on ``grid`` by one-step SSE;
    the whole grid runs in one pass over the periods."""
    n = y.shape[0]
    best = np.full(n, np.inf)
    out = np.zeros((n, h))
    alpha, beta, phi = (np.asarray(col, dtype=float)[:, None] for col in zip(*grid, strict=True))
    levels, trends, sses = _holt_pass(y, alpha, beta, phi)
    for (_, _, p), level, trend, sse in zip(grid, levels, trends, sses, strict=True):
        better = sse < best - 1e-12
        steps = np.cumsum(p ** np.arange(1, h + 1))
        path = np.nan_to_num(level)[:, None] + trend[:, None] * steps[None, :]
        out = np.where(better[:, None], path, out)
        best = np.where(better, sse, best)
    return np.maximum(out, 0.0)


def holt_damped_cuts(y: np.ndarray, h: int, cuts: list[int], grid: tuple = HOLT_GRID) -> np.ndarray:
    """``holt_damped_optimised`` as fitted on ``y[:, :c]`` for every ``c`` of ``cuts``."""
    n = y.shape[0]
    alpha, beta, phi = (np.asarray(col, dtype=float)[:, None] for col in zip(*grid, strict=True))
    level, trend, sse = np.full((len(grid), n), np.nan), np.zeros((len(grid), n)), np.zeros((len(grid), n))
    steps = np.cumsum(phi ** np.arange(1, h + 1)[None, :], axis=1)  # grid x h
    out = np.zeros((len(cuts), n, h))
    for t in range(max(cuts) + 1):
        for i, c in enumerate(cuts):
            if c == t:
                g = _first_min(sse)
                path = np.nan_to_num(level[g, np.arange(n)])[:, None] + trend[g, np.arange(n)][:, None] * steps[g]
                out[i] = np.maximum(path, 0.0)
        if t == max(cuts):
            break
        level, trend, sse = _holt_step(level, trend, sse, y[:, t], alpha, beta, phi)
    return out


def croston_sba(y: np.ndarray, alpha: float = 0.1, *, debias: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Croston's method, with the Syntetos-Boylan correction ``(1 - alpha/2)`` when ``debias``.

    Demand size ``z`` and inter-demand interval ``p`` are smoothed only in periods with demand;
    both start at the first demand (``p`` = periods from the series start to it, inclusive).
    Returns ``(fitted, forecast)``; series without any demand forecast 0.
    """
    fitted, at = _croston_pass(y, alpha, debias, [y.shape[1]])
    return fitted, at[0]


def _croston_pass(y: np.ndarray, alpha: float, debias: bool, cuts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(fitted, forecast as of each cut: cuts x n)."""
    n, periods = y.shape
    factor = 1.0 - alpha / 2.0 if debias else 1.0
    z, p = np.full(n, np.nan), np.full(n, np.nan)
    since = np.zeros(n)  # periods since the last demand (or since the series start)
    fitted = np.full((n, periods), np.nan)
    at = np.zeros((len(cuts), n))
    for t in range(max(cuts) + 1):
        for i, c in enumerate(cuts):
            if c == t:
                at[i] = np.where(np.isnan(z), 0.0, factor * z / p)
        if t == max(cuts):
            break
        obs = y[:, t]
        observed = ~np.isnan(obs)
        fitted[:, t] = np.where(observed, np.where(np.isnan(z), 0.0, factor * z / p), np.nan)
        since = since + observed
        demand = observed & (obs > 0)
        first = demand & np.isnan(z)
        update = demand & ~first
        z = np.where(first, obs, np.where(update, z + alpha * (obs - z), z))
        p = np.where(first, since, np.where(update, p + alpha * (since - p), p))
        since = np.where(demand, 0.0, since)
    return fitted, at


def croston_cuts(y: np.ndarray, h: int, cuts: list[int], alpha: float = 0.1, *, debias: bool = True) -> np.ndarray:
    """``croston_sba``'s forecast as fitted on ``y[:, :c]`` for every ``c`` of ``cuts``."""
    return np.repeat(_croston_pass(y, alpha, debias, cuts)[1][:, :, None], h, axis=2)


def tsb(y: np.ndarray, h: int, alpha_d: float = 0.2, alpha_p: float = 0.2) -> np.ndarray:
    """Teunter-Syntetos-Babai: demand probability smoothed every period, size only on demand.

    Unlike Croston, the forecast decays while an item stops selling (obsolescence).
    """
    return tsb_cuts(y, h, [y.shape[1]], alpha_d, alpha_p)[0]


def tsb_cuts(y: np.ndarray, h: int, cuts: list[int], alpha_d: float = 0.2, alpha_p: float = 0.2) -> np.ndarray:
    """``tsb``'s forecast as fitted on ``y[:, :c]`` for every ``c`` of ``cuts``."""
    n = y.shape[0]
    prob, size = np.full(n, np.nan), np.full(n, np.nan)
    at = np.zeros((len(cuts), n))
    for t in range(max(cuts) + 1):
        for i, c in enumerate(cuts):
            if c == t:
                at[i] = np.where(np.isnan(size), 0.0, np.nan_to_num(prob * size))
        if t == max(cuts):
            break
        obs = y[:, t]
        seen = ~np.isnan(obs)
        hit = seen & (obs > 0)
        prob = np.where(seen, np.where(np.isnan(prob), hit * 1.0, prob + alpha_p * (hit - prob)), prob)
        new_size = np.where(np.isnan(size), obs, size + alpha_d * (obs - size))
        size = np.where(hit, new_size, size)
    return np.repeat(at[:, :, None], h, axis=2)


def aggregate_tail(y: np.ndarray, k: int) -> np.ndarray:
    """Non-overlapping sums of ``k`` periods, aligned at the end; a bucket with a gap is NaN."""
    buckets = y.shape[1] // k
    if buckets == 0:
        return np.full((y.shape[0], 0), np.nan)
    tail = y[:, y.shape[1] - buckets * k :]
    return tail.reshape(y.shape[0], buckets, k).sum(axis=2)  # NaN propagates: partial buckets drop


def _ses_level(y: np.ndarray) -> np.ndarray:
    if y.shape[1] == 0:
        return np.zeros(y.shape[0])
    return np.nan_to_num(ses_optimised(y)[1])


def adida(y: np.ndarray, h: int, level: np.ndarray | None = None) -> np.ndarray:
    """ADIDA: SES on buckets of ``level`` periods (default: each series' mean inter-demand
    interval, rounded), the bucket forecast spread evenly over its periods."""
    if level is None:
        level = _aggregation_level(y)
    out = np.zeros(y.shape[0])
    for k in np.unique(level):
        rows = level == k
        out[rows] = _ses_level(aggregate_tail(y[rows], int(k))) / k
    return _flat(out, h)


def imapa(y: np.ndarray, h: int, max_level: int = 12) -> np.ndarray:
    """IMAPA: the mean of ADIDA forecasts over aggregation levels 1 .. each series' mean ADI."""
    top = np.minimum(_aggregation_level(y), max_level)
    total, count = np.zeros(y.shape[0]), np.zeros(y.shape[0])
    for k in range(1, int(top.max(initial=1)) + 1):
        rows = top >= k
        total[rows] += _ses_level(aggregate_tail(y[rows], k)) / k
        count[rows] += 1
    return _flat(total / np.maximum(count, 1), h)


def _bucket_levels(y: np.ndarray, k: int, cuts: list[int]) -> np.ndarray:
    """cuts x n: ``_ses_level(aggregate_tail(y[:, :c], k))`` for every cut, one SES pass per
    bucket alignment (cuts equal modulo ``k`` share their buckets)."""
    out = np.zeros((len(cuts), len(y)))
    for r in sorted({c % k for c in cuts}):
        idx = [i for i, c in enumerate(cuts) if c % k == r]
        buckets = (max(cuts[i] for i in idx) - r) // k
        sums = y[:, r : r + buckets * k].reshape(len(y), buckets, k).sum(axis=2)
        out[idx] = ses_cuts(sums, 1, [(cuts[i] - r) // k for i in idx])[:, :, 0]
    return out


def adida_cuts(y: np.ndarray, h: int, cuts: list[int]) -> np.ndarray:
    """``adida`` as fitted on ``y[:, :c]`` for every ``c`` of ``cuts``."""
    levels = np.stack([_aggregation_level(y[:, :c]) for c in cuts])  # cuts x n
    out = np.zeros(levels.shape)
    for k in np.unique(levels):
        rows = (levels == k).any(axis=0)
        at = _bucket_levels(y[rows], int(k), cuts) / k
        out[:, rows] = np.where(levels[:, rows] == k, at, out[:, rows])
    return np.repeat(out[:, :, None], h, axis=2)


def imapa_cuts(y: np.ndarray, h: int, cuts: list[int], max_level: int = 12) -> np.ndarray:
    """``imapa`` as fitted on ``y[:, :c]`` for every ``c`` of ``cuts``."""
    top = np.minimum(np.stack([_aggregation_level(y[:, :c]) for c in cuts]), max_level)  # cuts x n
    total, count = np.zeros(top.shape), np.zeros(top.shape)
    for k in range(1, int(top.max(initial=1)) + 1):
        rows = (top >= k).any(axis=0)
        at = _bucket_levels(y[rows], k, cuts) / k
        use = top[:, rows] >= k
        total[:, rows] += np.where(use, at, 0.0)
        count[:, rows] += use
    return np.repeat((total / np.maximum(count, 1))[:, :, None], h, axis=2)


def _aggregation_level(y: np.ndarray) -> np.ndarray:
    observed = (~np.isnan(y)).sum(axis=1)
    demands = (np.nan_to_num(y) > 0).sum(axis=1)
    adi = np.where(demands > 0, observed / np.maximum(demands, 1), 1.0)
    return np.maximum(np.round(adi), 1).astype(int)
