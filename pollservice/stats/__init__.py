"""Pure poll-aggregation statistics for pollservice (numpy, pandas, scipy, statsmodels only).

Public API
----------
fit(polls, method="kalman", params=None)
    Validate the polls of one answer choice once, fit the method once, and return an
    immutable :class:`AggregateResults` (the statsmodels idiom: fit, then ask the results):

    ``.trend(dates=None, realtime=False, alpha=0.05)``
        Daily line with a ``1 - alpha`` band (frame ``date, estimate, lower, upper``).
    ``.average(as_of=None, alpha=0.05)``
        One day's average from the polls known that day.
    ``.contributions(as_of=None)``
        Each poll's weight and house adjustment in that average.
    ``.house_effects(alpha=0.05)``
        Pollster house effects (``kalman`` only; ValueError for the other methods).

    ``alpha`` is the complement of the confidence level: 0.05 gives 95 % bands (the
    multiplier ``norm.ppf(1 - alpha / 2)``), 0.1 gives 90 % bands.
trend(polls, method="kalman", dates=None, realtime=False)
    ``fit(polls, method).trend(dates, realtime)``: the line with a 95 % band.
average(polls, method="kalman", as_of=None)
    ``fit(polls, method).average(as_of)``.
poll_contributions(polls, method="kalman", as_of=None)
    ``fit(polls, method).contributions(as_of)``.
house_effects(polls)
    ``fit(polls, "kalman").house_effects()``.
cap_total(lines)
    Per-choice lines (``{choice: trend frame}``) scaled down on any day whose estimates
    add up to more than 100 (:mod:`pollservice.stats.joint`).
outcome_bounds(frame, election_date, office, kind="share", alpha=0.05, leave_out_cycle=None, decided=None)
    Any ``estimate, lower, upper`` frame (a trend, or a margin line) with ``outcome_lower`` /
    ``outcome_upper``: the band widened by the historical systematic polling error of the office
    and days before the election (:mod:`pollservice.stats.outcome`).
margin(polls, method="kalman", dates=None, realtime=False, election_date=None, *, office="president")
    The daily line of the margin ``pct_a - pct_b`` (a lead, or a net value such as approve
    minus disapprove) of a frame with two share columns ``pct_a``, ``pct_b`` in place of
    ``pct``, with its own band from each poll's variance of a difference of two shares of one
    sample, ``(p_a + p_b - (p_a - p_b) ** 2) / n``, for every method; ``fit_margin(polls,
    method)`` fits once and gives ``.trend``, ``.average`` and ``.house_effects``. Bounds lie
    within [-100, 100]; with ``election_date`` also ``outcome_lower`` / ``outcome_upper``
    (:mod:`pollservice.stats.margin`).
population_gaps(versions, target), to_population(polls, gaps, target)
    Polls of other populations moved to a question's target population by the gap measured
    on polls reported for both, with its uncertainty as ``extra_var``
    (:mod:`pollservice.stats.populations`).
simulate_polls(...)
    Polls and the truth behind them, for known-truth tests and benchmarks
    (:mod:`pollservice.stats.simulate`).

The four shortcuts validate and fit anew on every call; to get several results of the same
polls, call :func:`fit` once. Each takes ``params=`` (keyword) as :func:`fit` does.

Methods (the registry :mod:`pollservice.stats.methods` is the one list; :data:`METHODS`
and :data:`DEFAULT_METHOD` come from it): ``"kalman"`` (default; Jackman 2005 state-space
model), ``"weighted"`` (538-style weights), ``"latest"`` (RealClearPolling), ``"lowess"``
(HuffPost Pollster). The input frame contract is described in
:mod:`pollservice.stats.validation`.
"""

from .aggregate import AggregateResults, average, fit, house_effects, poll_contributions, trend
from .joint import cap_total
from .kalman import KalmanParams
from .lowess import LowessParams
from .margin import MarginResults, fit_margin, margin
from .methods import DEFAULT_METHOD, METHODS
from .outcome import OFFICES, outcome_bounds
from .populations import population_gaps, to_population
from .validation import POPULATIONS, UNKNOWN_SAMPLE_SIZE
from .weighted import LatestParams, WeightedParams

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "OFFICES",
    "POPULATIONS",
    "UNKNOWN_SAMPLE_SIZE",
    "AggregateResults",
    "KalmanParams",
    "LatestParams",
    "LowessParams",
    "MarginResults",
    "WeightedParams",
    "average",
    "cap_total",
    "fit",
    "fit_margin",
    "margin",
    "outcome_bounds",
    "population_gaps",
    "house_effects",
    "poll_contributions",
    "to_population",
    "trend",
]
