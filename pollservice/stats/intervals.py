"""Confidence bands for weighted means of polls, shared by the window methods.

A mean of polls is uncertain for two reasons: every poll has sampling error, and polls of the
same moment disagree by more than sampling error alone (house effects, non-sampling error,
movement within the window). :func:`weighted_mean_band` reports the wider of two
intervals (95 % by default), one from each source, so neither a tight cluster of small polls
nor a scattered set of large ones is reported as more certain than it is.

Every band of the package is set by ``alpha``, the complement of its confidence level
(``alpha=0.05``: 95 %), checked once by :func:`check_alpha`; normal multipliers are
``norm.ppf(1 - alpha / 2)`` (:func:`z_value`), Student-t ones ``t.ppf(1 - alpha / 2, df)``.
"""

from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

__all__ = ["DEFAULT_ALPHA", "NONSAMPLING_PRIOR_DF", "NONSAMPLING_PRIOR_SD", "PointEstimate",
           "bounded_band", "check_alpha", "t_value", "weighted_mean_band", "z_value"]

#: Default complement of the confidence level of every band: 95 % intervals.
DEFAULT_ALPHA = 0.05

#: Prior of the spread of polls beyond sampling error (house effects, non-sampling error,
#: movement within a window) in :func:`weighted_mean_band`: a scaled inverse-chi-squared
#: prior worth ``NONSAMPLING_PRIOR_DF`` polls at ``NONSAMPLING_PRIOR_SD`` points (the
#: kalman defaults: non-sampling 1.5 and house effects 2.0 points, in quadrature).
NONSAMPLING_PRIOR_SD = 2.5
NONSAMPLING_PRIOR_DF = 4.0


# Both multipliers are kept per argument: the window methods ask for them once per day of a
# line, and one scipy ppf call costs about 0.2 ms (most of a small question's fit time).
@functools.lru_cache(maxsize=1024)
def z_value(alpha: float = DEFAULT_ALPHA) -> float:
    """Normal multiplier of a two-sided ``1 - alpha`` interval, ``norm.ppf(1 - alpha / 2)``."""
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


@functools.lru_cache(maxsize=4096)
def t_value(alpha: float, df: float) -> float:
    """Student-t multiplier of a two-sided ``1 - alpha`` interval with ``df`` degrees of freedom."""
    return float(stats.t.ppf(1.0 - alpha / 2.0, df))


