"""Hand-computed values of the ``latest`` and ``weighted`` averages.

Every expected number below is written out as the arithmetic of the method's documented
definition, so the test reads as the hand calculation. Tolerance: 1e-9 (exact arithmetic).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats as sps

from pollservice import stats
from pollservice.stats.intervals import NONSAMPLING_PRIOR_DF, NONSAMPLING_PRIOR_SD
from tests.stats.helpers import day, frame

Z = sps.norm.ppf(0.975)


def _half_width(values, weights, v):
    """95 % half-width of weighted_mean_band, written out: sampling variance plus the
    polls' excess spread, shrunk towards the prior, with a t multiplier."""
    mean = weights @ values
    n_eff = 1 / np.sum(weights**2)
    df = n_eff - 1
    excess = max(np.sum(weights * (values - mean) ** 2) * n_eff / df - weights @ v, 0.0)
    spread = (df * excess + NONSAMPLING_PRIOR_DF * NONSAMPLING_PRIOR_SD**2) / (
        df + NONSAMPLING_PRIOR_DF)
    variance = np.sum(weights**2 * v) + spread / n_eff
    return sps.t.ppf(0.975, df + NONSAMPLING_PRIOR_DF) * np.sqrt(variance)


def test_latest_averages_each_pollsters_latest_poll_in_the_last_30_days():
    polls = frame(
        [
            ("A", 8, 9, 1000, "rv", 40),  # superseded by A's later poll
            ("A", 18, 19, 1000, "rv", 44),
            ("B", 13, 14, 500, "lv", 50),
            ("C", -40, -39, 800, "a", 30),  # ended more than 30 days before day 24
        ]
    )
    result = stats.average(polls, method="latest", as_of=day(24))
    mean = (44 + 50) / 2
    # Sampling variances at the line's level: the mean of the polls that ended before
    # (A's 44: C, A, B = 40; B's 50: C, A = 35).
    v = np.array([40 * 60 / 1000, 35 * 65 / 500])
    half = _half_width(np.array([44.0, 50.0]), np.array([0.5, 0.5]), v)
    assert_allclose(result["estimate"], mean, atol=1e-9)
    assert_allclose([result["lower"], result["upper"]], [mean - half, mean + half], atol=1e-9)
    assert result["n_polls"] == 2


def test_latest_splits_a_pollsters_place_between_polls_ending_the_same_day():
    polls = frame([("A", 1, 5, 800, "rv", 44), ("A", 2, 5, 800, "rv", 46),
                   ("B", 3, 4, 800, "rv", 50)])
    contributions = stats.poll_contributions(polls, method="latest", as_of=day(5))
    assert_allclose(contributions["weight"], [0.25, 0.25, 0.5], atol=1e-12)
    result = stats.average(polls, method="latest", as_of=day(5))
    assert_allclose(result["estimate"], 0.25 * 44 + 0.25 * 46 + 0.5 * 50, atol=1e-9)


def test_latest_single_poll_gets_its_sampling_and_prior_interval_with_stand_in_size():
    polls = frame([("A", 0, 2, None, "a", 40)])
    result = stats.average(polls, method="latest")
    half = sps.t.ppf(0.975, NONSAMPLING_PRIOR_DF) * np.sqrt(
        40 * 60 / stats.UNKNOWN_SAMPLE_SIZE + NONSAMPLING_PRIOR_SD**2)
    assert_allclose([result["estimate"], result["lower"], result["upper"]],
                    [40, 40 - half, 40 + half], atol=1e-9)


def test_weighted_combines_size_recency_and_pollster_damping():
    as_of = 30
    polls = frame(
        [
            ("A", as_of - 15, as_of - 13, 600, "a", 40),  # midpoint 14 days old
            ("B", as_of, as_of, 2400, "rv", 50),  # today, sqrt(4) = 2 = the cap
            ("B", as_of - 7, as_of - 7, None, "lv", 46),  # 7 days old, stand-in 600
            ("C", as_of - 70, as_of - 61, 1000, "v", 60),  # ended 61 days ago: outside
        ]
    )
    w_a = 0.5 * 1.0
    w_b1 = 1.0 * 2.0 / 2  # B has two polls in the window
    w_b2 = 0.5 ** 0.5 * 1.0 / 2
    total = w_a + w_b1 + w_b2
    weights = np.array([w_a, w_b1, w_b2]) / total
    values = np.array([40.0, 50.0, 46.0])
    mean = weights @ values

    contributions = stats.poll_contributions(polls, method="weighted", as_of=day(as_of))
    assert_allclose(contributions["weight"], [*weights, 0.0], atol=1e-12)

    # Sampling variances at the line's level, the mean of the polls that ended before
    # each one (A: C's 60; B today: 60, 40, 46; B a week ago: 60, 40).
    v = np.array([60 * 40 / 600, (146 / 3) * (154 / 3) / 2400, 50 * 50 / 600])
    half = _half_width(values, weights, v)
    result = stats.average(polls, method="weighted", as_of=day(as_of))
    assert_allclose(result["estimate"], mean, atol=1e-9)
    assert_allclose([result["lower"], result["upper"]], [mean - half, mean + half], atol=1e-9)
    assert result["n_polls"] == 3


def test_weighted_caps_the_size_weight_of_huge_samples():
    polls = frame([("A", 0, 0, 20000, "a", 40), ("B", 0, 0, 2400, "a", 50)])
    contributions = stats.poll_contributions(polls, method="weighted")
    assert_allclose(contributions["weight"], [0.5, 0.5], atol=1e-12)


def test_weighted_population_factors_and_half_life_are_tunable():
    polls = frame([("A", 0, 0, 600, "a", 40), ("B", 0, 0, 600, "lv", 50)])
    params = stats.WeightedParams(population_factors={"a": 1.0, "lv": 3.0, "rv": 1.0,
                                                      "v": 1.0})
    result = stats.average(polls, method="weighted", params=params)
    assert_allclose(result["estimate"], (40 + 3 * 50) / 4, atol=1e-9)


def test_window_methods_give_the_same_line_in_real_time_and_retrospectively():
    polls = frame([("A", 0, 2, 600, "a", 40), ("B", 5, 9, 900, "rv", 44),
                   ("A", 10, 12, 700, "a", 43)])
    for method in ("latest", "weighted"):
        assert stats.trend(polls, method).equals(stats.trend(polls, method, realtime=True))


def test_window_methods_say_nothing_before_the_first_poll_ended():
    polls = frame([("A", 0, 4, 600, "a", 40)])
    for method in ("latest", "weighted"):
        line = stats.trend(polls, method, dates=[day(-3), day(3), day(4)])
        assert line["estimate"].isna().tolist() == [True, True, False]


def test_latest_forgets_polls_after_its_window():
    polls = frame([("A", 0, 0, 600, "a", 40)])
    line = stats.trend(polls, "latest", dates=[day(29), day(30)])
    assert line["estimate"].isna().tolist() == [False, True]


@pytest.mark.parametrize("method", ["latest", "weighted"])
def test_contributions_keep_the_callers_index_and_order(method):
    polls = frame([("A", 0, 2, 600, "a", 40), ("B", 5, 9, 900, "rv", 44)], index=[7, 3])
    contributions = stats.poll_contributions(polls, method=method)
    assert list(contributions.index) == [7, 3]
    assert list(contributions.columns) == ["weight", "house_adjustment"]
    assert (contributions["house_adjustment"] == 0.0).all()
