"""Margins and net values: the average of the difference of two shares, with its own band.

The margin of a poll is ``pct_a - pct_b`` (a candidate's lead, or approve minus disapprove:
a *net* value). Both shares come from one sample, so the margin's sampling variance is that
of a difference of two multinomial shares,

    Var(p_a - p_b) = (p_a + p_b - (p_a - p_b) ** 2) / n        (proportions)

which is smaller than the sum of the two shares' variances when the shares are negatively
correlated (a respondent who says A does not say B), as they are. Adding the two shares'
bands would overstate the margin's uncertainty.

How every method of the registry is fitted on the margin
--------------------------------------------------------
Each method takes a per-poll sampling variance ``p (100 - p) / n`` from the poll's sample
size and the line's level ``p`` (:attr:`~pollservice.stats.validation.PollTable.sampling_var`).
The margin ``m`` in [-100, 100] is fitted as the share-like value ``y = 50 + m / 2`` in
[0, 100] (when nobody answers anything but A or B, ``y`` is A's share itself), with an
*effective sample size* per poll chosen so that the method's variance of ``y`` is exactly a
quarter of the margin's variance above, evaluated at the line's levels of ``a`` and ``b``
(the mean of the polls ended before the poll, never the poll's own values, which would give
polls with a large margin more weight). The results are mapped back with ``m = 2 y - 100``,
so every band lies within [-100, 100] (the bounded band of :func:`pollservice.stats.fit`)
and everything each method does (house effects, non-sampling error, windows, robustness
weights) is done on the margin. Non-sampling spreads and house effects of ``y`` are half
those of the margin, as they are when a pollster's lean towards A is a lean away from B;
an ``extra_var`` column (error variance beyond sampling, in squared *margin* points) is
likewise divided by 4.
``weighted`` also weighs polls by ``sqrt(n)``: it sees the effective size, which within a
question is the real size times a nearly constant factor.

Public API
----------
fit_margin(polls, method="kalman", params=None) -> MarginResults
    ``.trend(dates=None, realtime=False, alpha=0.05)``, ``.average(as_of=None, alpha=0.05)``,
    ``.house_effects(alpha=0.05)`` (kalman), all in margin points.
margin(polls, method="kalman", dates=None, realtime=False, election_date=None, *,
       office="president", params=None, alpha=0.05)
    ``fit_margin(polls, method, params).trend(dates, realtime, alpha)``, with
    ``outcome_lower`` / ``outcome_upper`` when ``election_date`` is given.
margin_sampling_variance(pct_a, pct_b, n)
    The variance above in squared percentage points.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregate import AggregateResults, fit
from .intervals import DEFAULT_ALPHA
from .methods import DEFAULT_METHOD
from .outcome import outcome_bounds
from .validation import extra_var_column, line_levels, validate_polls

__all__ = ["MARGIN_COLUMNS", "MarginResults", "fit_margin", "margin", "margin_sampling_variance"]

#: The two share columns a margin frame has in place of ``pct``.
MARGIN_COLUMNS = ("pct_a", "pct_b")
#: Two rounded shares may add up to a little over 100 (49.6 + 50.6 reported as 50 + 51).
_ROUNDING_SLACK = 1.0
#: Line levels are clipped to this range in the variance, as shares are in
#: :attr:`~pollservice.stats.validation.PollTable.sampling_var`.
_LEVEL_CLIP = (1.0, 99.0)


def margin_sampling_variance(pct_a, pct_b, n) -> np.ndarray:
    """Sampling variance of ``pct_a - pct_b`` (squared points) for two shares of one sample.

    ``(100 (a + b) - (a - b) ** 2) / n`` with ``a``, ``b`` in percent: the multinomial
    variance ``(p_a + p_b - (p_a - p_b) ** 2) / n`` scaled to points. Each share is clipped to
    1-99 and a pair adding up to more than 100 is scaled down to 100, so no poll claims zero
    sampling error.
    """
    a = np.clip(np.asarray(pct_a, dtype=float), *_LEVEL_CLIP)
    b = np.clip(np.asarray(pct_b, dtype=float), *_LEVEL_CLIP)
    total = a + b
    scale = np.where(total > 100.0, 100.0 / total, 1.0)
    a, b = a * scale, b * scale
    return (100.0 * (a + b) - (a - b) ** 2) / np.asarray(n, dtype=float)


def _share_column(polls: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(polls[column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        raise ValueError(f"{column} is NaN or not a number in some rows")
    if ((values < 0) | (values > 100)).any():
        bad = values[(values < 0) | (values > 100)][0]
        raise ValueError(f"{column} outside 0-100 (e.g. {bad:g}) in some rows")
    return values


def _margin_frame(polls: pd.DataFrame) -> pd.DataFrame:
    """The frame a method fits: ``pct`` = 50 + margin / 2 and the effective sample size
    that gives it a quarter of the margin's sampling variance (see the module docstring)."""
    if not isinstance(polls, pd.DataFrame):
        raise ValueError(f"polls must be a pandas DataFrame, not {type(polls).__name__}")
    missing = [c for c in MARGIN_COLUMNS if c not in polls.columns]
    if missing:
        raise ValueError(f"polls frame is missing column(s): {', '.join(missing)} "
                         "(a margin frame has pct_a and pct_b in place of pct)")
    a, b = _share_column(polls, "pct_a"), _share_column(polls, "pct_b")
    over = a + b > 100.0 + _ROUNDING_SLACK
    if over.any():
        raise ValueError(f"pct_a + pct_b over 100 (e.g. {(a + b)[over][0]:g}) in "
                         f"{int(over.sum())} rows: two shares of one sample")
    frame = polls.drop(columns=[c for c in ("pct",) if c in polls.columns])
    frame = frame.assign(pct=50.0 + (a - b) / 2.0)
    if "extra_var" in frame.columns:  # margin points squared -> the half-margin scale
        frame = frame.assign(extra_var=extra_var_column(polls) / 4.0)
    table = validate_polls(frame)  # canonical order: the line levels of every method
    order = table.position
    level_a, level_b = line_levels(table.end, a[order]), line_levels(table.end, b[order])
    variance = margin_sampling_variance(level_a, level_b, table.n_used)
    level_y = np.clip(table.line_pct, *_LEVEL_CLIP)
    effective = np.empty(len(frame))
    effective[order] = level_y * (100.0 - level_y) / (variance / 4.0)
    # the effective size holds a tracker's overlap already (table.n_used): not twice
    return frame.assign(sample_size=effective).drop(columns="tracking", errors="ignore")


