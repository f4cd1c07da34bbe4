"""Margins and net values (stats.margin): known-truth coverage, the variance of a difference
of two shares of one sample, and invariants (hypothesis)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from pollservice import stats
from pollservice.stats.margin import margin_sampling_variance
from pollservice.stats.simulate import simulate_pair
from tests.stats.helpers import day


def _coverage(line: pd.DataFrame, truth: pd.DataFrame) -> tuple[int, int]:
    merged = line.merge(truth, on="date").dropna(subset=["estimate"])
    inside = (merged["lower"] <= merged["truth"]) & (merged["truth"] <= merged["upper"])
    return int(inside.sum()), len(merged)


def test_margin_variance_is_that_of_a_difference_of_two_shares_of_one_sample():
    # 45 % and 40 % of 1,000: (0.85 - 0.05 ** 2) / 1000 in proportions, times 100 ** 2.
    assert margin_sampling_variance(45.0, 40.0, 1000.0) == pytest.approx(8.475)
    rng = np.random.default_rng(3)
    counts = rng.multinomial(1000, [0.45, 0.40, 0.15], size=200_000)
    simulated = np.var(100.0 * (counts[:, 0] - counts[:, 1]) / 1000.0)
    assert_allclose(simulated, 8.475, rtol=0.01)
    # larger than the sum of the two variances (the covariance is negative) ...
    assert 8.475 > (45 * 55 + 40 * 60) / 1000
    # ... but its sd is smaller than the sum of the two sds (the "sum of two bands")
    assert np.sqrt(8.475) < np.sqrt(45 * 55 / 1000) + np.sqrt(40 * 60 / 1000)


@pytest.mark.slow
def test_kalman_margin_band_covers_the_true_margin_about_95_percent():
    # 20 simulated series of 365 days: 6,699 of 7,253 days covered (92.4 %), as the share
    # tests of test_kalman.py accept (0.88-0.99).
    inside = total = 0
    for seed in range(20):
        polls, truth = simulate_pair(seed=seed)
        hits, days = _coverage(stats.margin(polls, "kalman"), truth)
        inside, total = inside + hits, total + days
    assert 0.88 <= inside / total <= 0.99, (inside, total)


@pytest.mark.parametrize("method", stats.METHODS)
def test_margin_band_is_narrower_than_the_sum_of_the_two_share_bands(method):
    # A fifth of respondents answer neither: the shares' negative covariance is what the
    # margin's own variance knows and adding two bands does not.
    polls, _ = simulate_pair(seed=7, start_a=42.0, start_b=38.0, nonsampling_sd=0.5,
                             house_sd=1.0)
    line = stats.margin(polls, method).dropna()
    bands = [stats.trend(polls.assign(pct=polls[column]), method).dropna()
             for column in ("pct_a", "pct_b")]
    naive = (bands[0]["upper"] - bands[0]["lower"]) + (bands[1]["upper"] - bands[1]["lower"])
    width = (line["upper"] - line["lower"]).to_numpy()
    common = min(len(width), len(naive))
    assert np.median(width[-common:] / naive.to_numpy()[-common:]) < 0.97


def test_margin_estimate_follows_the_difference_of_the_shares():
    polls, truth = simulate_pair(seed=2)
    line = stats.margin(polls, "kalman")
    merged = line.merge(truth, on="date")
    assert (merged["estimate"] - merged["truth"]).abs().mean() < 1.5


def test_margin_with_election_date_has_outcome_bounds_around_the_band():
    polls, _ = simulate_pair(seed=4, n_days=120, n_polls=80)
    election = polls["end_date"].max().date() + dt.timedelta(days=10)
    line = stats.margin(polls, "kalman", election_date=election, office="senate")
    assert {"outcome_lower", "outcome_upper"} <= set(line.columns)
    assert (line["outcome_lower"] <= line["lower"] + 1e-9).all()
    assert (line["outcome_upper"] >= line["upper"] - 1e-9).all()
    assert line["outcome_lower"].min() >= -100 and line["outcome_upper"].max() <= 100


def test_margin_refuses_bad_frames_naming_the_problem():
    polls, _ = simulate_pair(seed=5, n_polls=20)
    with pytest.raises(ValueError, match="pct_b"):
        stats.margin(polls.drop(columns=["pct_b"]))
    with pytest.raises(ValueError, match="pct_a outside 0-100"):
        stats.margin(polls.assign(pct_a=120.0))
    with pytest.raises(ValueError, match="over 100"):
        stats.margin(polls.assign(pct_a=60.0, pct_b=55.0))
    with pytest.raises(ValueError, match="unknown method"):
        stats.margin(polls, "median")


def test_landslide_margins_stay_within_minus_100_and_100():
    rows = [("A", i, i + 1, 300, "lv", 97.0 + (i % 3), 0.0) for i in range(12)]
    polls = _pair_frame(rows)
    for method in stats.METHODS:
        for realtime in (False, True):
            line = stats.margin(polls, method, realtime=realtime).dropna()
            assert line["upper"].max() <= 100.0 and line["lower"].min() >= -100.0


def _pair_frame(rows) -> pd.DataFrame:
    return pd.DataFrame({
        "pollster": [r[0] for r in rows],
        "start_date": [day(r[1]) for r in rows],
        "end_date": [day(r[2]) for r in rows],
        "sample_size": [np.nan if r[3] is None else float(r[3]) for r in rows],
        "population": [r[4] for r in rows],
        "pct_a": [float(r[5]) for r in rows],
        "pct_b": [float(r[6]) for r in rows],
    })


PAIR_POLL = st.tuples(
    st.sampled_from(["A", "B", "C", "D"]),
    st.integers(0, 60),
    st.integers(0, 6),
    st.one_of(st.none(), st.integers(100, 3000)),
    st.sampled_from(stats.POPULATIONS),
    st.floats(0, 100, allow_nan=False),
    st.floats(0, 1, allow_nan=False),  # B's share of what A left
).map(lambda r: (r[0], r[1], r[1] + r[2], r[3], r[4], r[5], r[6] * (100.0 - r[5])))
PAIR_POLLS = st.lists(PAIR_POLL, min_size=1, max_size=20).map(_pair_frame)
SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("method", stats.METHODS)
@SETTINGS
@given(polls=PAIR_POLLS, realtime=st.booleans())
def test_swapping_a_and_b_negates_the_margin_and_swaps_its_bounds(method, polls, realtime):
    line = stats.margin(polls, method, realtime=realtime)
    swapped = stats.margin(polls.assign(pct_a=polls["pct_b"], pct_b=polls["pct_a"]), method,
                           realtime=realtime)
    # Exact for every method: fit_margin orients the pair from the polls, not from the names.
    for column, mirror in (("estimate", "estimate"), ("lower", "upper"), ("upper", "lower")):
        diff = (swapped[column] + line[mirror]).to_numpy()
        assert np.array_equal(np.isnan(diff), np.isnan(line[mirror].to_numpy()))
        assert (np.abs(np.nan_to_num(diff)) <= 1e-6).all(), column


@pytest.mark.parametrize("method", stats.METHODS)
@SETTINGS
@given(polls=PAIR_POLLS, realtime=st.booleans())
def test_margin_bounds_are_ordered_and_within_minus_100_and_100(method, polls, realtime):
    line = stats.margin(polls, method, realtime=realtime).dropna()
    assert (line["lower"] <= line["estimate"] + 1e-9).all()
    assert (line["estimate"] <= line["upper"] + 1e-9).all()
    assert line["lower"].min() >= -100.0 and line["upper"].max() <= 100.0
    average = stats.fit_margin(polls, method).average()
    assert -100.0 <= average["lower"] <= average["estimate"] <= average["upper"] <= 100.0
