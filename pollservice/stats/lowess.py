"""Local regression (lowess) trend through the polls, as HuffPost Pollster drew it 2007-2010.

Each poll is a point at its field-period midpoint; the line is statsmodels' robust lowess
(Cleveland 1979) through those points. With fewer than 8 polls the line is a straight
least-squares line, and with fewer than 5 a plain average, as Pollster did.

The neighbourhood is set in days rather than as a fixed fraction of the polls: ``frac`` is
the share of polls that fall in ``window_days`` (default 60) of the series' span, so a
four-year series is not smoothed into one curve. It is capped at Pollster's published
f = 0.7 for short series and holds at least 10 polls. Robustness iterations: 3, as Pollster;
they stop early when a fit leaves (almost) no residual, as in Cleveland's and R's lowess,
since robustness weights computed from rounding noise would make the line arbitrary.

The band is a bootstrap: polls are resampled with replacement ``n_boot`` times (default 50,
fixed seed, so results are deterministic), the line is refitted, and the band is the
estimate plus or minus ``norm.ppf(1 - alpha / 2)`` bootstrap standard errors (1.96 for the
default 95 % band), with a floor at the sampling error of an average of the neighbourhood's
polls. It does not include house-effect uncertainty.

References
----------
Cleveland, W. S. (1979). Robust locally weighted regression and smoothing scatterplots.
Journal of the American Statistical Association, 74(368), 829-836.

Blumenthal, M. (2010). Pollster FAQ: how are the trend lines calculated?
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

# statsmodels' compiled lowess core is private: the public smoothers_lowess.lowess takes no
# robustness weights and cannot stop its iterations early (see _robust_lowess); calling it
# again with it=0, 1, 2, 3 would do the same at about twice the cost. pyproject.toml
# bounds statsmodels to a tried range, and tests/stats/test_lowess.py checks this use
# against the public function.
from statsmodels.nonparametric._smoothers_lowess import lowess as _weighted_lowess

from .intervals import (
    DEFAULT_ALPHA,
    NONSAMPLING_PRIOR_DF,
    NONSAMPLING_PRIOR_SD,
    PointEstimate,
    t_value,
    weighted_mean_band,
    z_value,
)
from .validation import PollTable

__all__ = ["LowessParams", "lowess_at", "lowess_trend"]


@dataclass(frozen=True)
class LowessParams:
    """Parameters of the ``lowess`` method.

    Attributes
    ----------
    window_days : float
        Width of the neighbourhood in days; ``frac = window_days / span`` (default 60).
    max_frac, min_neighbours : float, int
        ``frac`` is at most ``max_frac`` (0.7, HuffPost's f) unless that would leave
        fewer than ``min_neighbours`` polls (10) in a neighbourhood.
    iterations : int
        Robustness iterations (statsmodels' ``it``), default 3.
    line_below, mean_below : int
        Fewer polls than ``line_below`` (8): straight line; fewer than ``mean_below``
        (5): plain average.
    n_boot : int
        Bootstrap resamples for the band (default 50).
    seed : int
        Seed of the bootstrap (default 0).
    history_windows : float
        Real time and ``average``: only polls whose midpoint is within
        ``history_windows * window_days`` (default 3) of the latest one enter the fit;
        older polls get no weight at the right edge anyway. At least ``min_neighbours``
        latest polls are kept.
    realtime_boot_days : int
        Real time: the bootstrap standard error is recomputed every this many days
        (default 14) from the polls known then, and used until the next time.
    realtime_n_boot : int
        Resamples of those real-time bootstraps (default 25).
    """

    window_days: float = 60.0
    max_frac: float = 0.7
    min_neighbours: int = 10
    iterations: int = 3
    line_below: int = 8
    mean_below: int = 5
    n_boot: int = 50
    seed: int = 0
    history_windows: float = 3.0
    realtime_boot_days: int = 14
    realtime_n_boot: int = 25


# --------------------------------------------------------------------------------------
# Fitting through points sorted by midpoint
# --------------------------------------------------------------------------------------


def _frac(x: np.ndarray, params: LowessParams) -> float:
    span = max(float(x[-1] - x[0]), 1.0)
    n = x.shape[0]
    # Never fewer than `min_neighbours` polls: local lines through a handful of polls,
    # thinned further by the robustness weights, swing wildly at the ends.
    frac = max(min(params.max_frac, params.window_days / span), params.min_neighbours / n)
    # A neighbourhood must reach beyond the largest set of polls sharing one midpoint, or
    # its radius is zero and the local regression is undefined.
    _, counts = np.unique(x, return_counts=True)
    return float(min(max(frac, (counts.max() + 1.5) / n), 1.0))


def _fit(x: np.ndarray, y: np.ndarray, params: LowessParams) -> np.ndarray:
    """Fitted values at the (sorted) points: lowess, straight line or mean by count."""
    n = x.shape[0]
    if n < params.mean_below or x[-1] == x[0]:
        return np.full(n, y.mean())
    if n < params.line_below:
        slope, intercept = np.polyfit(x - x.mean(), y, 1)
        return intercept + slope * (x - x.mean())
    frac = _frac(x, params)
    # statsmodels fits every `delta` days and interpolates linearly in between; a tenth of
    # the neighbourhood keeps the line smooth and the fit fast on thousands of polls.
    delta = 0.1 * frac * float(x[-1] - x[0])
    return _robust_lowess(x, y, frac, delta, params.iterations)


def _robust_lowess(x: np.ndarray, y: np.ndarray, frac: float, delta: float,
                   iterations: int) -> np.ndarray:
    """statsmodels' lowess with ``iterations`` robustness iterations, stopping early at an
    exact fit (:func:`_exact_fit`).

    Otherwise identical to ``smoothers_lowess.lowess(y, x, frac, it=iterations, delta)``
    (tested): each step is one pass of statsmodels' compiled lowess with the bisquare
    robustness weights of the step before, ``(1 - u^2)^2`` with ``u = min(|r| / (6
    median|r|), 1)``. The public function cannot stop early or start from given weights,
    hence its compiled core, which it calls the same way.
    """
    def one_pass(weights: np.ndarray) -> np.ndarray:
        fitted, _ = _weighted_lowess(y, x, x, weights, frac=frac, it=0, delta=delta,
                                     given_xvals=False)
        return fitted[:, 1]

    fitted = one_pass(np.ones_like(x))
    for _ in range(iterations):
        resid = np.abs(y - fitted)
        if _exact_fit(resid, y):
            break
        scaled = np.minimum(resid / (6.0 * float(np.median(resid))), 1.0)
        fitted = one_pass((1.0 - scaled**2) ** 2)
    return fitted


def _exact_fit(resid: np.ndarray, y: np.ndarray) -> bool:
    """True if the fit leaves no residual worth weighting: six median absolute residuals
    below 1e-7 of the mean |y|.

    Robustness weights would then be computed from rounding noise (statsmodels sets them
    from the residuals' median whatever its size) and make the next fit arbitrary: when 1
    was added to every poll, eight polls at 40 % and one at 41 % gave a line that moved by
    up to 1.1, and a constant series a band of +-57 points. Cleveland's lowess and R's
    ``clowess`` stop the robustness iterations there, and so does :func:`_robust_lowess`.
    """
    return 6.0 * float(np.median(np.abs(resid))) <= 1e-7 * float(np.mean(np.abs(y)))


def _evaluate(x: np.ndarray, fitted: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Line on ``days``: interpolated inside the data, NaN before, held flat after."""
    out = np.interp(days.astype(float), x, fitted)
    out[days < x[0]] = np.nan
    return out


def _floor_var(v: np.ndarray, x: np.ndarray, params: LowessParams) -> float:
    """Sampling variance of an average of one neighbourhood's polls (band floor)."""
    k = max(1.0, min(x.shape[0], round(_frac(x, params) * x.shape[0])))
    return float(np.mean(v) / k)


def _bootstrap_se(x, y, days, params: LowessParams, n_boot: int) -> np.ndarray:
    rng = np.random.default_rng(params.seed)
    n = x.shape[0]
    draws = np.full((n_boot, days.shape[0]), np.nan)
    for b in range(n_boot):
        idx = np.sort(rng.integers(0, n, size=n))
        draws[b] = _evaluate(x[idx], _fit(x[idx], y[idx], params), days)
    # A resample may start after an early day, which then has fewer finite draws. The
    # spread is the half-distance between the 16th and 84th percentiles (a standard
    # deviation for normal draws): on sparse series a few resamples that hold only a
    # couple of distinct days fit wild local lines, and their squares made standard
    # deviations of 35-100 points (real-time bands 137-385 points wide).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # days without finite draws
        q16, q84 = np.nanpercentile(draws, [16.0, 84.0], axis=0)
    return np.nan_to_num(0.5 * (q84 - q16), nan=0.0)


def _sorted_points(table: PollTable) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x = table.mid
    order = np.argsort(x, kind="stable")
    return x[order], table.pct[order], table.error_var[order], order


def _few_polls_bands(x, y, v, x0: np.ndarray, params: LowessParams,
                     alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Estimates and ``1 - alpha`` half-widths for the straight-line / mean fallbacks at
    each of ``x0`` (one fit for all of them)."""
    n = x.shape[0]
    if n < params.mean_below or x[-1] == x[0]:
        est, lower, upper = weighted_mean_band(y, np.ones(n), v, alpha)
        return np.full(x0.shape, est, dtype=float), np.full(x0.shape, 0.5 * (upper - lower), dtype=float)
    xc = x - x.mean()
    slope, intercept = np.polyfit(xc, y, 1)
    x0c = np.clip(x0, x[0], x[-1]) - x.mean()
    est = intercept + slope * x0c
    resid = y - (intercept + slope * xc)
    # The residual variance of a handful of polls leans on the prior of
    # weighted_mean_band (sampling error plus the prior spread, worth
    # NONSAMPLING_PRIOR_DF polls), as the window methods' bands do: with n - 2 = 3
    # degrees of freedom alone, t = 3.2 times a noisy variance made bands 4x kalman's.
    df = n - 2
    prior = float(np.mean(v)) + NONSAMPLING_PRIOR_SD**2
    s2 = (float(resid @ resid) + NONSAMPLING_PRIOR_DF * prior) / (df + NONSAMPLING_PRIOR_DF)
    var = s2 * (1.0 / n + x0c * x0c / float(xc @ xc))
    half = np.maximum(t_value(alpha, df + NONSAMPLING_PRIOR_DF) * np.sqrt(var),
                      z_value(alpha) * np.sqrt(np.mean(v) / n))
    return est, half


def _few_polls_band(x, y, v, x0: float, params: LowessParams,
                    alpha: float) -> tuple[float, float]:
    """Estimate and ``1 - alpha`` half-width for the straight-line / mean fallbacks at ``x0``."""
    est, half = _few_polls_bands(x, y, v, np.array([x0], dtype=float), params, alpha)
    return float(est[0]), float(half[0])


# --------------------------------------------------------------------------------------
# Public-facing pieces
# --------------------------------------------------------------------------------------


def _retrospective(table: PollTable, days: np.ndarray, params: LowessParams, alpha: float):
    x, y, v, _ = _sorted_points(table)
    if x.shape[0] < params.line_below or x[-1] == x[0]:
        est = np.full(days.shape[0], np.nan)
        half = np.full(days.shape[0], np.nan)
        known = days >= x[0]
        est[known], half[known] = _few_polls_bands(x, y, v, days[known].astype(float), params, alpha)
        return est, est - half, est + half
    est = _evaluate(x, _fit(x, y, params), days)
    se = _bootstrap_se(x, y, days, params, params.n_boot)
    se = np.sqrt(np.maximum(se * se, _floor_var(v, x, params)))
    half = z_value(alpha) * se
    return est, est - half, est + half


def _recent(table: PollTable, params: LowessParams) -> np.ndarray:
    """Positions (sorted by midpoint) of the polls that enter a right-edge fit."""
    x = np.sort(table.mid, kind="stable")
    cutoff = x[-1] - params.history_windows * params.window_days
    first = min(int(np.searchsorted(x, cutoff, side="left")),
                max(x.shape[0] - params.min_neighbours, 0))
    return np.arange(first, x.shape[0])


def _edge(table: PollTable, params: LowessParams, n_boot: int | None, alpha: float):
    """Right-edge estimate (and bootstrap s.e. if ``n_boot``) from recent polls.

    For the straight-line / mean fallbacks the "s.e." is the ``1 - alpha`` half-width over
    ``z_value(alpha)``, so that ``z_value(alpha) * se`` is that half-width again.
    """
    x, y, v, order = _sorted_points(table)
    keep = _recent(table, params)
    x, y, v, order = x[keep], y[keep], v[keep], order[keep]
    if x.shape[0] < params.line_below or x[-1] == x[0]:
        est, half = _few_polls_band(x, y, v, float(x[-1]), params, alpha)
        return est, half / z_value(alpha), (x, y, v, order, None)
    fitted = _fit(x, y, params)
    se = np.nan
    if n_boot:
        boot = _bootstrap_se(x, y, np.array([x[-1]]), params, n_boot)[0]
        se = float(np.sqrt(max(boot * boot, _floor_var(v, x, params))))
    return float(fitted[-1]), se, (x, y, v, order, fitted)


def lowess_trend(
    table: PollTable, days: np.ndarray, realtime: bool, params: LowessParams | None = None,
    model_fit: None = None, alpha: float = DEFAULT_ALPHA,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``lowess`` estimate, lower and upper (``1 - alpha`` band) on each of ``days``.

    ``model_fit`` is part of the method protocol (:mod:`pollservice.stats.methods`); lowess
    fits nothing ahead that later calls could share, so it is always None.
    """
    params = params or LowessParams()
    if not realtime:
        return _retrospective(table, days, params, alpha)
    est = np.full(days.shape[0], np.nan)
    se = np.full(days.shape[0], np.nan)
    cache_key, cache_est = None, np.nan
    boot_day, boot_key, boot_se = None, None, np.nan
    for i, day in enumerate(days):
        day = int(day)
        n_known = int(np.searchsorted(table.end, day, side="right"))
        if n_known == 0:
            continue
        if boot_day is None or day - boot_day >= params.realtime_boot_days:
            # The same polls give the same bootstrap (its seed is fixed): on a sparse
            # series most of the fortnightly ones would be drawn again from unchanged polls.
            if n_known != boot_key:
                known = table.take(np.arange(n_known))
                cache_est, boot_se, _ = _edge(known, params, params.realtime_n_boot, alpha)
                cache_key = boot_key = n_known
            boot_day = day
        if n_known != cache_key:
            cache_est, _, _ = _edge(table.take(np.arange(n_known)), params, None, alpha)
            cache_key = n_known
        est[i], se[i] = cache_est, boot_se
    half = z_value(alpha) * se
    return est, est - half, est + half


def lowess_at(table: PollTable, day: int, params: LowessParams | None = None,
              model_fit: None = None, alpha: float = DEFAULT_ALPHA) -> PointEstimate:
    """``lowess`` estimate on ``day`` from the polls of ``table`` (all ended by then), with a
    ``1 - alpha`` band; ``model_fit`` is always None, as for :func:`lowess_trend`.

    Weights: the tricube neighbourhood weight at the right edge times the bisquare
    robustness weight from the final fit's residuals, normalised; a plain average or a
    straight line gives every poll it uses the same weight.
    """
    params = params or LowessParams()
    est, se, (x, y, _, order, fitted) = _edge(table, params, params.n_boot, alpha)
    weights = np.zeros(table.n_polls)
    if fitted is None:
        w = np.ones(x.shape[0])
    else:
        n = x.shape[0]
        k = max(int(_frac(x, params) * n + 1e-10), 2)
        dist = np.abs(x - x[-1])
        h = max(float(np.sort(dist)[k - 1]), 1e-9)
        kernel = np.clip(1.0 - (dist / (h * 1.0000001)) ** 3, 0.0, None) ** 3
        resid = y - fitted
        scale = 6.0 * float(np.median(np.abs(resid)))
        exact = params.iterations == 0 or _exact_fit(resid, y)
        robust = np.ones(n) if exact else np.clip(1.0 - (resid / scale) ** 2, 0.0, None) ** 2
        w = kernel * robust
        if w.sum() <= 0:
            w = kernel
    weights[order] = w / w.sum()
    half = z_value(alpha) * se
    return PointEstimate(est, est - half, est + half, weights, np.zeros(table.n_polls),
                         int(np.count_nonzero(weights)))
