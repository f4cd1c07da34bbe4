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

__all__ = ["DEFAULT_ALPHA", "PointEstimate", "check_alpha", "t_value", "weighted_mean_band",
           "z_value"]

#: Default complement of the confidence level of every band: 95 % intervals.
DEFAULT_ALPHA = 0.05


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
        Binomial sampling variance of each poll, ``pct * (100 - pct) / n``.
    alpha : float
        Complement of the confidence level (default 0.05: a 95 % interval).

    Returns
    -------
    estimate, lower, upper : float
        The weighted mean and its ``1 - alpha`` interval.

    Notes
    -----
    With normalised weights :math:`w_i`, the sampling variance of the mean is
    :math:`V_s = \\sum w_i^2 v_i`. The dispersion of the polls gives a second estimate,
    :math:`V_d = s_w^2 / (n_{eff} - 1)` with the (biased) weighted variance :math:`s_w^2` and
    Kish's effective number of polls :math:`n_{eff} = 1 / \\sum w_i^2`; this is the usual
    reliability-weights unbiased variance divided by :math:`n_{eff}`. The half-width is
    ``max(z * sqrt(V_s), t(1 - alpha / 2, df) * sqrt(V_d))`` (``z = norm.ppf(1 - alpha / 2)``,
    1.96 for 95 %) with ``df = max(n_eff - 1, 1)``:
    the sampling interval is a floor and a Student-t interval from the spread takes over
    when the polls disagree more than their sampling error explains. A single poll gets its
    sampling interval.
    """
    keep = weights > 0
    y = values[keep]
    w = weights[keep] / weights[keep].sum()
    descr = DescrStatsW(y, weights=w, ddof=0)
    mean = float(descr.mean)
    v_sampling = float(np.sum(w * w * sampling_var[keep]))
    half = z_value(alpha) * np.sqrt(v_sampling)
    n_eff = 1.0 / float(np.sum(w * w))
    if y.size > 1 and n_eff > 1.0 + 1e-9:
        v_dispersion = float(descr.var) / (n_eff - 1.0)
        t_mult = t_value(alpha, max(n_eff - 1.0, 1.0))
        half = max(half, t_mult * np.sqrt(v_dispersion))
    return mean, mean - half, mean + half
