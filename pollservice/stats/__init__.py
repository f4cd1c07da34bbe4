"""Pure poll-aggregation statistics for pollservice (numpy, pandas, scipy, statsmodels only).

Public API
----------
trend(polls, method="kalman", dates=None, realtime=False)
    Daily line with a 95 % band.
average(polls, method="kalman", as_of=None)
    One day's average from the polls known that day.
poll_contributions(polls, method="kalman", as_of=None)
    Each poll's weight and house adjustment in that average.
house_effects(polls)
    Pollster house effects from the state-space model.
simulate_polls(...)
    Polls and the truth behind them, for known-truth tests and benchmarks.

Methods: ``"kalman"`` (default; Jackman 2005 state-space model), ``"weighted"``
(538-style weights), ``"latest"`` (RealClearPolling), ``"lowess"`` (HuffPost Pollster).
The input frame contract is described in :mod:`pollservice.stats.validation`.
"""

from .aggregate import average, house_effects, poll_contributions, trend
from .kalman import KalmanParams
from .lowess import LowessParams
from .validation import DEFAULT_METHOD, METHODS, POPULATIONS, UNKNOWN_SAMPLE_SIZE
from .weighted import LatestParams, WeightedParams

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "POPULATIONS",
    "UNKNOWN_SAMPLE_SIZE",
    "KalmanParams",
    "LatestParams",
    "LowessParams",
    "WeightedParams",
    "average",
    "house_effects",
    "poll_contributions",
    "trend",
]
