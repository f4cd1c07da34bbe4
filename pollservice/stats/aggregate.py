"""Public entry points: trend lines, averages, per-poll contributions and house effects.

Each function validates its input once (:func:`~pollservice.stats.validation.validate_polls`)
and dispatches to the module of the chosen method:

==============  ===========================================  ===============================
method          module                                       what it is
==============  ===========================================  ===============================
``"kalman"``    :mod:`pollservice.stats.kalman`              Jackman (2005) state-space
                                                             model with house effects
``"weighted"``  :mod:`pollservice.stats.weighted`            538-style weighted average
``"latest"``    :mod:`pollservice.stats.weighted`            RealClearPolling average
``"lowess"``    :mod:`pollservice.stats.lowess`              HuffPost Pollster local
                                                             regression
==============  ===========================================  ===============================

All functions work on one answer choice at a time. For a question with several choices,
call them once per choice: each choice is estimated separately, so the choices' estimates
need not sum to 100 (undecided and other answers take the rest, and each line is smoothed
on its own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import kalman, lowess, weighted
from .intervals import PointEstimate
from .validation import (
    DEFAULT_METHOD,
    PollTable,
    days_to_datetime,
    validate_as_of,
    validate_dates,
    validate_method,
    validate_polls,
)

__all__ = ["average", "house_effects", "poll_contributions", "trend"]

_PARAM_TYPES = {
    "kalman": kalman.KalmanParams,
    "weighted": weighted.WeightedParams,
    "latest": weighted.LatestParams,
    "lowess": lowess.LowessParams,
}


def _check_params(method: str, params):
    expected = _PARAM_TYPES[method]
    if params is None:
        return expected()
    if not isinstance(params, expected):
        raise ValueError(
            f"params for method {method!r} must be a {expected.__name__}, "
            f"not {type(params).__name__}"
        )
    return params


def _default_days(table: PollTable) -> np.ndarray:
    return np.arange(int(table.mid_day.min()), int(table.end.max()) + 1, dtype=np.int64)


def _trend_arrays(table, days, method, realtime, params):
    if method == "latest":
        return weighted.latest_trend(table, days, params)
    if method == "weighted":
        return weighted.weighted_trend(table, days, params)
    if method == "lowess":
        return lowess.lowess_trend(table, days, realtime, params)
    return kalman.kalman_trend(table, days, realtime, params)


def _point(table: PollTable, day: int, method: str, params) -> PointEstimate:
    if method == "latest":
        return weighted.latest_at(table, day, params)
    if method == "weighted":
        return weighted.weighted_at(table, day, params)
    if method == "lowess":
        return lowess.lowess_at(table, day, params)
    return kalman.kalman_at(table, day, params)


def trend(
    polls: pd.DataFrame,
    method: str = DEFAULT_METHOD,
    dates: Iterable | None = None,
    realtime: bool = False,
    *,
    params=None,
) -> pd.DataFrame:
    """Daily trend line of one answer choice with a 95 % band.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll (columns ``pollster``, ``start_date``, ``end_date``,
        ``sample_size``, ``population``, ``pct``; extra columns are ignored).
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    dates : iterable of dates, optional
        Days to estimate. Default: every day from the earliest field-period midpoint of
        any poll to the latest end date. Returned sorted, without duplicates.
    realtime : bool
        If True, each day's value uses only polls that ended on or before that day (what
        the average said on that day, like 538's published daily averages). If False
        (default) the retrospective line, which for ``kalman`` and ``lowess`` also uses
        later polls. ``latest`` and ``weighted`` are trailing averages, so both settings
        give the same line.
    params : KalmanParams, WeightedParams, LatestParams or LowessParams, optional
        Tuning parameters of the method; defaults documented on each class.

    Returns
    -------
    pandas.DataFrame
        Columns ``date`` (datetime64[ns], midnight), ``estimate``, ``lower``, ``upper``
        (95 % interval for the underlying opinion, in percent), one row per date.

    Notes
    -----
    Days on which a method can say nothing are NaN: before the first poll ended for
    ``latest``/``weighted`` (and more than their window after the last poll), before the
    first poll ended for every method with ``realtime=True``, and before the first field
    midpoint for retrospective ``lowess``. Retrospective ``kalman`` extrapolates before
    the first poll and after the last one as its random walk implies: the first/last
    estimate with a band that widens by the random-walk variance per day.

    Each answer choice is estimated on its own, so the estimates of a question's choices
    need not sum to 100 (undecideds and rounding).
    """
    table = validate_polls(polls)
    method = validate_method(method)
    params = _check_params(method, params)
    days = validate_dates(dates)
    if days is None:
        days = _default_days(table)
    if days.size == 0:
        estimate = lower = upper = np.empty(0)
    else:
        estimate, lower, upper = _trend_arrays(table, days, method, bool(realtime), params)
    return pd.DataFrame(
        {
            "date": days_to_datetime(days),
            "estimate": np.asarray(estimate, dtype=float),
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
        }
    )


def _known_polls(table: PollTable, as_of) -> tuple[PollTable, int]:
    day = validate_as_of(as_of)
    if day is None:
        day = int(table.end.max())
    known = table.ended_by(day)
    if known.n_polls == 0:
        date = days_to_datetime(np.array([day]))[0].astype("datetime64[D]").item()
        raise ValueError(f"no polls ended on or before {date.isoformat()}")
    return known, day


def average(
    polls: pd.DataFrame, method: str = DEFAULT_METHOD, as_of=None, *, params=None
) -> dict:
    """The average of one answer choice on one day, from the polls known that day.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll, as for :func:`trend`.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    as_of : date-like, optional
        The day of the average; only polls with ``end_date <= as_of`` are used (real-time
        semantics). Default: the latest end date.
    params : optional
        Tuning parameters of the method, as for :func:`trend`.

    Returns
    -------
    dict
        ``estimate``, ``lower``, ``upper`` (95 % interval, percent), ``n_polls`` (polls
        that count in this estimate: nonzero weight for ``weighted``/``latest``, inside
        the local-regression neighbourhood for ``lowess``, all polls ended by ``as_of`` for
        ``kalman``) and ``as_of`` (a ``datetime.date``).

    Raises
    ------
    ValueError
        On invalid polls, an unknown method, or if no poll ended on or before ``as_of``.

    Notes
    -----
    ``kalman`` fits its variances and house effects on the polls known on ``as_of``. The
    ``realtime=True`` trend solves the house effects from the polls known each day too, but
    refits the variances only when the number of polls has grown by a set factor
    (``KalmanParams.realtime_refit_growth``), so the two can differ slightly; with fixed
    variances they are equal.

    ``kalman`` fits are remembered (a few, by the content of the polls and the
    parameters), so the trend, average, contributions and house effects of one series
    share a single fit; see :func:`pollservice.stats.kalman.fitted`.
    """
    table = validate_polls(polls)
    method = validate_method(method)
    params = _check_params(method, params)
    known, day = _known_polls(table, as_of)
    point = _point(known, day, method, params)
    as_of_date = (np.datetime64(day, "D")).item()
    assert isinstance(as_of_date, dt.date)
    return {
        "estimate": float(point.estimate),
        "lower": float(point.lower),
        "upper": float(point.upper),
        "n_polls": int(point.n_polls),
        "as_of": as_of_date,
    }


def poll_contributions(
    polls: pd.DataFrame, method: str = DEFAULT_METHOD, as_of=None, *, params=None
) -> pd.DataFrame:
    """Each poll's part in the average on ``as_of``.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll, as for :func:`trend`.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    as_of : date-like, optional
        Day of the average (default: the latest end date).
    params : optional
        Tuning parameters of the method, as for :func:`trend`.

    Returns
    -------
    pandas.DataFrame
        Same index and row order as ``polls``; columns ``weight`` and
        ``house_adjustment``. Polls that ended after ``as_of`` have weight 0 and
        adjustment 0.

    Notes
    -----
    ``weight`` is non-negative and sums to 1 over the polls:

    * ``latest``: 1 / (number of pollsters) for each pollster's latest poll.
    * ``weighted``: the normalised weight of the weighted mean.
    * ``kalman``: the exact linear weight of the poll in the filtered estimate on
      ``as_of`` (the Kalman gain of its day, discounted by later days' gains, times the
      poll's inverse-variance share of its day). The filtered estimate is precisely
      ``sum(weight * (pct - house_adjustment))``.
    * ``lowess``: the tricube neighbourhood weight at ``as_of`` times the robustness
      weight of the last lowess iteration, normalised (the local-linear equivalent
      kernel can be negative at the edge; these are its non-negative ingredients).

    ``house_adjustment`` is the house effect (percentage points) that ``kalman``
    subtracts from the pollster's polls; 0.0 for the other methods.
    """
    table = validate_polls(polls)
    method = validate_method(method)
    params = _check_params(method, params)
    known, day = _known_polls(table, as_of)
    point = _point(known, day, method, params)
    weight = np.zeros(len(polls))
    adjustment = np.zeros(len(polls))
    weight[known.position] = point.weights
    adjustment[known.position] = point.house_adjustment
    return pd.DataFrame({"weight": weight, "house_adjustment": adjustment}, index=polls.index)


def house_effects(polls: pd.DataFrame, *, params=None) -> pd.DataFrame:
    """House effects of the pollsters, from the ``kalman`` model fitted to all polls.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll, as for :func:`trend`.
    params : KalmanParams, optional
        Tuning parameters of the state-space model.

    Returns
    -------
    pandas.DataFrame
        One row per pollster (sorted by name): ``pollster``, ``effect`` (percentage
        points the pollster's polls lie above the trend), ``lower``, ``upper`` (95 %
        interval) and ``n_polls``.

    Notes
    -----
    Effects are relative to the average pollster, not to the truth, which polls cannot
    identify (Jackman 2005). Centring: the weighted sum of the effects is zero, with
    pollster weights ``n / (n + 5)`` for a pollster with ``n`` polls, so each established
    pollster counts once and a pollster with one or two polls, whose effect is barely
    known, hardly moves the centre. Effects are shrunk towards 0 by a normal prior whose
    spread is estimated (pollsters with few polls are shrunk most). Intervals are from the
    posterior covariance given the estimated variances. See :mod:`pollservice.stats.kalman`.

    References
    ----------
    Jackman, S. (2005). Pooling the polls over an election campaign. Australian Journal
    of Political Science, 40(4), 499-517.
    """
    table = validate_polls(polls)
    params = _check_params("kalman", params)
    return kalman.kalman_house_effects(table, params)
