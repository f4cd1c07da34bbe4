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


def test_flag_columns_are_optional_booleans_defaulting_to_false():
    polls, _ = simulate_polls(n_polls=40, seed=2)
    table = stats.fit(polls, "latest").table
    assert not table.flagged.any()
    flagged = polls.assign(partisan=[True, None] + [0] * 38, internal=np.r_[1, np.zeros(39)])
    table = stats.fit(flagged, "latest").table
    assert table.partisan.sum() == 1 and table.internal.sum() == 1
    with pytest.raises(ValueError, match="'internal' must hold booleans"):
        stats.fit(polls.assign(internal="yes"), "latest")


def test_partisan_polls_do_not_weigh_in_the_centre_of_house_effects():
    polls, _ = simulate_polls(seed=4, **PARTISAN)
    effects = stats.fit(polls).house_effects().set_index("pollster")
    assert effects.loc["Partisan", "effect"] == pytest.approx(5.0, abs=1.0)
    others = effects.drop("Partisan")
    weights = stats.kalman.centring_weights(others["n_polls"].to_numpy(), 5.0)
    assert float(weights @ others["effect"].to_numpy()) == pytest.approx(0.0, abs=1e-9)
    # Marked internal instead of partisan: the same centre.
    internal = polls.assign(internal=polls["partisan"], partisan=False)
    same = stats.fit(internal).house_effects().set_index("pollster")
    np.testing.assert_allclose(same["effect"], effects["effect"], atol=1e-9)


def test_only_partisan_polls_are_shrunk_by_the_prior_without_a_centre():
    polls, _ = simulate_polls(n_polls=60, pollsters=3, seed=5)
    line = stats.fit(polls.assign(partisan=True)).trend(realtime=True)
    assert line["estimate"].notna().any()
    effects = stats.fit(polls.assign(partisan=True)).house_effects()
    assert np.isfinite(effects["effect"]).all()


def test_exclude_partisan_fits_as_if_the_partisan_polls_were_not_there():
    polls, truth = simulate_polls(n_polls=120, seed=6, **PARTISAN)
    params = stats.KalmanParams(exclude_partisan=True)
    results = stats.fit(polls, "kalman", params)
    without = stats.fit(polls[~polls["partisan"]], "kalman")
    for realtime in (False, True):
        np.testing.assert_allclose(results.trend(truth["date"], realtime=realtime)
                                   .drop(columns="date").to_numpy(),
                                   without.trend(truth["date"], realtime=realtime)
                                   .drop(columns="date").to_numpy(), atol=1e-9)
    contributions = results.contributions()
    assert (contributions.loc[polls["partisan"].to_numpy(), "weight"] == 0).all()
    assert "Partisan" not in set(results.house_effects()["pollster"])
    with pytest.raises(ValueError, match="every poll is partisan"):
        stats.fit(polls.assign(partisan=True), "kalman", params)