def _to_margin(values) -> np.ndarray:
    return 2.0 * np.asarray(values, dtype=float) - 100.0


def fit_margin(polls: pd.DataFrame, method: str = DEFAULT_METHOD, params=None) -> MarginResults:
    """Fit ``method`` to the margin ``pct_a - pct_b`` of each poll, once.

    Parameters
    ----------
    polls : pandas.DataFrame
        The poll frame of :func:`pollservice.stats.fit` (``pollster``, ``start_date``,
        ``end_date``, ``sample_size``, ``population``) with two share columns ``pct_a`` and
        ``pct_b`` (percent, 0-100, adding up to at most 100 give or take rounding) in place
        of ``pct``.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method (the registry, :data:`~pollservice.stats.METHODS`).
    params : optional
        The method's tuning parameters, as for :func:`pollservice.stats.fit` (on the
        half-margin scale ``y = 50 + m / 2``: a non-sampling sd of 1.5 is 3 margin points).

    Returns
    -------
    MarginResults
        ``trend``, ``average`` and ``house_effects`` of the margin, in points.

    Raises
    ------
    ValueError
        On a missing or out-of-range share, shares adding up to over 100, anything
        :func:`pollservice.stats.fit` refuses, an unknown method or wrong params.
    """
    if _orientation(polls) < 0:  # fit b - a, and negate: see _orientation
        swapped = polls.assign(pct_a=polls["pct_b"], pct_b=polls["pct_a"])
        return MarginResults(fit(_margin_frame(swapped), method, params), sign=-1)
    return MarginResults(fit(_margin_frame(polls), method, params))


def _orientation(polls: pd.DataFrame) -> int:
    """+1 to fit ``a - b``, -1 to fit ``b - a`` and negate it, chosen from the polls alone and
    not from which share is called ``a``: so that ``margin(a, b)`` is exactly
    ``-margin(b, a)`` for every method (lowess's bootstrap draws, and its choice among polls
    tied at a neighbourhood's edge, follow the canonical row order, which sorts by value).
    The sign of the summed differences; on a tie, of the first poll's nonzero difference in
    field-date, pollster and sample-size order (+1 if every difference is zero)."""
    if not isinstance(polls, pd.DataFrame) or not set(MARGIN_COLUMNS) <= set(polls.columns):
        return 1  # _margin_frame names the problem
    difference = (pd.to_numeric(polls["pct_a"], errors="coerce")
                  - pd.to_numeric(polls["pct_b"], errors="coerce")).to_numpy(dtype=float)
    total = float(np.nansum(difference))
    if abs(total) > 1e-9:
        return 1 if total > 0 else -1
    keys = [polls[c].map(str).to_numpy(dtype=str) for c in ("sample_size", "population", "pollster",
                                                       "start_date", "end_date") if c in polls.columns]
    order = np.lexsort([np.abs(difference), *keys]) if keys else np.arange(difference.size)
    nonzero = difference[order][np.abs(difference[order]) > 1e-9]
    return 1 if nonzero.size == 0 or nonzero[0] > 0 else -1


