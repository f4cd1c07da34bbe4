"""Outlying polls (issue 12, item 4): a poll far from the polls of earlier days counts for less,
judged only by earlier polls. Known truth: simulated series with one poll in thirty 10-15
points off, and with a real 6-point shift."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pollservice import stats
from pollservice.stats.outliers import outlier_variance
from pollservice.stats.simulate import Events, simulate_polls
from pollservice.stats.validation import validate_polls

PLAIN = stats.KalmanParams(outlier_cutoff=None)


def rmse(polls, truth, params, realtime=False) -> float:
    line = stats.fit(polls, "kalman", params).trend(truth["date"], realtime=realtime)
    error = (line["estimate"] - truth["truth"]).dropna()
    return float(np.sqrt(np.mean(error**2)))


@pytest.mark.parametrize("realtime", [False, True])
def test_outliers_cost_little_more_than_a_clean_series(realtime):
    clean, robust, plain = [], [], []
    for seed in range(5):
        polls, truth = simulate_polls(seed=seed)
        dirty, _ = simulate_polls(seed=seed, events=Events(outlier_share=1 / 30))
        clean.append(rmse(polls, truth, PLAIN, realtime))
        robust.append(rmse(dirty, truth, stats.KalmanParams(), realtime))
        plain.append(rmse(dirty, truth, PLAIN, realtime))
    assert np.mean(plain) / np.mean(clean) > 1.15  # each outlier pulls with its full weight
    assert np.mean(robust) / np.mean(clean) < 1.10


def test_an_outlier_gets_extra_variance_and_polls_in_line_almost_never_do():
    caught, false = [], []
    for seed in range(4):
        polls, _ = simulate_polls(seed=seed, events=Events(outlier_share=1 / 30))
        table = validate_polls(polls)
        widened = outlier_variance(table) > 0
        outlier = polls["outlier"].to_numpy()[table.position]
        late = table.end >= table.end[0] + 30  # once there are earlier polls to judge by
        caught.extend(widened[outlier & late])
        false.extend(widened[~outlier & late])
    assert np.mean(caught) >= 0.85 and np.mean(false) < 0.05


def test_a_polls_weight_is_set_by_the_polls_of_earlier_days_only():
    polls, _ = simulate_polls(seed=2, events=Events(outlier_share=1 / 30))
    table = validate_polls(polls)
    day = int(np.median(table.end))
    known = table.ended_by(day)
    np.testing.assert_array_equal(outlier_variance(known), outlier_variance(table)[: known.n_polls])


def test_a_real_shift_is_followed_as_fast_as_without_outlier_weights():
    def lag(params) -> float:
        days = []
        for seed in range(5):
            polls, truth = simulate_polls(seed=seed, events=Events(jump=6.0, jump_day=180))
            line = stats.fit(polls, "kalman", params).trend(truth["date"], realtime=True)
            error = (line["estimate"] - truth["truth"]).to_numpy()[180:]
            days.append(int(np.flatnonzero(error >= -0.6)[0]))
        return float(np.mean(days))

    assert lag(stats.KalmanParams()) <= 1.2 * lag(PLAIN) + 1


def test_an_outliers_pull_falls_faster_than_its_distance_grows():
    """Beyond the cutoff a poll's weight falls as (cutoff / |z|) ** POWER (3): its pull,
    weight times distance, as 1 / z ** 2, so a poll twice as far off pulls about a quarter
    as hard (a weight falling as 1 / z ** 2 would halve it)."""
    polls, _ = simulate_polls(seed=3)
    table = validate_polls(polls)
    i = int(np.searchsorted(table.end, table.end[0] + 200))  # a poll with many earlier ones
    pulls = {}
    for shift in (10.0, 20.0):
        pct = table.pct.copy()
        pct[i] += shift
        moved = replace(table, pct=pct)
        total = moved.error_var[i] + outlier_variance(moved)[i]
        pulls[shift] = shift / total
    assert pulls[20.0] / pulls[10.0] < 0.5 ** 1.5  # faster than 1 / z
    assert pulls[20.0] / pulls[10.0] > 0.5 ** 3  # the poll still counts
