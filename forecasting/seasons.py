"""Calendar effects as multiplicative factors: the yearly season, weekdays, special days, promotions.

Demand is read as ``level x factor(t)``; the models forecast the level from demand divided by the
factor, and the forecast is multiplied back. Every factor is learnt from the history before a
cut only, so a backtest origin never sees its own future.

- **Yearly profile** (52 weekly positions, or 12 months), for every SKU with at least half a
  year of history. Short histories cannot tell a season from noise on their own, so SKUs are
  pooled: clustered by the shape of their year (k-means), each cluster's profile averaged over
  its members. Clustering on the same noise that is then averaged would find "seasons" in pure
  noise, so the fit is crossed: clusters formed on the even weeks take their profile from the
  members' odd weeks and the other way round (a cluster held together by noise gets a flat
  profile). A SKU uses its cluster's profile scaled by how well its own history follows it
  (0 = not at all, 1 = fully). With two or more years, the SKU's own profile is blended in by
  empirical Bayes: as far as its year-to-year consistency beats the spread between SKUs.
- **Weekdays** (daily data): each SKU's weekday shares over the last year, shrunk toward the
  catalogue's the same way.
- **Special days** (daily data): dates (fixed day of year, or Easter +-2 days) on which the whole
  catalogue sold under half or over 1.5x its usual weekday in every year seen (a shop closed on
  Christmas, a rush before it); the median ratio applies to the same dates ahead.
- **Promotions**, a known input (share of the period on promotion, 0-1): each SKU's lift on
  promoted periods over unpromoted ones, shrunk toward the catalogue's median lift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["CalendarFactors", "POSITIONS", "calendar_factors", "year_position", "easter", "season_end"]

# positions of the yearly profile per period: week of year (days use their week), month
POSITIONS = {"day": 52, "week": 52, "month": 12}
PERIODS_PER_YEAR = {"day": 364, "week": 52, "month": 12}
# a profile needs this share of a year of history before it is fitted at all
MIN_YEAR_SHARE = 0.5
# a factor below this makes demand divided by it meaningless (a closed week): such periods are
# left out of what the models see
MIN_FACTOR = 0.25
SHAPE_CAP = 10.0
SPECIAL_LOW, SPECIAL_HIGH = 0.5, 1.5
EASTER_OFFSETS = (-2, -1, 0, 1)


@dataclass
class CalendarFactors:
    """history: SKU x period factors up to the cut; future: SKU x h after it; yearly: SKU x
    positions (the yearly profile, 1 = an average period, all ones where none is applied);
    future_position: the yearly position of each future period."""

    history: np.ndarray
    future: np.ndarray
    yearly: np.ndarray
    future_position: np.ndarray


def year_position(dates, period: str) -> np.ndarray:
    """Position in the year: month (0-11) for months, week of the year (0-51) otherwise; a
    year's 365th and 366th days join its last week."""
    d = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates)))
    if period == "month":
        return d.month.to_numpy() - 1
    return np.minimum((d.dayofyear.to_numpy() - 1) // 7, 51)


def future_dates(dates, period: str, h: int) -> pd.DatetimeIndex:
    last = pd.Timestamp(pd.to_datetime(np.asarray(dates))[-1])
    freq = {"day": "D", "week": "7D", "month": "MS"}[period]
    return pd.date_range(last, periods=h + 1, freq=freq)[1:]


def easter(years: np.ndarray) -> np.ndarray:
    """Gregorian Easter Sunday of each year (anonymous Gregorian algorithm), as datetime64[D]."""
    y = np.asarray(years, dtype=int)
    a, b, c = y % 19, y // 100, y % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month = (h + leap - 7 * m + 114) // 31
    day = (h + leap - 7 * m + 114) % 31 + 1
    return np.array([np.datetime64(f"{yy:04d}-{mm:02d}-{dd:02d}") for yy, mm, dd in zip(y, month, day, strict=True)])


# -- helpers ---------------------------------------------------------------------------------
def _nanmean(x: np.ndarray, axis: int) -> np.ndarray:
    n = (~np.isnan(x)).sum(axis=axis)
    return np.where(n > 0, np.nansum(x, axis=axis) / np.maximum(n, 1), np.nan)


def _level(y: np.ndarray, span: int) -> np.ndarray:
    """Mean of the observed periods in a window of ``span`` periods around each period (shifted
    inside the history at its ends): the level a seasonal index is relative to."""
    n, t = y.shape
    cs = np.concatenate([np.zeros((n, 1)), np.cumsum(np.nan_to_num(y), axis=1)], axis=1)
    cn = np.concatenate([np.zeros((n, 1)), np.cumsum(~np.isnan(y), axis=1)], axis=1)
    start = np.clip(np.arange(t) - span // 2, 0, max(t - span, 0))
    end = np.minimum(start + span, t)
    count = cn[:, end] - cn[:, start]
    return np.where(count > 0, (cs[:, end] - cs[:, start]) / np.maximum(count, 1), np.nan)


def _by_position(x: np.ndarray, pos: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """(mean, count) of ``x`` per SKU and position, NaN-aware."""
    seen = ~np.isnan(x)
    onehot = (pos[:, None] == np.arange(m)[None, :]).astype(float)
    total, count = np.nan_to_num(x) @ onehot, seen.astype(float) @ onehot
    return np.where(count > 0, total / np.maximum(count, 1), np.nan), count


def _circular_smooth(profile: np.ndarray, weights: tuple[float, ...], step: int = 1) -> np.ndarray:
    """Weighted mean over circular neighbours ``step`` apart, NaN-aware (a gap keeps its NaN
    only when all its neighbours are NaN too)."""
    half = len(weights) // 2
    total, norm = np.zeros_like(profile), np.zeros_like(profile)
    for j, w in enumerate(weights):
        shifted = np.roll(profile, (j - half) * step, axis=1)
        total += w * np.nan_to_num(shifted)
        norm += w * ~np.isnan(shifted)
    return np.where(norm > 0, total / np.maximum(norm, 1e-12), np.nan)


def _shrink(own: np.ndarray, prior: np.ndarray, noise: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Empirical Bayes: ``prior + lam (own - prior)`` per SKU, lam = tau² / (tau² + noise), tau²
    the spread of the true deviations between SKUs (method of moments over the ``ok`` SKUs)."""
    dev = own - prior
    noise = np.where(np.isfinite(noise), noise, np.inf)
    usable = ok & np.isfinite(dev).all(axis=1) & np.isfinite(noise).all(axis=1)
    if not usable.any():
        return prior
    tau2 = max(float(np.mean(dev[usable] ** 2) - np.mean(noise[usable])), 0.0)
    lam = tau2 / (tau2 + noise.mean(axis=1))
    lam = np.where(usable, lam, 0.0)
    return prior + lam[:, None] * np.nan_to_num(dev)


def _normalise(profile: np.ndarray) -> np.ndarray:
    mean = np.nanmean(profile, axis=1, keepdims=True)
    return np.where(np.isfinite(mean) & (mean > 0), profile / np.where(mean > 0, mean, 1.0), 1.0)


# -- the yearly profile --------------------------------------------------------------------
def _kmeans(features: np.ndarray, k: int, iters: int = 30) -> np.ndarray:
    """Labels of a plain k-means; deterministic (farthest-point start, no random draw), so a
    partitioned run clusters exactly as one process does."""
    if len(features) <= k:
        return np.arange(len(features))
    # start: farthest-point traversal from the row nearest the mean (no randomness)
    start = [int(np.argmin(((features - features.mean(axis=0)) ** 2).sum(axis=1)))]
    dist = ((features - features[start[0]]) ** 2).sum(axis=1)
    for _ in range(1, k):
        start.append(int(np.argmax(dist)))
        dist = np.minimum(dist, ((features - features[start[-1]]) ** 2).sum(axis=1))
    centres = features[start].copy()
    labels = np.zeros(len(features), dtype=int)
    for _ in range(iters):
        d = ((features[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new = np.argmin(d, axis=1)
        if _ and (new == labels).all():
            break
        labels = new
        for c in range(k):
            if (labels == c).any():
                centres[c] = features[labels == c].mean(axis=0)
    return labels


def _cluster_profiles(
    shape: np.ndarray, members: np.ndarray, k: int, m: int, fit_on: int
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster ``members`` on the positions of parity ``fit_on``; each cluster's profile comes
    from the other parity's positions (interpolated back), shrunk toward flat by how much of it
    the spread between members could explain. Returns (profiles c x m, labels of members)."""
    parity = np.arange(m) % 2
    other = 1 - fit_on
    feats = _circular_smooth(shape[members][:, parity == fit_on], (1, 2, 1))
    labels = _kmeans(np.nan_to_num(feats - 1.0), k)
    profiles = np.ones((k, m))
    for c in range(k):
        block = shape[members[labels == c]][:, parity == other]
        n = (~np.isnan(block)).sum(axis=0)
        if (n < 2).any():
            continue
        mean = _nanmean(block, axis=0)
        noise = np.nanvar(block, axis=0) / n
        signal = max(float(np.var(mean)) - float(noise.mean()), 0.0)
        lam = signal / (signal + float(noise.mean())) if signal > 0 else 0.0
        values = np.full(m, np.nan)
        values[parity == other] = 1 + lam * (mean - 1)
        smooth = _circular_smooth(values[None, :], (1, 2, 1), step=2)[0]
        filled = np.where(parity == other, smooth, (np.roll(smooth, 1) + np.roll(smooth, -1)) / 2)
        profiles[c] = filled / filled.mean()
    return profiles, labels


def _best_fit(x: np.ndarray, pos: np.ndarray, profiles: np.ndarray) -> np.ndarray:
    """Per SKU, the profile (row of ``profiles``) that its history ``x`` follows best: the
    largest least-squares gain of ``x ~ a + b (profile - 1)`` over ``x ~ a``."""
    seen = ~np.isnan(x)
    xc = np.where(seen, x - _nanmean(x, axis=1)[:, None], 0.0)
    gains = []
    for p in profiles:
        z = np.where(seen, p[pos][None, :] - 1.0, 0.0)
        z = np.where(seen, z - (z.sum(axis=1) / np.maximum(seen.sum(axis=1), 1))[:, None], 0.0)
        zz = (z * z).sum(axis=1)
        gains.append(np.where(zz > 0, (xc * z).sum(axis=1) ** 2 / np.maximum(zz, 1e-12), 0.0))
    return np.argmax(np.stack(gains), axis=0)


def _follow(x: np.ndarray, pos: np.ndarray, profile: np.ndarray) -> np.ndarray:
    """How much of ``profile - 1`` each SKU's history ``x`` follows: the least-squares slope of
    ``x ~ a + b (profile - 1)`` relative to ``a``, clipped to [0, 1]."""
    seen = ~np.isnan(x)
    z = np.where(seen, np.take_along_axis(profile, np.broadcast_to(pos, x.shape), axis=1) - 1.0, 0.0)
    n = np.maximum(seen.sum(axis=1), 1)
    zm, xm = z.sum(axis=1) / n, np.nansum(x, axis=1) / n
    zc = np.where(seen, z - zm[:, None], 0.0)
    slope = (zc * np.where(seen, x - xm[:, None], 0.0)).sum(axis=1) / np.maximum((zc * zc).sum(axis=1), 1e-12)
    intercept = xm - slope * zm
    return np.clip(np.where(intercept > 0, slope / np.maximum(intercept, 1e-12), 0.0), 0.0, 1.0)


def yearly_profiles(y: np.ndarray, pos: np.ndarray, period: str) -> np.ndarray:
    """SKU x positions yearly profile (mean 1; all ones where nothing supports one)."""
    m, span = POSITIONS[period], PERIODS_PER_YEAR[period]
    n = len(y)
    out = np.ones((n, m))
    observed = (~np.isnan(y)).sum(axis=1)
    level = _level(y, span)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(level > 0, y / level, np.nan)
    x = np.minimum(x, SHAPE_CAP)
    shape, count = _by_position(x, pos, m)
    eligible = (observed >= MIN_YEAR_SHARE * span) & ((np.nan_to_num(y) > 0).sum(axis=1) >= 3)
    full = np.flatnonzero(eligible & ((count > 0).sum(axis=1) == m))
    if len(full) < 2:
        return out
    k = int(np.clip(len(full) // 100, 1, 10))
    crossed = []
    for fit_on in (0, 1):
        profiles, labels = _cluster_profiles(shape, full, k, m, fit_on)
        choice = _best_fit(x, pos, profiles)  # partial years: the profile they follow best
        choice[full] = labels
        crossed.append(profiles[choice])
    pooled = (crossed[0] + crossed[1]) / 2
    follow = _follow(x, pos, pooled)
    prior = 1 + follow[:, None] * (pooled - 1)
    # two years or more: the SKU's own profile, as far as its years agree
    own = _normalise(_circular_smooth(shape, (1, 2, 3, 2, 1)))
    per_year = np.stack(
        [
            _by_position(np.where(np.arange(y.shape[1]) // span == j, x, np.nan), pos, m)[0]
            for j in range(int(np.ceil(y.shape[1] / span)))
        ]
    )
    years = (~np.isnan(per_year)).sum(axis=0)
    noise = np.nanvar(per_year, axis=0) / np.maximum(years, 1) * (19 / 81)  # the smoothing's variance share
    long = eligible & (years >= 2).all(axis=1)
    blended = _shrink(own, prior, np.where(years >= 2, noise, np.nan), long)
    out[eligible] = _normalise(np.maximum(blended[eligible], 0.0))
    return out


# -- daily effects ---------------------------------------------------------------------------
def special_days(y: np.ndarray, dates: pd.DatetimeIndex) -> dict[tuple, float]:
    """Special days of the whole catalogue: key -> ratio to a usual day of the same weekday.
    Keys are ``("md", month, day)`` and ``("easter", offset)``."""
    total = np.nansum(y, axis=0)
    # the usual day: median of the same weekday over the 3 weeks before and after
    neighbours = np.stack([np.roll(total, 7 * j) for j in (-3, -2, -1, 1, 2, 3)])
    idx = np.arange(len(total))
    valid = np.stack([(idx - 7 * j >= 0) & (idx - 7 * j < len(total)) for j in (-3, -2, -1, 1, 2, 3)])
    usual = np.nanmedian(np.where(valid, neighbours, np.nan), axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(usual > 0, total / usual, np.nan)
    effects = {}
    keys = _day_keys(dates)
    for key in set(k for ks in keys for k in ks):
        r = np.array([ratio[i] for i, ks in enumerate(keys) if key in ks])
        r = r[np.isfinite(r)]
        if len(r) >= 2 and ((r < SPECIAL_LOW).all() or (r > SPECIAL_HIGH).all()):
            effects[key] = float(np.median(r))
    return effects


def _day_keys(dates: pd.DatetimeIndex) -> list[tuple]:
    sundays = {int(yr): e for yr, e in zip(np.unique(dates.year), easter(np.unique(dates.year)), strict=True)}
    out = []
    for d in dates:
        keys: list[tuple] = [("md", d.month, d.day)]
        offset = int((np.datetime64(d.date()) - sundays[d.year]).astype(int))
        if offset in EASTER_OFFSETS:
            keys.append(("easter", offset))
        out.append(tuple(keys))
    return out


def _special_factor(dates: pd.DatetimeIndex, effects: dict) -> np.ndarray:
    out = np.ones(len(dates))
    if not effects:
        return out
    for i, keys in enumerate(_day_keys(dates)):
        found = [effects[k] for k in keys if k in effects]
        if found:
            out[i] = found[int(np.argmax(np.abs(np.log(np.maximum(found, 1e-9)))))]
    return out


def weekday_profiles(y: np.ndarray, dates: pd.DatetimeIndex, usual: np.ndarray) -> np.ndarray:
    """SKU x 7 weekday indices (mean 1) from the last year, shrunk toward the catalogue's;
    ``usual`` marks the days that are no special day."""
    recent = slice(max(0, y.shape[1] - 364), y.shape[1])
    x = np.where(usual[None, recent], y[:, recent], np.nan)
    dow = dates.dayofweek.to_numpy()[recent]
    level = _nanmean(x, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(level[:, None] > 0, x / level[:, None], np.nan)
    own, count = _by_position(x, dow, 7)
    var = np.stack([np.nanvar(np.where(dow[None, :] == d, x, np.nan), axis=1) for d in range(7)], axis=1)
    total = np.nansum(np.where(usual[None, recent], y[:, recent], np.nan), axis=0)
    catalogue = np.array([total[dow == d].mean() if (dow == d).any() else np.nan for d in range(7)])
    catalogue = catalogue / np.nanmean(catalogue)
    ok = (count >= 8).all(axis=1) & (level > 0)
    out = _shrink(own, np.broadcast_to(catalogue, own.shape), var / np.maximum(count, 1), ok)
    out = np.where(ok[:, None], out, catalogue[None, :])
    return _normalise(np.maximum(np.nan_to_num(out, nan=1.0), 0.0))


def promotion_lift(x: np.ndarray, promo: np.ndarray) -> np.ndarray:
    """Per SKU, demand on promoted periods over unpromoted ones (``x`` already divided by the
    calendar factors), shrunk toward the catalogue's median lift; 1 without promotions."""
    on, off = promo >= 0.5, promo == 0
    seen = ~np.isnan(x)
    n_on, n_off = (on & seen).sum(axis=1), (off & seen).sum(axis=1)
    m_on = np.where(n_on > 0, np.nansum(np.where(on, x, 0.0), axis=1) / np.maximum(n_on, 1), np.nan)
    m_off = np.where(n_off > 0, np.nansum(np.where(off, x, 0.0), axis=1) / np.maximum(n_off, 1), np.nan)
    ok = (n_on >= 4) & (n_off >= 4) & (m_off > 0)
    if not ok.any():
        return np.ones(len(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        own = np.where(ok, m_on / m_off, np.nan)
        v_on = np.nanvar(np.where(on, x, np.nan), axis=1) / np.maximum(n_on, 1)
        v_off = np.nanvar(np.where(off, x, np.nan), axis=1) / np.maximum(n_off, 1)
        noise = (v_on + own**2 * v_off) / m_off**2  # delta method for a ratio of means
    prior = np.full((len(x), 1), float(np.nanmedian(own[ok])))
    lift = _shrink(own[:, None], prior, noise[:, None], ok)[:, 0]
    return np.where(np.isfinite(lift), np.maximum(lift, 0.0), 1.0)


# -- all together ------------------------------------------------------------------------------
def calendar_factors(
    y: np.ndarray, dates, period: str, h: int, promo: np.ndarray | None = None, fit_until: int | None = None
) -> CalendarFactors:
    """The factors of ``y``'s periods (SKU x period, NaN before a SKU starts; ``dates`` its
    period starts) and of the ``h`` periods after them, learnt from the periods before
    ``fit_until`` only (default: all). ``promo`` (SKU x (periods + h), share on promotion) is the
    known input where given."""
    dates = pd.DatetimeIndex(pd.to_datetime(np.asarray(dates)))
    n, periods = y.shape
    cut = periods if fit_until is None else fit_until
    every = dates.append(future_dates(dates, period, h))
    pos = year_position(every, period)
    fit, fit_dates = y[:, :cut], dates[:cut]
    factor = np.ones((n, periods + h))
    usual = np.ones(cut, dtype=bool)
    if period == "day":
        special = _special_factor(every, special_days(fit, fit_dates))
        usual = special[:cut] == 1.0
        factor = factor * special[None, :] * weekday_profiles(fit, fit_dates, usual)[:, every.dayofweek.to_numpy()]
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = np.where(usual[None, :], fit / np.maximum(factor[:, :cut], MIN_FACTOR), np.nan)
    if promo is not None and not np.nanmax(promo, initial=0) > 0:
        promo = None  # no promotion in sight: nothing to take out
    lifted = np.ones((n, periods + h))
    if promo is not None:
        # promotions bunched in a season would read as season, and the season as lift: the lift
        # seen before any season is taken out leaves the season's estimate, then the lift is
        # measured again on demand without the season (one backfitting round)
        lifted = 1 + (promotion_lift(rest, promo[:, :cut])[:, None] - 1) * promo[:, : periods + h]
    yearly = yearly_profiles(rest / lifted[:, :cut], pos[:cut], period)
    factor = factor * yearly[:, pos]
    if promo is not None:
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(factor[:, :cut] >= MIN_FACTOR, fit / factor[:, :cut], np.nan)
        lift = promotion_lift(x, promo[:, :cut])
        factor = factor * (1 + (lift[:, None] - 1) * promo[:, : periods + h])
    return CalendarFactors(factor[:, :periods], factor[:, periods:], yearly, pos[periods:])


def season_end(yearly: np.ndarray, future_position: np.ndarray, period: str, h: int) -> tuple[np.ndarray, np.ndarray]:
    """(season_ending, season_end_periods) per SKU from its yearly profile.

    A SKU is *seasonal* when its profile's peak is at least 1.5x its yearly average, and *in
    season* when the profile at the first forecast period is above the average (index > 1).
    ``season_end_periods`` counts the periods from the first forecast period until the index
    first falls below 1 (NaN when not in season; whole weeks of days for daily data).
    ``season_ending``: in season, the end within the horizon ``h``, and more of the season
    behind than ahead (its middle is past: the peak is not still to come)."""
    m = yearly.shape[1]
    per_position = PERIODS_PER_YEAR[period] / m  # periods per position (7 for days)
    start = int(future_position[0])
    ahead = yearly[:, (start + np.arange(m)) % m]  # the profile from the first forecast position on
    behind = yearly[:, (start - 1 - np.arange(m)) % m]  # and back from the one before it
    in_season = (yearly.max(axis=1) >= 1.5) & (ahead[:, 0] > 1.0)
    remaining = np.where((ahead < 1.0).any(axis=1), np.argmax(ahead < 1.0, axis=1), m)
    gone = np.where((behind <= 1.0).any(axis=1), np.argmax(behind <= 1.0, axis=1), m)
    periods = np.where(in_season, remaining * per_position, np.nan)
    ending = in_season & (periods <= h) & (gone >= remaining)
    return ending, periods
