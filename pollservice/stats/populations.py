"""Polls adjusted to a question's target population (adults, registered or likely voters).

A question averages one population, its *target* (the caller decides; pollservice takes the
first population of the question's version preference that its polls hold: likely voters
for a race, adults for a topic such as approval). Many pollsters report one poll for
several populations (538 lists each as a version of one poll), and those versions measure
the gap between populations on the same respondents: among 2,752 approval polls with both,
registered voters approved 2.3 points more than adults (sd 1.4 across polls). A poll of
another population is therefore moved to the target by that population's gap, estimated
like a house effect and carried with its uncertainty:

- The gap of population ``k`` (``k`` minus the target) is a normal mean estimated from the
  versions of ``k`` and the target of one poll (:func:`population_gaps`), shrunk towards 0
  by a prior with standard deviation ``prior_sd``: with pairs of gaps ``g_i`` weighted
  ``w_i = 0.5 ** (age_i / HALF_LIFE_DAYS)`` (the gap moves over a campaign) and
  ``n = sum(w_i)``, ``gap = sum(w_i g_i) / (n + s2 / prior_sd**2)`` and
  ``var(gap) = s2 / (n + s2 / prior_sd**2)``, where ``s2`` is one pair's variance (the
  between-poll spread ``b2`` plus the pair's mean sampling variance).
- The spread ``b2`` of the gap from poll to poll (one pollster's likely-voter screen is not
  another's) is the pairs' variance less their own sampling variance (a subset of one sample
  differs from the whole by ``p (100 - p) (1 / n_small - 1 / n_large)``), pooled with a
  prior spread ``prior_spread`` worth ``PRIOR_SPREAD_PAIRS`` pairs.
- The adjusted poll is ``pct - gap``, and its ``extra_var`` grows by ``b2 + var(gap)``: an
  adjusted poll counts for less than a poll of the target population (with no pair at all,
  by the prior's ``prior_spread**2 + prior_sd**2``).
- **Only pairs known when a poll ended** (the pairs' end date on or before the poll's) set
  its adjustment, so a real-time line never depends on later polls and a poll's adjusted
  value does not move as later polls arrive.

A margin frame (``pct_a``, ``pct_b``) is adjusted the same way, share by share, with the
extra variance of the margin from the gaps of the margin itself (its prior twice the
share's).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .validation import extra_var_column

__all__ = ["HALF_LIFE_DAYS", "PRIOR_SD", "PRIOR_SPREAD", "PRIOR_SPREAD_PAIRS", "population_gaps",
           "to_population"]

#: Prior standard deviation of a population's gap in share points (the Economist's
#: population effect prior, 0.04 on the logit scale, is about 1 point; adults and
#: registered voters differ by 2-3 points on a share, so a wider prior).
PRIOR_SD = 2.0
#: Prior poll-to-poll spread of the gap (share points), and the number of pairs it counts as.
PRIOR_SPREAD = 1.5
PRIOR_SPREAD_PAIRS = 5.0
#: A pair's weight halves every this many days: the gap moves over a campaign (in 538's 2018
#: generic ballot, registered voters were 2.5 points more Democratic than likely voters in
#: 2017's pairs, about 5 points less in the autumn's), so recent pairs set it.
HALF_LIFE_DAYS = 60.0

_SAMPLE_COLUMNS = ("version_group", "population", "end_date", "sample_size")


def _columns(margin: bool) -> tuple[str, ...]:
    return ("pct_a", "pct_b") if margin else ("pct",)


def population_gaps(versions: pd.DataFrame, target: str) -> pd.DataFrame:
    """The gap between each other population and ``target`` within each poll.

    Parameters
    ----------
    versions : pandas.DataFrame
        The versions of polls reported for several populations: ``version_group`` (one
        poll), ``population``, ``end_date``, ``sample_size`` (NaN if unknown) and ``pct``
        (or ``pct_a`` and ``pct_b`` for a margin).
    target : str
        The question's target population.

    Returns
    -------
    pandas.DataFrame
        One row per poll and other population: ``population``, ``end_date``, the gap
        (other minus target) in ``pct`` (or ``pct_a``, ``pct_b``) and ``gap_var``, the
        sampling variance of the gap (of the margin's gap for a margin), 0 where a size is
        unknown.
    """
    columns = _columns("pct_a" in versions.columns)
    frame = versions.loc[:, [*_SAMPLE_COLUMNS, *columns]].dropna(subset=list(columns))
    base = frame[frame["population"] == target].drop_duplicates("version_group")
    other = frame[frame["population"] != target].drop_duplicates(["version_group", "population"])
    both = other.merge(base, on="version_group", suffixes=("", "_target"))
    gaps = pd.DataFrame({"population": both["population"].astype(str).to_numpy(),
                         "end_date": pd.to_datetime(both["end_date"]).to_numpy()})
    for column in columns:
        gaps[column] = (both[column] - both[f"{column}_target"]).to_numpy(dtype=float)
    inverse = np.abs(1.0 / both["sample_size"].to_numpy(dtype=float)
                     - 1.0 / both["sample_size_target"].to_numpy(dtype=float))
    if len(columns) == 1:
        p = both[f"{columns[0]}_target"].to_numpy(dtype=float)
        unit = p * (100.0 - p)
    else:
        a, b = (both[f"{c}_target"].to_numpy(dtype=float) for c in columns)
        unit = 100.0 * (a + b) - (a - b) ** 2
    gaps["gap_var"] = np.nan_to_num(np.clip(unit, 0.0, None) * inverse, nan=0.0)
    return gaps


def _decayed_sums(pair_end: np.ndarray, values: list[np.ndarray], poll_end: np.ndarray,
                  half_life: float) -> list[np.ndarray]:
    """Per poll, the sums over the pairs ended on or before its end day of each of
    ``values`` weighted by ``0.5 ** (age / half_life)`` (the first: the weights alone)."""
    days, back = np.unique(poll_end, return_inverse=True)
    sums = [np.zeros(days.size) for _ in range(len(values) + 1)]
    for lo in range(0, days.size, 256):  # a block of days against every pair
        age = days[lo:lo + 256, None] - pair_end[None, :]
        weight = np.where(age >= 0, np.exp2(-np.clip(age, 0, None) / half_life), 0.0)
        sums[0][lo:lo + 256] = weight.sum(axis=1)
        for k, value in enumerate(values, start=1):
            sums[k][lo:lo + 256] = weight @ value
    return [total[back] for total in sums]


def _causal_gap(pair_end: np.ndarray, gap: np.ndarray, gap_var: np.ndarray, poll_end: np.ndarray,
                prior_sd: float, prior_spread: float) -> tuple[np.ndarray, np.ndarray]:
    """The shrunk gap and the extra variance of each poll ended on ``poll_end``, from the
    pairs ended on or before that day, the older ones counting less (see the module
    docstring)."""
    n, total, squares, sampling = _decayed_sums(pair_end, [gap, gap * gap, gap_var], poll_end,
                                                HALF_LIFE_DAYS)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread_sum = np.where(n > 1, squares - total**2 / n - sampling, 0.0)
        mean_sampling = np.where(n > 0, sampling / n, 0.0)
    df = np.maximum(n - 1.0, 0.0)
    spread2 = ((PRIOR_SPREAD_PAIRS * prior_spread**2 + np.clip(spread_sum, 0.0, None))
               / (PRIOR_SPREAD_PAIRS + df))
    pair_var = spread2 + mean_sampling
    shrink = n + pair_var / prior_sd**2
    return total / shrink, spread2 + pair_var / shrink


def to_population(polls: pd.DataFrame, gaps: pd.DataFrame, target: str, *,
                  prior_sd: float = PRIOR_SD, prior_spread: float = PRIOR_SPREAD) -> pd.DataFrame:
    """``polls`` with every poll of another population than ``target`` moved to it.

    Parameters
    ----------
    polls : pandas.DataFrame
        A poll frame of :mod:`pollservice.stats.validation` (``pct``), or a margin frame
        (``pct_a``, ``pct_b``).
    gaps : pandas.DataFrame
        :func:`population_gaps` of the same question's versions (same share columns).
    target : str
        The target population.
    prior_sd, prior_spread : float
        The priors of a share's gap (a margin's are twice these).

    Returns
    -------
    pandas.DataFrame
        A copy with the share columns adjusted (kept within 0-100, a margin's two shares
        to a sum of at most 100, its margin kept), ``extra_var`` increased
        by the adjustment's variance (and created if absent) and ``population_adjustment``,
        what was added to ``pct`` (to ``pct_a - pct_b`` for a margin). Polls of the target
        population are unchanged.
    """
    columns = _columns("pct_a" in polls.columns)
    out = polls.copy()
    extra = extra_var_column(out)
    adjustment = np.zeros(len(out))
    population = out["population"].astype(str).str.strip().str.lower().to_numpy()
    poll_end = pd.to_datetime(out["end_date"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    pair_end = pd.to_datetime(gaps["end_date"]).to_numpy(dtype="datetime64[D]").astype(np.int64)
    scale = 1.0 if len(columns) == 1 else 2.0
    gap = gaps[columns[0]] if len(columns) == 1 else gaps[columns[0]] - gaps[columns[1]]
    measure = gap.to_numpy(dtype=float)  # of the share, or of the margin
    for code in np.unique(population[population != target]):
        rows = population == code
        mine = (gaps["population"] == code).to_numpy()
        values = out.loc[rows, list(columns)].to_numpy(dtype=float)
        whole, variance = _causal_gap(pair_end[mine], measure[mine],
                                      gaps["gap_var"].to_numpy(dtype=float)[mine], poll_end[rows],
                                      scale * prior_sd, scale * prior_spread)
        if len(columns) == 1:
            shifts = [whole]
        else:  # each share by its own gap (their difference is the margin's, up to shrinkage)
            shifts = [_causal_gap(pair_end[mine], gaps[column].to_numpy(dtype=float)[mine],
                                  np.zeros(int(mine.sum())), poll_end[rows], prior_sd, prior_spread)[0]
                      for column in columns]
        adjusted = np.clip(values - np.column_stack(shifts), 0.0, 100.0)
        if len(columns) == 2:  # two shares of one sample: take any excess over 100 off both alike
            excess = np.clip(adjusted.sum(axis=1) - 100.0, 0.0, None)[:, None]
            adjusted = np.clip(adjusted - excess / 2.0, 0.0, 100.0)
        out.loc[rows, list(columns)] = adjusted
        moved = adjusted - values
        adjustment[rows] = moved[:, 0] if len(columns) == 1 else moved[:, 0] - moved[:, 1]
        extra[rows] += variance
    out["extra_var"] = extra
    out["population_adjustment"] = adjustment
    return out
