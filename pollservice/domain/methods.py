"""The aggregation methods as the web layers know them: names, the default, labels, and
the tuning values the methodology page states. The web process reads these without
importing the statistics (``pollservice.stats``, with scipy and statsmodels, is loaded by
the workers that compute); ``tests/stats/test_method_catalogue.py`` checks that they are
the statistics' own registry and parameter defaults."""

from __future__ import annotations

from typing import Any

#: Every method, the default first (``pollservice.stats.methods.METHODS``).
METHODS: tuple[str, ...] = ("kalman", "weighted", "latest", "lowess")
DEFAULT_METHOD: str = METHODS[0]

#: The method line of charts and pages.
METHOD_LABELS = {
    "kalman": "Trend: state-space (Kalman) smoother with house effects",
    "weighted": "Trend: weighted average (sample size, recency, population)",
    "latest": "Trend: mean of each pollster's latest poll in 30 days",
    "lowess": "Trend: LOWESS smoother",
}

#: The default parameters the methodology page states, per method (each equals the
#: same field of the method's parameters class, ``KalmanParams()`` etc.).
METHOD_PARAMS: dict[str, dict[str, Any]] = {
    "kalman": {"walk_sd_start": 0.2, "walk_sd_bounds": (0.1, 2.0), "nonsampling_sd_start": 1.5,
               "nonsampling_sd_bounds": (0.0, 8.0), "house_sd_bounds": (0.5, 6.0),
               "min_polls_for_mle": 30, "realtime_refit_growth": 1.25, "centre_half_count": 5.0,
               "outlier_cutoff": 2.5},
    "weighted": {"half_life_days": 14.0, "window_days": 60, "size_reference": 600.0, "size_cap": 2.0,
                 "population_factors": {"a": 1.0, "v": 1.0, "rv": 1.0, "lv": 1.0},
                 "pollster_damping": 1.0},
    "latest": {"window_days": 30},
    "lowess": {"window_days": 60.0, "max_frac": 0.7, "min_neighbours": 10, "iterations": 3,
               "line_below": 8, "mean_below": 5, "n_boot": 50},
}

#: The sample size assumed for a poll that reports none (``stats.UNKNOWN_SAMPLE_SIZE``).
UNKNOWN_SAMPLE_SIZE = 600.0
