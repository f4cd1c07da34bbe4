"""Public entry points: :func:`fit` and its results, and the one-call shortcuts.

:func:`fit` validates a poll frame once
(:func:`~pollservice.stats.validation.validate_polls`), checks the method and its
parameters against the registry (:mod:`pollservice.stats.methods`), fits what the method
fits ahead (the ``kalman`` variances and house effects) once, and returns an
:class:`AggregateResults`: an immutable object whose methods give the trend line, the
average on a day, each poll's contribution to it and the house effects, all from that one
validation and fit, like a statsmodels ``model.fit()`` results object.

:func:`trend`, :func:`average`, :func:`poll_contributions` and :func:`house_effects` are
shortcuts for one result: ``trend(polls, method, dates, realtime, params=p)`` is
``fit(polls, method, p).trend(dates, realtime)``. A caller that needs more than one result
of the same polls should call :func:`fit` once and ask its results.

All functions work on one answer choice at a time. For a question with several choices,
call them once per choice: each choice is estimated separately, so the choices' estimates
need not sum to 100 (undecided and other answers take the rest, and each line is smoothed
on its own).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .intervals import DEFAULT_ALPHA, PointEstimate, bounded_band, check_alpha
from .methods import DEFAULT_METHOD, REGISTRY, Method, check_params, get_method
from .validation import (
    PollTable,
    days_to_datetime,
    validate_as_of,
    validate_dates,
    validate_polls,
)

__all__ = ["AggregateResults", "average", "fit", "house_effects", "poll_contributions", "trend"]


def _read_only(record) -> None:
    """Make the numpy arrays held by a dataclass instance read-only (results are shared)."""
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


def fit(polls: pd.DataFrame, method: str = DEFAULT_METHOD, params=None) -> AggregateResults:
    """Validate the polls of one answer choice once, fit the method once, return the results.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll (columns ``pollster``, ``start_date``, ``end_date``,
        ``sample_size``, ``population``, ``pct``; extra columns are ignored), as
        described in :mod:`pollservice.stats.validation`.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``; :data:`~pollservice.stats.METHODS` lists
        them (from the registry, :mod:`pollservice.stats.methods`).
    params : KalmanParams, WeightedParams, LatestParams or LowessParams, optional
        Tuning parameters of the method (the class that belongs to ``method``); default:
        that class's defaults.

    Returns
    -------
    AggregateResults
        Immutable results: :meth:`~AggregateResults.trend`,
        :meth:`~AggregateResults.average`, :meth:`~AggregateResults.contributions` and
        :meth:`~AggregateResults.house_effects`.

    Raises
    ------
    ValueError
        On invalid polls (the message names the problem), an unknown method, or params of
        the wrong class.

    Notes
    -----
    ``kalman`` is fitted here, on all polls: the variances and house effects
    (:class:`~pollservice.stats.kalman.KalmanFit`, held as ``model_fit``) serve the
    retrospective trend, the house effects, and the average and contributions on any day
    on which every poll had ended. The real-time line refits on the polls known each day,
    and an average on an earlier day on the polls known then, as Jackman's model asks. The
    other methods fit nothing ahead (``model_fit`` is None).

    References
    ----------
    Jackman, S. (2005). Pooling the polls over an election campaign. Australian Journal
    of Political Science, 40(4), 499-517.
    """
    table = validate_polls(polls)
    entry = get_method(method)
    params = check_params(entry, params)
    _read_only(table)
    model_fit = entry.fit(table, params) if entry.fit is not None else None
    if model_fit is not None and dataclasses.is_dataclass(model_fit):
        _read_only(model_fit)
    return AggregateResults(method=entry.name, params=params, table=table,
                            model_fit=model_fit, index=polls.index)


@dataclass(frozen=True, eq=False, repr=False)
class AggregateResults:
    """Results of :func:`fit`: one method fitted to the polls of one answer choice.

    Immutable: attributes cannot be assigned and the arrays it holds are read-only. Every
    method computes from the validated polls and the fit, so asking twice gives the same
    answer and nothing is remembered between calls.

    Attributes
    ----------
    method : str
        The method's name.
    params : KalmanParams, WeightedParams, LatestParams or LowessParams
        Its parameters (defaults filled in).
    table : PollTable
        The validated polls in canonical order (internal representation).
    model_fit : KalmanFit or None
        What the method fitted to all polls (``kalman``), else None.
    index : pandas.Index
        The index of the caller's frame, in its row order (for :meth:`contributions`).
    """

    method: str
    params: Any
    table: PollTable
    model_fit: Any
    index: pd.Index

    def __repr__(self) -> str:
        return (f"AggregateResults(method={self.method!r}, n_polls={self.n_polls}, "
                f"n_pollsters={self.table.n_pollsters})")

    @property
    def n_polls(self) -> int:
        """Number of polls fitted."""
        return self.table.n_polls

    @property
    def _entry(self) -> Method:
        return REGISTRY[self.method]

    def trend(self, dates: Iterable | None = None, realtime: bool = False,
              alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
        """Daily trend line with a ``1 - alpha`` band.

        Parameters
        ----------
        dates : iterable of dates, optional
            Days to estimate. Default: every day from the earliest field-period midpoint
            of any poll to the latest end date. Returned sorted, without duplicates.
        realtime : bool
            If True, each day's value uses only polls that ended on or before that day
            (what the average said on that day, like 538's published daily averages). If
            False (default) the retrospective line, which for ``kalman`` and ``lowess``
            also uses later polls. ``latest`` and ``weighted`` are trailing averages, so
            both settings give the same line.
        alpha : float
            Complement of the band's confidence level, ``0 < alpha < 1``: 0.05 (default)
            gives a 95 % band, 0.1 a 90 % band.

        Returns
        -------
        pandas.DataFrame
            Columns ``date`` (datetime64[ns], midnight), ``estimate``, ``lower``,
            ``upper`` (the ``1 - alpha`` interval for the underlying opinion, in percent),
            one row per date. Every value lies within 0-100: a band that would cross a
            bound is the truncated normal's (:func:`~pollservice.stats.intervals.bounded_band`).

        Notes
        -----
        Days on which a method can say nothing are NaN: before the first poll ended for
        ``latest``/``weighted`` (and more than their window after the last poll), before
        the first poll ended for every method with ``realtime=True``, and before the first
        field midpoint for retrospective ``lowess``. Retrospective ``kalman`` extrapolates
        before the first poll and after the last one as its random walk implies: the
        first/last estimate with a band that widens by the random-walk variance per day.
        """
        alpha = check_alpha(alpha)
        days = validate_dates(dates)
        if days is None:
            days = np.arange(int(self.table.mid_day.min()), int(self.table.end.max()) + 1,
                             dtype=np.int64)
        if days.size == 0:
            estimate = lower = upper = np.empty(0)
        else:
            estimate, lower, upper = self._entry.trend(self.table, days, bool(realtime),
                                                       self.params, self.model_fit, alpha)
            estimate, lower, upper = bounded_band(estimate, lower, upper, alpha)
        return pd.DataFrame(
            {
                "date": days_to_datetime(days),
                "estimate": np.asarray(estimate, dtype=float),
                "lower": np.asarray(lower, dtype=float),
                "upper": np.asarray(upper, dtype=float),
            }
        )

    def _point(self, as_of, alpha: float) -> tuple[PointEstimate, PollTable, int]:
        """The method's estimate on ``as_of`` from the polls ended by then."""
        day = validate_as_of(as_of)
        if day is None:
            day = int(self.table.end.max())
        known = self.table.ended_by(day)
        if known.n_polls == 0:
            date = days_to_datetime(np.array([day]))[0].astype("datetime64[D]").item()
            raise ValueError(f"no polls ended on or before {date.isoformat()}")
        # The fit of all polls is the fit of the known ones when every poll has ended.
        model_fit = self.model_fit if known.n_polls == self.table.n_polls else None
        return self._entry.point(known, day, self.params, model_fit, alpha), known, day

    def average(self, as_of=None, alpha: float = DEFAULT_ALPHA) -> dict:
        """The average on one day, from the polls known that day.

        Parameters
        ----------
        as_of : date-like, optional
            The day of the average; only polls with ``end_date <= as_of`` are used
            (real-time semantics). Default: the latest end date.
        alpha : float
            Complement of the interval's confidence level (default 0.05: 95 %).

        Returns
        -------
        dict
            ``estimate``, ``lower``, ``upper`` (``1 - alpha`` interval, percent),
            ``n_polls`` (polls that count in this estimate: nonzero weight for
            ``weighted``/``latest``, inside the local-regression neighbourhood for
            ``lowess``, all polls ended by ``as_of`` for ``kalman``) and ``as_of`` (a
            ``datetime.date``).

        Raises
        ------
        ValueError
            If no poll ended on or before ``as_of``, or ``alpha`` is not in (0, 1).

        Notes
        -----
        ``kalman`` fits its variances and house effects on the polls known on ``as_of``
        (the results' own fit when that is every poll). The ``realtime=True`` trend solves
        the house effects from the polls known each day too, but refits the variances only
        when the number of polls has grown by a set factor
        (``KalmanParams.realtime_refit_growth``), so the two can differ slightly; with
        fixed variances they are equal.
        """
        alpha = check_alpha(alpha)
        point, _, day = self._point(as_of, alpha)
        as_of_date = (np.datetime64(day, "D")).item()
        assert isinstance(as_of_date, dt.date)
        estimate, lower, upper = bounded_band(point.estimate, point.lower, point.upper, alpha)
        return {
            "estimate": float(estimate),
            "lower": float(lower),
            "upper": float(upper),
            "n_polls": int(point.n_polls),
            "as_of": as_of_date,
        }

    def contributions(self, as_of=None) -> pd.DataFrame:
        """Each poll's part in the average on ``as_of``.

        Parameters
        ----------
        as_of : date-like, optional
            Day of the average (default: the latest end date).

        Returns
        -------
        pandas.DataFrame
            Same index and row order as the polls given to :func:`fit`; columns ``weight``
            and ``house_adjustment``. Polls that ended after ``as_of`` have weight 0 and
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
        point, known, _ = self._point(as_of, DEFAULT_ALPHA)
        n = len(self.index)
        weight = np.zeros(n)
        adjustment = np.zeros(n)
        weight[known.position] = point.weights
        adjustment[known.position] = point.house_adjustment
        return pd.DataFrame({"weight": weight, "house_adjustment": adjustment},
                            index=self.index)

    def house_effects(self, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
        """House effects of the pollsters, from the model fitted to all polls (``kalman``).

        Parameters
        ----------
        alpha : float
            Complement of the intervals' confidence level (default 0.05: 95 %).

        Returns
        -------
        pandas.DataFrame
            One row per pollster (sorted by name): ``pollster``, ``effect`` (percentage
            points the pollster's polls lie above the trend), ``lower``, ``upper``
            (``1 - alpha`` interval) and ``n_polls``.

        Raises
        ------
        ValueError
            For a method without house effects (all but ``kalman``), or a bad ``alpha``.

        Notes
        -----
        Effects are relative to the average pollster, not to the truth, which polls cannot
        identify (Jackman 2005). Centring: the weighted sum of the effects is zero, with
        pollster weights ``n / (n + 5)`` for a pollster with ``n`` polls, so each
        established pollster counts once and a pollster with one or two polls, whose
        effect is barely known, hardly moves the centre. Effects are shrunk towards 0 by a
        normal prior whose spread is estimated (pollsters with few polls are shrunk most).
        Intervals are from the posterior covariance given the estimated variances. See
        :mod:`pollservice.stats.kalman`.
        """
        alpha = check_alpha(alpha)
        if self._entry.house_effects is None:
            raise ValueError(
                f"method {self.method!r} estimates no house effects; they come from the "
                f"'kalman' model: fit(polls, 'kalman').house_effects()"
            )
        return self._entry.house_effects(self.table, self.params, self.model_fit, alpha)


# --------------------------------------------------------------------------------------
# One-call shortcuts (each validates and fits anew; use fit() for several results)
# --------------------------------------------------------------------------------------


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
        One row per poll, as for :func:`fit`.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    dates : iterable of dates, optional
        Days to estimate (default: first field midpoint to last end date).
    realtime : bool
        Real-time line (each day from the polls ended by then) instead of the
        retrospective one (default).
    params : optional
        Tuning parameters of the method, as for :func:`fit`.

    Returns
    -------
    pandas.DataFrame
        ``date``, ``estimate``, ``lower``, ``upper``: ``fit(polls, method,
        params).trend(dates, realtime)``; see :meth:`AggregateResults.trend`.
    """
    return fit(polls, method, params).trend(dates, realtime)


def average(
    polls: pd.DataFrame, method: str = DEFAULT_METHOD, as_of=None, *, params=None
) -> dict:
    """The average of one answer choice on one day, from the polls known that day.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll, as for :func:`fit`.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    as_of : date-like, optional
        The day of the average (default: the latest end date).
    params : optional
        Tuning parameters of the method, as for :func:`fit`.

    Returns
    -------
    dict
        ``estimate``, ``lower``, ``upper`` (95 %), ``n_polls``, ``as_of``:
        ``fit(polls, method, params).average(as_of)``; see :meth:`AggregateResults.average`.
    """
    return fit(polls, method, params).average(as_of)


def poll_contributions(
    polls: pd.DataFrame, method: str = DEFAULT_METHOD, as_of=None, *, params=None
) -> pd.DataFrame:
    """Each poll's part in the average on ``as_of``.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll, as for :func:`fit`.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    as_of : date-like, optional
        Day of the average (default: the latest end date).
    params : optional
        Tuning parameters of the method, as for :func:`fit`.

    Returns
    -------
    pandas.DataFrame
        ``weight`` and ``house_adjustment`` per poll, index of ``polls``:
        ``fit(polls, method, params).contributions(as_of)``; see
        :meth:`AggregateResults.contributions`.
    """
    return fit(polls, method, params).contributions(as_of)


def house_effects(polls: pd.DataFrame, *, params=None) -> pd.DataFrame:
    """House effects of the pollsters, from the ``kalman`` model fitted to all polls.

    Parameters
    ----------
    polls : pandas.DataFrame
        One row per poll, as for :func:`fit`.
    params : KalmanParams, optional
        Tuning parameters of the state-space model.

    Returns
    -------
    pandas.DataFrame
        ``pollster``, ``effect``, ``lower``, ``upper`` (95 %), ``n_polls``:
        ``fit(polls, "kalman", params).house_effects()``; see
        :meth:`AggregateResults.house_effects`.

    References
    ----------
    Jackman, S. (2005). Pooling the polls over an election campaign. Australian Journal
    of Political Science, 40(4), 499-517.
    """
    return fit(polls, "kalman", params).house_effects()
