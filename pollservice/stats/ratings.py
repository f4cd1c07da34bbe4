"""Pollster ratings from results: how far each pollster's final polls were from what
happened, in the spirit of FiveThirtyEight's ratings, simpler and fully published.

The input is one row per poll of a decided race, taken in the last weeks before the
election (the caller's window; 538's is 21 days): the poll's margin and the actual margin, both as the first
finisher minus the second, and whether that pair is a Democrat and a Republican (then the
sign says which party the poll favoured). Per poll:

- ``error``: poll margin minus actual margin; ``abs_error`` its size;
- ``dem_error``: the error on the Democrat-minus-Republican margin (NaN for other pairs),
  positive when the poll overstated the Democrat;
- ``relative``: its ``abs_error`` minus the mean ``abs_error`` of the *other* pollsters'
  polls of the same race (NaN when no other pollster polled it): negative is better than the
  field on the same race, which takes out how hard the race was to poll.

Per pollster (:func:`pollster_ratings`), with ``min_polls`` polls in ``min_races`` races: the
means of those, each with a 95 % interval. Polls of one race share its surprise, so the
interval is over races: each race's mean for the pollster is one observation, and the
interval is Student's t over them (``n_races - 1`` degrees of freedom). The ``verdict``
says only what the interval of ``relative`` allows: ``better`` if it lies below 0,
``worse`` if above, else ``indistinguishable`` (no letter grade: most pollsters' intervals
overlap).

:func:`pollster_excess_variance` turns the same polls into a per-pollster error variance for
the average (the ``extra_var`` column of a poll frame): how much more a pollster's polls
missed than their sampling error and their race's shared miss explain, shrunk towards the
field and counted above the typical poll's (which the method's own non-sampling term covers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from .intervals import DEFAULT_ALPHA, check_alpha

__all__ = ["EXCESS_COLUMNS", "INPUT_COLUMNS", "METRICS", "poll_errors", "pollster_excess_variance",
           "pollster_ratings"]

INPUT_COLUMNS = ("poll_id", "pollster", "race_id", "cycle", "poll_margin", "actual_margin",
                 "dem_first")
METRICS = ("abs_error", "dem_error", "relative")
EXCESS_COLUMNS = ("pollster", "race_id", "error", "sampling_var")


def poll_errors(polls: pd.DataFrame) -> pd.DataFrame:
    """``polls`` (``INPUT_COLUMNS``; ``dem_first``: True when the pair is Democrat first,
    False Republican first, NaN/None for another pair) with ``error``, ``abs_error``,
    ``dem_error`` and ``relative``."""
    missing = [c for c in INPUT_COLUMNS if c not in polls.columns]
    if missing:
        raise ValueError(f"polls lack the columns {missing}")
    frame = polls.copy()
    frame["error"] = frame["poll_margin"].astype(float) - frame["actual_margin"].astype(float)
    frame["abs_error"] = frame["error"].abs()
    orientation = frame["dem_first"].map({True: 1.0, False: -1.0}).astype(float)
    frame["dem_error"] = frame["error"] * orientation  # NaN where the pair is not D and R
    frame["relative"] = frame["abs_error"] - _others_mean(frame)
    return frame


def _others_mean(frame: pd.DataFrame) -> pd.Series:
    """Per poll, the mean ``abs_error`` of the other pollsters' polls of its race."""
    race = frame.groupby("race_id")["abs_error"].agg(["sum", "count"])
    own = frame.groupby(["race_id", "pollster"])["abs_error"].agg(["sum", "count"])
    race_sum = frame["race_id"].map(race["sum"])
    race_n = frame["race_id"].map(race["count"])
    keys = pd.MultiIndex.from_frame(frame[["race_id", "pollster"]])
    own_sum = pd.Series(own["sum"].reindex(keys).to_numpy(), index=frame.index)
    own_n = pd.Series(own["count"].reindex(keys).to_numpy(), index=frame.index)
    others = race_n - own_n
    return ((race_sum - own_sum) / others).where(others > 0)


def _interval(values: np.ndarray, alpha: float) -> tuple[float, float, float, int]:
    """Mean and ``1 - alpha`` t interval of race-level values (NaNs dropped)."""
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return np.nan, np.nan, np.nan, 0
    mean = float(values.mean())
    if n < 2:
        return mean, np.nan, np.nan, n
    half = float(scipy_stats.t.ppf(1 - alpha / 2, n - 1) * values.std(ddof=1) / np.sqrt(n))
    return mean, mean - half, mean + half, n


