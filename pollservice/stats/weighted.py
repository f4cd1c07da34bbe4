"""Trailing-window poll averages: the latest poll per pollster and a weighted average.

Both are "as of a day" averages: the value on day ``d`` uses only polls that ended on or
before ``d``, so their real-time line and their retrospective line are the same line.

``latest``
    RealClearPolling's average: each pollster's most recent poll (by end date) among polls
    that ended in the last 30 days, unweighted.
``weighted``
    A FiveThirtyEight-style weighted mean: weights for sample size, recency, population
    and the number of polls a pollster has in the window.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from .intervals import DEFAULT_ALPHA, PointEstimate, weighted_mean_band
from .validation import PollTable

__all__ = [
    "LatestParams",
    "WeightedParams",
    "latest_at",
    "latest_trend",
    "weighted_at",
    "weighted_trend",
]


@dataclass(frozen=True)
class LatestParams:
    """Parameters of the ``latest`` method.

    Attributes
    ----------
    window_days : int
        A poll counts on day ``d`` if it ended in the ``window_days`` days up to and
        including ``d`` (``d - window_days < end_date <= d``). Default 30.
    """

    window_days: int = 30


def _default_population_factors() -> dict[str, float]:
    return {"a": 1.0, "v": 1.0, "rv": 1.0, "lv": 1.0}


@dataclass(frozen=True)
class WeightedParams:
    """Parameters of the ``weighted`` method.

    Attributes
    ----------
    half_life_days : float
        Recency weight ``0.5 ** (age / half_life_days)``, age in days from the poll's
        field midpoint to the day of the estimate. Default 14.
    window_days : int
        Polls that ended ``window_days`` or more days before the estimate get no weight
        (their recency weight would be below 0.5 ** (60/14) ~ 5 % anyway). Default 60.
    size_reference, size_cap : float
        Sample-size weight ``min(sqrt(n / size_reference), size_cap)``: diminishing returns
        (sqrt) and capped, so a 20,000-person online panel counts like a 2,400-person
        poll. Defaults 600 and 2.0. Unknown sizes use the 600 stand-in.
    population_factors : mapping
        Multiplier per population. Default 1.0 for every population: one line mixes
        populations only when the caller asks for it, and the service filters by
        population when a question needs one (538 prefers LV > RV > A for horse races
        and the reverse for approval, so no single ordering suits both).
    pollster_damping : float
        Each poll's weight is divided by ``k ** pollster_damping``, where ``k`` is the
        number of that pollster's polls in the window, so a daily tracker counts about as
        much as one recent poll rather than thirty. Default 1.0.
    """

    half_life_days: float = 14.0
    window_days: int = 60
    size_reference: float = 600.0
    size_cap: float = 2.0
    population_factors: Mapping[str, float] = field(default_factory=_default_population_factors)
    pollster_damping: float = 1.0


def _window(table: PollTable, day: int, window_days: int) -> tuple[int, int]:
    """Rows ``lo:hi`` of polls that ended in ``(day - window_days, day]``."""
    hi = int(np.searchsorted(table.end, day, side="right"))
    lo = int(np.searchsorted(table.end, day - window_days, side="right"))
    return lo, hi


def _empty(table: PollTable) -> PointEstimate:
    zeros = np.zeros(table.n_polls)
    return PointEstimate(np.nan, np.nan, np.nan, zeros, zeros.copy(), 0)


def latest_weights(table: PollTable, day: int, params: LatestParams) -> np.ndarray:
    """Weights of the ``latest`` average on ``day`` over all rows of ``table``."""
    weights = np.zeros(table.n_polls)
    lo, hi = _window(table, day, params.window_days)
    if hi <= lo:
        return weights
    pollster = table.pollster[lo:hi]
    end = table.end[lo:hi]
    last_end = np.full(table.n_pollsters, np.iinfo(np.int64).min)
    np.maximum.at(last_end, pollster, end)
    is_latest = end == last_end[pollster]
    # Several polls of one pollster ending on the same latest day share that pollster's
    # place equally, which keeps the result independent of row order.
    ties = np.bincount(pollster[is_latest], minlength=table.n_pollsters)
    n_pollsters = int(np.count_nonzero(ties))
    w = np.where(is_latest, 1.0 / (n_pollsters * np.maximum(ties[pollster], 1)), 0.0)
    weights[lo:hi] = w
    return weights


def weighted_weights(table: PollTable, day: int, params: WeightedParams) -> np.ndarray:
    """Weights of the ``weighted`` average on ``day`` over all rows of ``table``."""
    weights = np.zeros(table.n_polls)
    lo, hi = _window(table, day, params.window_days)
    if hi <= lo:
        return weights
    rows = slice(lo, hi)
    age = np.maximum(day - table.mid[rows], 0.0)
    recency = 0.5 ** (age / params.half_life_days)
    size = np.minimum(np.sqrt(table.n_used[rows] / params.size_reference), params.size_cap)
    factors = params.population_factors
    population = np.array([float(factors.get(p, 1.0)) for p in table.population[rows]])
    counts = np.bincount(table.pollster[rows], minlength=table.n_pollsters)
    damping = counts[table.pollster[rows]].astype(float) ** (-params.pollster_damping)
    w = recency * size * population * damping
    extra = table.extra_var[rows]
    if extra.any():  # a poll with error beyond sampling counts as a smaller one
        sampling = table.sampling_var[rows]
        w = w * sampling / (sampling + extra)
    total = w.sum()
    if total > 0:
        weights[rows] = w / total
    return weights


def _estimate(table: PollTable, weights: np.ndarray, alpha: float) -> PointEstimate:
    used = weights > 0
    if not used.any():
        return _empty(table)
    est, lower, upper = weighted_mean_band(table.pct, weights, table.error_var, alpha)
    return PointEstimate(
        est, lower, upper, weights, np.zeros(table.n_polls), int(np.count_nonzero(used))
    )


def latest_at(table: PollTable, day: int, params: LatestParams | None = None,
              model_fit: None = None, alpha: float = DEFAULT_ALPHA) -> PointEstimate:
    """The ``latest`` average on ``day`` with each poll's weight and a ``1 - alpha`` band.

    ``model_fit`` is part of the method protocol (:mod:`pollservice.stats.methods`); this
    method fits nothing ahead, so it is always None.
    """
    params = params or LatestParams()
    return _estimate(table, latest_weights(table, day, params), alpha)


def weighted_at(table: PollTable, day: int, params: WeightedParams | None = None,
                model_fit: None = None, alpha: float = DEFAULT_ALPHA) -> PointEstimate:
    """The ``weighted`` average on ``day`` with each poll's weight and a ``1 - alpha`` band.

    ``model_fit`` is always None, as for :func:`latest_at`.
    """
    params = params or WeightedParams()
    return _estimate(table, weighted_weights(table, day, params), alpha)


def _trend(table: PollTable, days: np.ndarray, at) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    out = np.full((3, days.size), np.nan)
    for i, day in enumerate(days):
        point = at(table, int(day))
        out[:, i] = point.estimate, point.lower, point.upper
    return out[0], out[1], out[2]


def latest_trend(
    table: PollTable, days: np.ndarray, realtime: bool = False,
    params: LatestParams | None = None, model_fit: None = None, alpha: float = DEFAULT_ALPHA,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``latest`` estimate, lower and upper on each of ``days`` (NaN without polls).

    A trailing average uses only polls ended by each day, so ``realtime`` changes nothing;
    it and ``model_fit`` (always None) are part of the method protocol.
    """
    params = params or LatestParams()
    return _trend(table, days, lambda t, d: latest_at(t, d, params, None, alpha))


def weighted_trend(
    table: PollTable, days: np.ndarray, realtime: bool = False,
    params: WeightedParams | None = None, model_fit: None = None, alpha: float = DEFAULT_ALPHA,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``weighted`` estimate, lower and upper on each of ``days`` (NaN without polls).

    ``realtime`` and ``model_fit`` change nothing, as for :func:`latest_trend`.
    """
    params = params or WeightedParams()
    return _trend(table, days, lambda t, d: weighted_at(t, d, params, None, alpha))
