"""Outlying polls: a poll far from what the polls before it said counts for less.

The ``kalman`` model's poll errors are normal, so one poll ten or fifteen points off (a
typo, a broken sample) pulls the line by its full weight. Here each poll is compared with a
*benchmark* from the polls that ended before it, as FiveThirtyEight's outlier pass compares
polls with a first-pass average, and a poll more than ``cutoff`` standard deviations from it
has its error variance widened until it is ``cutoff`` standard deviations away (never
narrowed):

- benchmark: the inverse-variance weighted mean of the polls that ended in the
  ``window`` days before the poll ended (at least ``min_polls`` of the latest earlier polls),
  its variance one over their summed precision;
- residual: the poll minus the benchmark, less its pollster's house lean so far (the mean
  residual of the pollster's earlier polls, shrunk by ``HOUSE_PRIOR_POLLS``);
- scale: the larger of the poll's own variance plus the benchmark's, and the spread of the
  latest ``SCALE_POLLS`` earlier polls' residuals (a median absolute deviation, robust to the
  outliers themselves);
- with ``z = r / s``: extra variance ``s**2 ((|z| / cutoff)**POWER - 1)`` where
  ``|z| > cutoff``, else 0. The poll's weight falls as ``(cutoff / |z|)**POWER``; with
  ``POWER = 3`` its pull on the line, weight times distance, falls as ``1 / z**2``: a poll
  15 points off moves the line less than one 5 points off, and much less than its share.
  (Under a normal model with rare gross errors the odds that a poll is one grow faster
  still, like ``exp(z**2 / 2)``; a steeper fall would also discount the first polls of a
  real shift, which are judged against the old level.)

On simulated series (365 days, 300 polls, 30 seeds) with one poll in thirty 10-15 points
off, the kalman line's RMSE was 1.27 times the oracle's on the clean series without this,
1.084 times with ``POWER = 2`` (pull falling as ``1 / z``) and 1.071 with 3 (real time: 1.21,
1.067 and 1.060); on calm series it stays within 1.03 of the oracle, and after a 6-point
jump the real-time line reaches 90 % of it in 19 days (the oracle: 24)
(``bench/bench_stats.py``). A Student-t weight (4 or 8 degrees of freedom) took in calm
polls too and left the band too narrow (92-93% coverage instead of 95%).

Only the polls that ended on earlier days judge a poll (the polls of one day do not judge
each other), so its weight never changes when later polls arrive and a real-time line stays
a function of the polls known each day. After a real shift the first
polls that show it are judged against the old level and count for less; the ones that
follow are judged against them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .validation import PollTable

__all__ = ["HOUSE_PRIOR_POLLS", "POWER", "SCALE_POLLS", "outlier_variance"]

#: A pollster's lean so far counts its earlier residuals' sum over this many polls more.
HOUSE_PRIOR_POLLS = 3.0
#: The residual spread is the median absolute deviation of this many latest earlier polls.
SCALE_POLLS = 100
_MAD_TO_SD = 1.4826
#: Beyond the cutoff a poll's weight falls as (cutoff / |z|) ** POWER (module docstring).
POWER = 3.0


def _benchmark(table: PollTable, window: int, min_polls: int) -> tuple[np.ndarray, np.ndarray]:
    """Each poll's benchmark and its variance from the polls ended before its end day
    (NaN for a poll with fewer than ``min_polls`` earlier polls)."""
    end = table.end
    precision = 1.0 / table.error_var
    cum_w = np.r_[0.0, np.cumsum(precision)]
    cum_wy = np.r_[0.0, np.cumsum(precision * table.pct)]
    hi = np.searchsorted(end, end, side="left")  # the polls that ended on an earlier day
    lo = np.minimum(np.searchsorted(end, end - window, side="left"), np.maximum(hi - min_polls, 0))
    weight = cum_w[hi] - cum_w[lo]
    enough = hi - lo >= min_polls
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(enough, (cum_wy[hi] - cum_wy[lo]) / weight, np.nan)
        variance = np.where(enough, 1.0 / weight, np.nan)
    return mean, variance


def outlier_variance(table: PollTable, cutoff: float = 2.5, window: int = 14,
                     min_polls: int = 5) -> np.ndarray:
    """Extra error variance of each poll of ``table`` (canonical order) as an outlier, in
    squared points: 0 for a poll in line with the polls before it (see the module
    docstring)."""
    if cutoff <= 0:
        raise ValueError("outlier_cutoff must be positive")
    mean, bench_var = _benchmark(table, window, min_polls)
    raw = table.pct - mean
    judged = np.isfinite(raw)
    frame = pd.DataFrame({"pollster": table.pollster, "end": table.end, "r": np.where(judged, raw, 0.0),
                          "n": judged.astype(float)})
    # sums over the pollster's polls of earlier days: the running sums less the day's own
    so_far = frame.groupby("pollster", sort=False)[["r", "n"]].cumsum()
    same_day = frame.groupby(["pollster", "end"], sort=False)[["r", "n"]].cumsum()
    earlier = (so_far - same_day).to_numpy()
    residual = raw - earlier[:, 0] / (earlier[:, 1] + HOUSE_PRIOR_POLLS)
    running = (pd.Series(np.abs(residual)).rolling(SCALE_POLLS, min_periods=min_polls).median()
               .to_numpy() * _MAD_TO_SD)
    before = np.searchsorted(table.end, table.end, side="left") - 1  # the last poll of an earlier day
    spread = np.where(before >= 0, running[np.maximum(before, 0)], np.nan)
    scale2 = np.fmax(table.error_var + bench_var, spread**2)
    with np.errstate(invalid="ignore"):
        extra = scale2 * ((residual**2 / (scale2 * cutoff**2)) ** (POWER / 2) - 1.0)
    return np.where(np.isfinite(extra) & (extra > 0), extra, 0.0)