def pollster_ratings(errors: pd.DataFrame, *, min_polls: int, min_races: int,
                     alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """One row per pollster with at least ``min_polls`` polls in ``min_races`` races of
    ``errors`` (from :func:`poll_errors`): ``polls``, ``races``, ``first_cycle``,
    ``last_cycle``, and per metric of ``METRICS`` its mean and ``_lower`` / ``_upper``
    bounds over races (``dem_error`` over the races with a Democrat and a Republican, with
    ``bias_races`` of them), and ``verdict``; sorted by ``relative``, best first."""
    alpha = check_alpha(alpha)
    rows = []
    for pollster, polls in errors.groupby("pollster", sort=True):
        races = polls.groupby("race_id")
        if len(polls) < min_polls or races.ngroups < min_races:
            continue
        per_race = races[list(METRICS)].mean()
        row: dict = {"pollster": pollster, "polls": len(polls), "races": races.ngroups,
                     "first_cycle": int(polls["cycle"].min()), "last_cycle": int(polls["cycle"].max())}
        for metric in METRICS:
            mean, lower, upper, n = _interval(per_race[metric].to_numpy(dtype=float), alpha)
            row.update({metric: mean, f"{metric}_lower": lower, f"{metric}_upper": upper})
            if metric == "dem_error":
                row["bias_races"] = n
        row["verdict"] = ("better" if row["relative_upper"] < 0 else
                          "worse" if row["relative_lower"] > 0 else "indistinguishable")
        rows.append(row)
    columns = ["pollster", "polls", "races", "first_cycle", "last_cycle", "bias_races",
               *(f"{m}{suffix}" for m in METRICS for suffix in ("", "_lower", "_upper")), "verdict"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["relative", "pollster"], na_position="last").reset_index(drop=True)


def pollster_excess_variance(errors: pd.DataFrame, *, prior_polls: float = 20.0) -> pd.DataFrame:
    """Per pollster, its error variance beyond sampling and beyond its races' shared error.

    ``errors`` has ``EXCESS_COLUMNS``: each poll's ``error`` (poll margin minus result) and
    ``sampling_var`` (its margin's sampling variance, squared points). Within a race every
    poll shares the race's surprise, so a poll is compared with the mean error of the *other*
    pollsters' polls of its race (races polled by one pollster say nothing): its squared
    difference, less its sampling variance and the variance of that mean, estimates its
    excess. Per pollster the mean excess over its ``polls`` (``excess``) is shrunk towards the
    mean of all polls' as if that mean were ``prior_polls`` more polls (``shrunk``), and
    ``extra_var`` is how far ``shrunk`` lies above the typical poll's (the median over polls
    of their pollster's ``shrunk``), never below 0. One row per pollster, sorted by name.
    """
    missing = [c for c in EXCESS_COLUMNS if c not in errors.columns]
    if missing:
        raise ValueError(f"errors lack the columns {missing}")
    columns = ["pollster", "polls", "excess", "shrunk", "extra_var"]
    frame = errors[list(EXCESS_COLUMNS)].astype({"error": float, "sampling_var": float}).assign(n=1.0)
    summed = ["error", "sampling_var", "n"]
    sums = frame.groupby("race_id")[summed].transform("sum")
    own = frame.groupby(["race_id", "pollster"])[summed].transform("sum")
    others = (sums["n"] - own["n"]).where(lambda n: n > 0)
    frame = frame.assign(others=others, others_mean=(sums["error"] - own["error"]) / others,
                         others_var=(sums["sampling_var"] - own["sampling_var"]) / others**2)
    frame = frame[frame["others"].notna()]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    excess = (frame["error"] - frame["others_mean"]) ** 2 - frame["sampling_var"] - frame["others_var"]
    field = float(excess.mean())
    excess = excess - field / frame["others"]  # the others' own excess in their mean
    field = float(excess.mean())
    table = excess.groupby(frame["pollster"]).agg(["size", "mean"]).rename(
        columns={"size": "polls", "mean": "excess"})
    polls = table["polls"]
    table["shrunk"] = (polls * table["excess"] + prior_polls * field) / (polls + prior_polls)
    typical = _weighted_median(table["shrunk"].to_numpy(), table["polls"].to_numpy(dtype=float))
    table["extra_var"] = (table["shrunk"] - typical).clip(lower=0.0)
    return table.reset_index().rename(columns={"index": "pollster"})[columns]


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2.0)])
