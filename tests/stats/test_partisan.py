"""Partisan and internal polls (issue 12, item 5): they never define the centre of the
house effects, and ``KalmanParams(exclude_partisan=True)`` leaves them out."""

from __future__ import annotations

import numpy as np
import pytest

from pollservice import stats
from pollservice.stats.simulate import simulate_polls

#: A +5 partisan pollster publishing 40 % of the polls (the issue's target case).
PARTISAN = {"partisan_share": 0.4, "partisan_effect": 5.0}


def partisan_scores(seeds, realtime: bool = False, params=None):
    """Mean error (line minus truth) over all days and series, and 95 % band coverage."""
    errors, covered = [], []
    for seed in seeds:
        polls, truth = simulate_polls(seed=seed, **PARTISAN)
        line = stats.fit(polls, "kalman", params).trend(truth["date"], realtime=realtime)
        t = truth["truth"].to_numpy()
        ok = line["estimate"].notna().to_numpy()
        errors.append(line["estimate"].to_numpy()[ok] - t[ok])
        covered.append(((line["lower"].to_numpy() <= t) & (t <= line["upper"].to_numpy()))[ok])
    return float(np.mean(np.concatenate(errors))), float(np.mean(np.concatenate(covered)))


def test_simulated_partisan_pollster_leans_five_points_from_the_others_centre():
    polls, _ = simulate_polls(seed=1, **PARTISAN)
    flagged = polls["partisan"].to_numpy()
    assert 0.3 < flagged.mean() < 0.5
    assert (polls.loc[flagged, "pollster"] == "Partisan").all()
    assert np.allclose(polls.loc[flagged, "house_effect"], 5.0)


def test_partisan_pollster_does_not_bias_the_line_on_a_few_series():
    bias, _ = partisan_scores(range(6))
    assert abs(bias) < 0.15


@pytest.mark.slow
def test_partisan_pollster_biases_the_line_by_less_than_015_and_band_covers_92_percent():
    # 40 series of 365 days, 300 polls (40 % partisan at +5), 8 other pollsters.
    bias, coverage = partisan_scores(range(40))
    assert abs(bias) < 0.15
    assert coverage >= 0.92
