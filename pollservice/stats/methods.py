"""The aggregation methods of ``pollservice.stats``: one table, from which everything else
about them is derived (:data:`METHODS`, :data:`DEFAULT_METHOD`, the method and parameter
checks of :func:`pollservice.stats.fit`).

Each entry names a method's parameters class and the functions of its module, which follow
one protocol (``table`` is a validated :class:`~pollservice.stats.validation.PollTable`,
``days`` integer days, ``alpha`` the complement of the confidence level):

``fit(table, params) -> model_fit``
    Optional: what the method fits to all polls ahead, for the other functions to share
    (the ``kalman`` :class:`~pollservice.stats.kalman.KalmanFit`). Without it ``model_fit``
    is None.
``trend(table, days, realtime, params, model_fit, alpha) -> (estimate, lower, upper)``
    The line on ``days``; ``model_fit`` is the fit of ``table`` or None.
``point(table, day, params, model_fit, alpha) -> PointEstimate``
    The estimate on ``day`` from ``table``, whose polls all ended by ``day``;
    ``model_fit`` is the fit of exactly this ``table``, or None when the caller has none
    (the polls known on ``day`` are fewer than the fitted ones), so the method fits them.
``house_effects(table, params, model_fit, alpha) -> DataFrame``
    Optional: pollster house effects, for a method that estimates them.

A fifth method is one more :class:`Method` in :data:`REGISTRY` and its module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import kalman, lowess, weighted

__all__ = ["DEFAULT_METHOD", "METHODS", "REGISTRY", "Method", "check_params", "get_method"]


@dataclass(frozen=True)
class Method:
    """One aggregation method: its name, parameters class and module functions.

    Attributes
    ----------
    name : str
        The ``method=`` string.
    params_type : type
        Frozen dataclass of its tuning parameters; ``params_type()`` gives the defaults.
    trend, point : callable
        Line on many days and estimate on one day (see the module docstring).
    description : str
        One line for documentation and listings.
    fit, house_effects : callable or None
        Fit shared by the other functions, and house effects; None if the method has none.
    """

    name: str
    params_type: type
    trend: Callable[..., Any]
    point: Callable[..., Any]
    description: str
    fit: Callable[..., Any] | None = None
    house_effects: Callable[..., Any] | None = None


#: Every method, the default first.
REGISTRY: dict[str, Method] = {
    method.name: method
    for method in (
        Method("kalman", kalman.KalmanParams, kalman.kalman_trend, kalman.kalman_at,
               "Jackman (2005) state-space model with house effects (Kalman filter/smoother)",
               fit=kalman.fit_kalman, house_effects=kalman.kalman_house_effects),
        Method("weighted", weighted.WeightedParams, weighted.weighted_trend,
               weighted.weighted_at,
               "FiveThirtyEight-style weighted mean (sample size, recency, pollster damping)"),
        Method("latest", weighted.LatestParams, weighted.latest_trend, weighted.latest_at,
               "RealClearPolling: unweighted mean of each pollster's latest poll in 30 days"),
        Method("lowess", lowess.LowessParams, lowess.lowess_trend, lowess.lowess_at,
               "HuffPost Pollster: robust local regression (lowess) through the polls"),
    )
}

METHODS: tuple[str, ...] = tuple(REGISTRY)
DEFAULT_METHOD: str = METHODS[0]


def get_method(name: str) -> Method:
    """The registry entry of ``name``, or ``ValueError`` naming the known methods."""
    method = REGISTRY.get(name) if isinstance(name, str) else None
    if method is None:
        raise ValueError(f"unknown method {name!r}; expected one of {', '.join(METHODS)}")
    return method


def check_params(method: Method, params):
    """``params`` if it is an instance of the method's parameters class (None: defaults)."""
    expected = method.params_type
    if params is None:
        return expected()
    if not isinstance(params, expected):
        raise ValueError(
            f"params for method {method.name!r} must be a {expected.__name__}, "
            f"not {type(params).__name__}"
        )
    return params
