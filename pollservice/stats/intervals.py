"""Confidence bands for weighted means of polls, shared by the window methods.

A mean of polls is uncertain for two reasons: every poll has sampling error, and polls of the
same moment disagree by more than sampling error alone (house effects, non-sampling error,
movement within the window). :func:`weighted_mean_band` reports the wider of two 95 %
intervals, one from each source, so neither a tight cluster of small polls nor a scattered
set of large ones is reported as more certain than it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

__all__ = ["Z95", "PointEstimate", "weighted_mean_band"]

Z95 = float(stats.norm.ppf(0.975))


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
    values: np.ndarray, weights: np.ndarray, sampling_var: np.ndarray
) -> tuple[float, float, float]:
    """Weighted mean of polls with a 95 % interval for the mean.

    Parameters
    ----------
    values : ndarray
        Poll percentages.
    weights : ndarray
        Non-negative weights, not all zero.
    sampling_var : ndarray
        Binomial sampling variance of each poll, ``pct * (100 - pct) / n``.

    Returns
    -------
    estimate, lower, upper : float
        The weighted mean and its 95 % interval.

    Notes
    -----
    With normalised weights :math:`w_i`, the sampling variance of the mean is
    :math:`V_s = \\sum w_i^2 v_i`. The dispersion of the polls gives a second estimate,
    :math:`V_d = s_w^2 / (n_{eff} - 1)` with the (biased) weighted variance :math:`s_w^2` and
    Kish's effective number of polls :math:`n_{eff} = 1 / \\sum w_i^2`; this is the usual
    reliability-weights unbiased variance divided by :math:`n_{eff}`. The half-width is
    ``max(1.96 * sqrt(V_s), t(0.975, df) * sqrt(V_d))`` with ``df = max(n_eff - 1, 1)``:
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
    half = Z95 * np.sqrt(v_sampling)
    n_eff = 1.0 / float(np.sum(w * w))
    if y.size > 1 and n_eff > 1.0 + 1e-9:
        v_dispersion = float(descr.var) / (n_eff - 1.0)
        t_mult = float(stats.t.ppf(0.975, max(n_eff - 1.0, 1.0)))
        half = max(half, t_mult * np.sqrt(v_dispersion))
    return mean, mean - half, mean + half