@dataclass(frozen=True, eq=False)
class MarginResults:
    """Results of :func:`fit_margin`: a method fitted to the half margin ``50 + m / 2``.

    Attributes
    ----------
    results : AggregateResults
        The fit on the half-margin scale (its lines and averages are in 0-100).
    sign : int
        +1 if ``results`` is the fit of ``a - b``, -1 if of ``b - a`` (see ``fit_margin``).
    """

    results: AggregateResults
    sign: int = 1

    @property
    def method(self) -> str:
        return self.results.method

    @property
    def n_polls(self) -> int:
        return self.results.n_polls

    def trend(self, dates: Iterable | None = None, realtime: bool = False,
              alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
        """Daily margin line with a ``1 - alpha`` band, as
        :meth:`AggregateResults.trend <pollservice.stats.AggregateResults.trend>`:
        ``date, estimate, lower, upper``, every value within [-100, 100]."""
        line = self.results.trend(dates, realtime, alpha)
        estimate, lower, upper = self._oriented(line["estimate"], line["lower"], line["upper"])
        return line.assign(estimate=estimate, lower=lower, upper=upper)

    def _oriented(self, estimate, lower, upper) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Half-margin values as margins of ``a - b`` (negated, bounds swapped, if the fit
        was of ``b - a``)."""
        estimate, lower, upper = (_to_margin(v) for v in (estimate, lower, upper))
        return (estimate, lower, upper) if self.sign > 0 else (-estimate, -upper, -lower)

    def average(self, as_of=None, alpha: float = DEFAULT_ALPHA) -> dict:
        """The margin on one day from the polls ended by then: ``estimate``, ``lower``,
        ``upper``, ``n_polls``, ``as_of`` (as :meth:`AggregateResults.average`)."""
        point = self.results.average(as_of, alpha)
        values = self._oriented(point["estimate"], point["lower"], point["upper"])
        return {**point, **{key: float(value) for key, value in zip(("estimate", "lower", "upper"), values,
                                                                    strict=True)}}

    def house_effects(self, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
        """Pollster house effects on the margin (``kalman`` only), in margin points."""
        effects = self.results.house_effects(alpha)
        effect, lower, upper = (2.0 * self.sign * effects[c] for c in ("effect", "lower", "upper"))
        return effects.assign(effect=effect, lower=lower if self.sign > 0 else upper,
                              upper=upper if self.sign > 0 else lower)


def margin(polls: pd.DataFrame, method: str = DEFAULT_METHOD, dates: Iterable | None = None,
           realtime: bool = False, election_date=None, *, office: str = "president",
           params=None, alpha: float = DEFAULT_ALPHA, decided=None) -> pd.DataFrame:
    """Daily line of the margin ``pct_a - pct_b`` with its own ``1 - alpha`` band.

    Parameters
    ----------
    polls : pandas.DataFrame
        As for :func:`fit_margin`: the frame of :func:`pollservice.stats.trend` with
        ``pct_a`` and ``pct_b`` in place of ``pct``.
    method : {"kalman", "weighted", "latest", "lowess"}
        Aggregation method, default ``"kalman"``.
    dates : iterable of dates, optional
        Days to estimate (default: first field midpoint to last end date).
    realtime : bool
        Each day from the polls ended by then (default False: retrospective).
    election_date : date-like, optional
        With it, the line also has ``outcome_lower`` / ``outcome_upper``: the band widened
        by the historical systematic error of the margin in ``office``'s races
        (:func:`pollservice.stats.outcome_bounds` with ``kind="margin"``), NaN after the
        election.
    office : str
        The office of the race (one of :data:`~pollservice.stats.OFFICES`), for
        ``election_date``. Default ``"president"``.
    params : optional
        The method's tuning parameters (see :func:`fit_margin`).
    alpha : float
        Complement of the confidence level (default 0.05: 95 %).
    decided : float or pandas.Series, optional
        For ``election_date``: the percent of respondents who named a choice (the sum of
        all choices' shares, without "undecided"), a number or a Series by date; the
        election-day interval then allocates the undecided in proportion
        (:func:`pollservice.stats.outcome.allocation`).

    Returns
    -------
    pandas.DataFrame
        ``date, estimate, lower, upper`` (and the outcome bounds), in points of margin,
        all within [-100, 100].

    Notes
    -----
    The margin's variance per poll is ``(p_a + p_b - (p_a - p_b) ** 2) / n``
    (:func:`margin_sampling_variance`), not the sum of the two shares' variances; see the
    module docstring for how each method is fitted on it.

    References
    ----------
    Franklin, C. H. (2007). The "margin of error" for differences in polls. University of
    Wisconsin, Madison. Jackman, S. (2005). Pooling the polls over an election campaign.
    Australian Journal of Political Science, 40(4), 499-517.
    """
    line = fit_margin(polls, method, params).trend(dates, realtime, alpha)
    if election_date is None:
        return line
    return outcome_bounds(line, pd.Timestamp(election_date).date(), office, "margin", alpha, decided=decided)

