"""Pollster ratings against known truth: simulated pollsters with known biases and noise
over simulated races (each race with its own shared surprise); the ratings recover each
pollster's bias within its interval about as often as the interval promises, flag the
clearly worse and better ones, and call the rest indistinguishable. Invariants by
hypothesis: ``relative`` never depends on a pollster's own other polls of the race."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollservice.stats.ratings import poll_errors
from pollservice.stats.ratings import pollster_ratings as rate_with_any_rule


def pollster_ratings(errors, **rule):
    """The service's rule (10 polls in 5 races) unless the test gives its own."""
    return rate_with_any_rule(errors, **{"min_polls": 10, "min_races": 5, **rule})


def simulate(seed: int = 0, pollsters: int = 40, races: int = 120) -> tuple[pd.DataFrame, dict, dict]:
    """Races with D-R actual margins and a shared surprise (sd 3); each pollster polls a
    random third of the races twice or thrice, with its own bias (D+ positive) and noise."""
    rng = np.random.default_rng(seed)
    bias = {f"P{i:02d}": rng.normal(0, 2.0) for i in range(pollsters)}
    noise = {name: rng.uniform(2.0, 6.0) for name in bias}
    rows, poll_id = [], 0
    for race in range(races):
        actual = rng.normal(0, 12)
        surprise = rng.normal(0, 3.0)
        dem_first = bool(rng.random() < 0.5)
        sign = 1.0 if dem_first else -1.0
        for name in bias:
            if rng.random() > 1 / 3:
                continue
            for _ in range(rng.integers(2, 4)):
                poll_id += 1
                dem_margin = actual + surprise + bias[name] + rng.normal(0, noise[name])
                rows.append({"poll_id": poll_id, "pollster": name, "race_id": race,
                             "cycle": 2000 + 2 * (race % 10), "poll_margin": sign * dem_margin,
                             "actual_margin": sign * actual, "dem_first": dem_first})
    return pd.DataFrame(rows), bias, noise


def test_ratings_recover_the_known_biases_within_their_intervals():
    covered = total = 0
    for seed in range(5):
        polls, bias, _ = simulate(seed)
        ratings = pollster_ratings(poll_errors(polls)).set_index("pollster")
        for name, row in ratings.iterrows():
            # the truth a pollster's polls can reveal: its bias plus the mean surprise of its
            # races is not knowable apart; the surprise averages out over ~40 races
            total += 1
            covered += row["dem_error_lower"] <= bias[name] <= row["dem_error_upper"]
    assert total >= 150
    assert 0.85 <= covered / total <= 1.0, covered / total


def test_a_noisy_pollster_is_worse_and_a_precise_one_better_than_the_field():
    polls, _, noise = simulate(1)
    ratings = pollster_ratings(poll_errors(polls)).set_index("pollster")
    noisiest, steadiest = max(noise, key=noise.get), min(noise, key=noise.get)
    assert ratings.loc[noisiest, "relative"] > 0 and ratings.loc[steadiest, "relative"] < 0
    assert ratings.loc[noisiest, "verdict"] == "worse"
    # best first; every verdict agrees with its interval
    assert ratings["relative"].is_monotonic_increasing
    for _, row in ratings.iterrows():
        expected = ("better" if row["relative_upper"] < 0 else "worse" if row["relative_lower"] > 0
                    else "indistinguishable")
        assert row["verdict"] == expected


def test_thresholds_and_non_partisan_pairs():
    polls, _, _ = simulate(2, pollsters=6, races=30)
    errors = poll_errors(polls)
    strict = pollster_ratings(errors, min_polls=1000)
    assert strict.empty and list(strict.columns)[:3] == ["pollster", "polls", "races"]
    # a pair that is not a Democrat and a Republican: counted in the error, not the bias
    other = poll_errors(polls.assign(dem_first=None))
    assert other["dem_error"].isna().all()
    rated = pollster_ratings(other, min_polls=1, min_races=1)
    assert rated["dem_error"].isna().all() and (rated["bias_races"] == 0).all()
    assert rated["abs_error"].notna().all()
    with pytest.raises(ValueError, match="lack the columns"):
        poll_errors(polls.drop(columns=["actual_margin"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), st.floats(-30, 30), st.floats(-30, 30)),
                min_size=2, max_size=40))
def test_relative_error_compares_a_poll_only_with_other_pollsters_of_its_race(rows):
    polls = pd.DataFrame([{"poll_id": i, "pollster": f"P{p}", "race_id": r, "cycle": 2020,
                           "poll_margin": m, "actual_margin": a, "dem_first": True}
                          for i, (p, r, m, a) in enumerate(rows)])
    errors = poll_errors(polls)
    for _, poll in errors.iterrows():
        others = errors[(errors["race_id"] == poll["race_id"]) & (errors["pollster"] != poll["pollster"])]
        if others.empty:
            assert np.isnan(poll["relative"])
        else:
            assert poll["relative"] == pytest.approx(poll["abs_error"] - others["abs_error"].mean(), abs=1e-9)