def check_alpha(alpha) -> float:
    """Return ``alpha`` as a float if it is a number with ``0 < alpha < 1``, else raise a
    ``ValueError`` naming it."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise ValueError(f"alpha must be a number strictly between 0 and 1, not {alpha!r}")
    if not 0.0 < float(alpha) < 1.0:  # also false for NaN
        raise ValueError(
            f"alpha must be strictly between 0 and 1 (0.05 for a 95 % band), not {alpha!r}"
        )
    return float(alpha)


@dataclass(frozen=True)
class PointEstimate:
    """One method's estimate on one day, with each poll's part in it.

    ``weights`` and ``house_adjustment`` are aligned with the rows of the
    :class:`~pollservice.stats.validation.PollTable` the estimate was computed from.
    """

    estimate: float
    lower: float
    upper: float
    weights: np.ndarray
    house_adjustment: np.ndarray
    n_polls: int


def weighted_mean_band(
    values: np.ndarray, weights: np.ndarray, sampling_var: np.ndarray,
    alpha: float = DEFAULT_ALPHA,
) -> tuple[float, float, float]:
    """Weighted mean of polls with a ``1 - alpha`` interval for the mean.

    Parameters
    ----------
    values : ndarray
        Poll percentages.
    weights : ndarray
        Non-negative weights, not all zero.
    sampling_var : ndarray
        Binomial sampling variance of each poll (``p * (100 - p) / n``, ``p`` from the
        line rather than the poll's own percent, see
        :attr:`~pollservice.stats.validation.PollTable.sampling_var`).
    alpha : float
        Complement of the confidence level (default 0.05: a 95 % interval).

    Returns
    -------
    estimate, lower, upper : float
        The weighted mean and its ``1 - alpha`` interval (not yet bounded to 0-100:
        :func:`pollservice.stats.fit` does that for every method).

    Notes
    -----
    Each poll is ``y_i = mu + e_i`` with ``Var(e_i) = v_i + s^2``: its sampling variance
    plus a common excess spread ``s^2``. With normalised weights :math:`w_i` and Kish's
    effective number of polls :math:`n_{eff} = 1 / \\sum w_i^2`, the polls estimate the
    excess by moments, :math:`\\hat s^2 = \\max(0, s_w^2 n_{eff} / (n_{eff} - 1) - \\sum w_i
    v_i)` with ``df = n_eff - 1`` degrees of freedom; a conjugate (scaled
    inverse-chi-squared) prior worth :data:`NONSAMPLING_PRIOR_DF` polls at
    :data:`NONSAMPLING_PRIOR_SD` points gives :math:`\\tilde s^2 = (df \\hat s^2 + \\nu_0
    s_0^2) / (df + \\nu_0)`. The variance of the mean is :math:`\\sum w_i^2 (v_i + \\tilde
    s^2)` and the multiplier Student's ``t(df + nu_0)``. On many polls this is the
    dispersion interval; on one or two it no longer divides by ``n_eff - 1`` close to zero
    with a t multiplier of one degree of freedom (a band of [-91, 131] on sparse polls), but
    leans on the prior, as the kalman model leans on its non-sampling and house-effect
    variances.
    """
    keep = weights > 0
    y = values[keep]
    w = weights[keep] / weights[keep].sum()
    v = sampling_var[keep]
    descr = DescrStatsW(y, weights=w, ddof=0)
    mean = float(descr.mean)
    sum_w2 = float(np.sum(w * w))
    n_eff = 1.0 / sum_w2
    df = max(n_eff - 1.0, 0.0)
    excess = 0.0
    if y.size > 1 and df > 1e-9:
        excess = max(float(descr.var) * n_eff / df - float(w @ v), 0.0)
    prior_var = NONSAMPLING_PRIOR_SD**2
    spread = (df * excess + NONSAMPLING_PRIOR_DF * prior_var) / (df + NONSAMPLING_PRIOR_DF)
    variance = float(np.sum(w * w * v)) + spread * sum_w2
    half = t_value(alpha, df + NONSAMPLING_PRIOR_DF) * np.sqrt(variance)
    return mean, mean - half, mean + half


def bounded_band(estimate, lower, upper, alpha: float = DEFAULT_ALPHA,
                 low: float = 0.0, high: float = 100.0):
    """Estimates and ``1 - alpha`` bands kept inside ``[low, high]`` (shares: 0-100).

    Parameters
    ----------
    estimate, lower, upper : array_like
        A line and its symmetric normal band (``estimate +- z * se``).
    alpha : float
        Complement of the band's confidence level.
    low, high : float
        The range of the quantity.

    Returns
    -------
    estimate, lower, upper : ndarray
        Where the band crosses a bound, the band is the ``alpha / 2`` and ``1 - alpha / 2``
        quantiles of the normal ``N(estimate, se^2)`` truncated to ``[low, high]``: the
        posterior of a share under a flat prior on its possible values (a 0.7 % share with
        se 1.1 gets 0.06 to 2.9 instead of -1.4 to 2.8). The estimate is moved into the
        range when it lies outside; the band always holds it. Elsewhere nothing changes.
        NaN stays NaN.
    """
    est = np.asarray(estimate, dtype=float).copy()
    lo = np.asarray(lower, dtype=float).copy()
    hi = np.asarray(upper, dtype=float).copy()
    outside = np.isfinite(est) & ((lo < low) | (hi > high) | (est < low) | (est > high))
    if outside.any():
        se = (hi[outside] - lo[outside]) / (2.0 * z_value(alpha))
        centre = est[outside]
        positive = se > 0
        new_lo = np.clip(centre, low, high)
        new_hi = new_lo.copy()
        if positive.any():
            s, m = se[positive], centre[positive]
            a, b = (low - m) / s, (high - m) / s
            new_lo[positive] = stats.truncnorm.ppf(alpha / 2.0, a, b, loc=m, scale=s)
            new_hi[positive] = stats.truncnorm.ppf(1.0 - alpha / 2.0, a, b, loc=m, scale=s)
        est[outside] = np.clip(centre, low, high)
        lo[outside] = np.clip(np.minimum(new_lo, est[outside]), low, high)
        hi[outside] = np.clip(np.maximum(new_hi, est[outside]), low, high)
    return est, lo, hi
