"""Why the average moved (``stats.changes``): the parts add up to the change of the real-time
average for every method (exactly, but for lowess's ``other``), each poll's contribution is
its new, fading and house parts, a poll that arrived far from the average pulls it its way,
and an event in simulated data (a jump of the truth) shows up as the new polls' pull."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollservice.stats import METHODS, fit
from pollservice.stats.changes import decompose_change
from pollservice.stats.simulate import simulate_polls


def polls(seed: int = 0, n_polls: int = 160) -> pd.DataFrame:
    frame, _truth = simulate_polls(n_days=200, n_polls=n_polls, pollsters=6, seed=seed)
    return frame.reset_index(drop=True).assign(poll_id=range(1, len(frame) + 1))


@pytest.mark.parametrize("method", METHODS)
def test_the_parts_add_up_to_the_change_of_the_real_time_average(method):
    frame = polls()
    start, end = dt.date(2024, 5, 1), dt.date(2024, 6, 15)
    found = decompose_change(frame, method, start, end)
    known = lambda day: frame[frame["end_date"] <= pd.Timestamp(day)]  # noqa: E731
    assert found["before"] == pytest.approx(fit(known(start), method).average(as_of=start)["estimate"])
    assert found["after"] == pytest.approx(fit(known(end), method).average(as_of=end)["estimate"])
    parts = found["new"] + found["fading"] + found["house"] + found["other"]
    assert parts == pytest.approx(found["change"], abs=1e-9)
    each = found["polls"]["contribution"].sum()
    assert each == pytest.approx(found["new"] + found["fading"] + found["house"])
    if method != "lowess":  # the weighted sum is exact
        assert abs(found["other"]) < 1e-6, found["other"]
    if method != "kalman":
        assert found["house"] == 0.0
    new = found["polls"][found["polls"]["kind"] == "new"]
    assert set(new["poll_id"]) == set(frame[(frame["end_date"] > pd.Timestamp(start))
                                           & (frame["end_date"] <= pd.Timestamp(end))]["poll_id"])


def test_a_jump_of_the_truth_shows_as_the_pull_of_the_new_polls():
    frame = polls(seed=3)
    jump = pd.Timestamp("2024-06-01")
    frame.loc[frame["end_date"] > jump, "pct"] += 6.0  # the event: everyone moves 6 points
    found = decompose_change(frame, "kalman", dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert found["change"] > 2.0 and found["new"] > 0.7 * found["change"]
    assert found["polls"].iloc[0]["kind"] == "new" and found["polls"].iloc[0]["contribution"] > 0


def test_no_poll_before_the_start_and_bad_order():
    frame = polls()
    found = decompose_change(frame, "weighted", dt.date(2023, 1, 1), dt.date(2024, 2, 1))
    assert np.isnan(found["before"]) and np.isnan(found["change"])
    assert (found["polls"]["kind"] == "new").all()
    with pytest.raises(ValueError, match="end must not be before start"):
        decompose_change(frame, "weighted", dt.date(2024, 5, 1), dt.date(2024, 4, 1))


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 10_000), st.integers(20, 150), st.integers(1, 60))
def test_the_parts_always_add_up(seed, start_day, span):
    frame = polls(seed=seed % 50, n_polls=60)
    start = dt.date(2024, 1, 1) + dt.timedelta(days=start_day)
    found = decompose_change(frame, "kalman", start, start + dt.timedelta(days=span))
    if np.isfinite(found["change"]):
        total = found["new"] + found["fading"] + found["house"]
        assert total == pytest.approx(found["change"], abs=1e-6)


def test_the_margins_parts_add_up_and_match_its_fit():
    from pollservice.stats import fit_margin
    from pollservice.stats.changes import decompose_margin_change

    a, _ = simulate_polls(n_days=200, n_polls=120, pollsters=5, seed=7, start_level=48)
    pair = a.reset_index(drop=True).assign(poll_id=range(1, len(a) + 1), pct_a=a["pct"].to_numpy(),
                                           pct_b=(100 - a["pct"] - 6).to_numpy()).drop(columns=["pct"])
    start, end = dt.date(2024, 4, 1), dt.date(2024, 5, 15)
    found = decompose_margin_change(pair, "kalman", start, end)
    total = found["new"] + found["fading"] + found["house"] + found["other"]
    assert total == pytest.approx(found["change"], abs=1e-9) and abs(found["other"]) < 1e-6
    known = lambda day: pair[pair["end_date"] <= pd.Timestamp(day)]  # noqa: E731
    before = fit_margin(known(start), "kalman").average(as_of=start)["estimate"]
    after = fit_margin(known(end), "kalman").average(as_of=end)["estimate"]
    assert found["before"] == pytest.approx(before, abs=1e-6)
    assert found["after"] == pytest.approx(after, abs=1e-6)
