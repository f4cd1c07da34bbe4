"""Invariants of every method, checked on generated poll frames (hypothesis)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollservice import stats
from tests.stats.helpers import frame

POLL = st.tuples(
    st.sampled_from(["A", "B", "C", "D"]),
    st.integers(0, 60),  # start offset
    st.integers(0, 6),  # field length - 1
    st.one_of(st.none(), st.integers(100, 3000)),
    st.sampled_from(stats.POPULATIONS),
    st.floats(40, 60, allow_nan=False),
)
POLLS = st.lists(POLL, min_size=1, max_size=25).map(
    lambda rows: frame([(p, s, s + f, n, pop, pct) for p, s, f, n, pop, pct in rows])
)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _line(polls, method, realtime):
    return stats.trend(polls, method, realtime=realtime)


@pytest.mark.parametrize("method", stats.METHODS)
@SETTINGS
@given(polls=POLLS, shift=st.floats(-5, 5, allow_nan=False))
def test_adding_a_constant_to_every_poll_moves_the_line_by_that_constant(method, polls, shift):
    realtime = method != "kalman"  # the kalman real-time line is covered by other tests
    base = _line(polls, method, realtime)
    moved = _line(polls.assign(pct=polls["pct"] + shift), method, realtime)
    ok = base["estimate"].notna()
    assert (moved["estimate"].notna() == ok).all()
    half = (base["upper"] - base["lower"])[ok] / 2
    # Estimates of the window methods and lowess do not depend on the level at all. The
    # kalman weights and every band use the sampling variance p(100 - p)/n, which changes
    # with the level: between 35 and 65 % by at most 10 %, so bands move by at most ~5 %
    # of their half-width more or less than the shift.
    exact = method != "kalman"
    for column in ("estimate", "lower", "upper"):
        diff = (moved[column] - base[column])[ok] - shift
        tolerance = 1e-6 if (exact and column == "estimate") else 0.1 * half + 1e-6
        assert (diff.abs() <= tolerance).all(), column


@pytest.mark.parametrize("method", stats.METHODS)
@SETTINGS
@given(polls=POLLS)
def test_contribution_weights_are_non_negative_and_sum_to_one(method, polls):
    contributions = stats.poll_contributions(polls, method=method)
    assert (contributions["weight"] >= 0).all()
    assert contributions["weight"].sum() == pytest.approx(1.0, abs=1e-9)
    assert contributions.index.equals(polls.index)


@pytest.mark.parametrize("method", stats.METHODS)
@SETTINGS
@given(polls=POLLS, seed=st.integers(0, 2**32 - 1), realtime=st.booleans())
def test_permuting_rows_changes_nothing(method, polls, seed, realtime):
    order = np.random.default_rng(seed).permutation(len(polls))
    shuffled = polls.iloc[order]
    pd.testing.assert_frame_equal(_line(polls, method, realtime),
                                  _line(shuffled, method, realtime))
    assert stats.average(polls, method) == stats.average(shuffled, method)
    pd.testing.assert_frame_equal(
        stats.poll_contributions(polls, method),
        stats.poll_contributions(shuffled, method).loc[polls.index],
    )


@pytest.mark.parametrize("method", stats.METHODS)
@SETTINGS
@given(polls=POLLS, realtime=st.booleans())
def test_estimate_lies_between_lower_and_upper(method, polls, realtime):
    line = _line(polls, method, realtime).dropna()
    assert not line.empty
    assert (line["lower"] <= line["estimate"] + 1e-9).all()
    assert (line["estimate"] <= line["upper"] + 1e-9).all()
    result = stats.average(polls, method)
    assert result["lower"] <= result["estimate"] <= result["upper"]


@SETTINGS
@given(polls=POLLS)
def test_house_effects_have_one_row_per_pollster_with_intervals(polls):
    effects = stats.house_effects(polls)
    assert sorted(effects["pollster"]) == sorted(polls["pollster"].unique())
    assert (effects["lower"] <= effects["effect"] + 1e-9).all()
    assert (effects["effect"] <= effects["upper"] + 1e-9).all()
    assert effects["n_polls"].sum() == len(polls)
