"""Election-day intervals (pollservice.stats.outcome): invariants and known truth."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from pollservice.domain.margins import names_a_choice
from pollservice.jobs.compute import compute_payloads, race_election
from pollservice.jobs.margins import decided_by_date
from pollservice.models import Race
from pollservice.readmodel.series import trend_frame
from pollservice.services.averages import trend_as_records
from pollservice.stats.outcome import (
    OFFICES,
    allocation,
    outcome_bounds,
    systematic_multiplier,
    systematic_sd,
)
from pollservice.stats.outcome_table import TABLE
from pollservice.stats.simulate import simulate_polls

ELECTION = dt.date(2020, 11, 3)


def _frame(est, half, days):
    dates = [pd.Timestamp(ELECTION) - pd.Timedelta(days=int(d)) for d in days]
    return pd.DataFrame({"date": dates, "estimate": est, "lower": np.asarray(est) - half,
                         "upper": np.asarray(est) + half})


@settings(max_examples=60, deadline=None)
@given(est=st.floats(0, 100), half=st.floats(0, 20), office=st.sampled_from(OFFICES),
       days=st.lists(st.integers(0, 400), min_size=1, max_size=20),
       kind=st.sampled_from(["share", "margin"]))
def test_bounds_within_range_and_wider_than_band(est, half, office, days, kind):
    if kind == "margin":
        est = est * 2 - 100
    lo, hi = (0, 100) if kind == "share" else (-100, 100)
    lower, upper = max(est - half, lo), min(est + half, hi)
    frame = _frame([est] * len(days), half, days).assign(lower=lower, upper=upper)
    out = outcome_bounds(frame, ELECTION, office, kind)
    assert (out["outcome_lower"] >= lo).all() and (out["outcome_upper"] <= hi).all()
    assert (out["outcome_lower"] <= lower + 1e-9).all()
    assert (out["outcome_upper"] >= upper - 1e-9).all()


@settings(max_examples=40, deadline=None)
@given(office=st.sampled_from(OFFICES), kind=st.sampled_from(["share", "margin"]),
       cycle=st.sampled_from([None, 2016, 2020, 1998]))
def test_systematic_error_monotone_in_days_out(office, kind, cycle):
    sd = systematic_sd(office, np.arange(0, 120), kind, cycle)
    assert (sd > 0).all() and (np.diff(sd) >= 0).all()


def test_after_election_no_interval_and_bad_input():
    out = outcome_bounds(_frame([50.0, 50.0], 2.0, [3, -2]), ELECTION, "senate")
    assert np.isfinite(out["outcome_lower"].iloc[0]) and np.isnan(out["outcome_lower"].iloc[1])
    with pytest.raises(ValueError, match="office"):
        outcome_bounds(_frame([50.0], 2.0, [3]), ELECTION, "mayor")
    with pytest.raises(ValueError, match="kind"):
        outcome_bounds(_frame([50.0], 2.0, [3]), ELECTION, "senate", kind="ratio")


def test_simulated_cycles_covered_at_nominal_rate():
    """Simulated cycles whose races share a common error and have their own, of the sizes the
    table gives for a presidential race 5 days out (a quarter of the variance common): the 95 %
    interval built from an exact band covers the result in 95-97.5 % of races (at least the
    nominal rate: the common part's Student quantile widens it for the table's uncertainty
    about that variance, which this simulation, knowing it, does not have)."""
    rng = np.random.default_rng(12)
    sd_sys = float(systematic_sd("president", [5], "margin")[0])
    cycles, races, band_sd = 400, 50, 1.5
    common = rng.normal(0, sd_sys * 0.5, size=(cycles, 1))
    own = rng.normal(0, sd_sys * np.sqrt(0.75), size=(cycles, races))
    sampling = rng.normal(0, band_sd, size=(cycles, races))
    actual = rng.normal(0, 10, size=(cycles, races))
    est = actual + common + own + sampling
    half = 1.959964 * band_sd
    frame = _frame(est.ravel(), half, [5] * est.size)
    out = outcome_bounds(frame, ELECTION, "president", "margin")
    inside = (out["outcome_lower"] <= actual.ravel()) & (actual.ravel() <= out["outcome_upper"])
    assert 0.95 <= inside.mean() <= 0.975, inside.mean()
    plain = (frame["lower"] <= actual.ravel()) & (actual.ravel() <= frame["upper"])
    assert plain.mean() < 0.6


def test_compute_payload_carries_election_day_interval_up_to_the_election():
    polls, _truth = simulate_polls(n_days=60, n_polls=40, seed=3, start_date="2020-09-10")
    if "poll_id" not in polls.columns:
        polls = polls.assign(poll_id=range(1, len(polls) + 1))
    race = Race(office="president", stage="general", election_date=dt.date(2020, 10, 20))
    election = race_election(race)
    assert election == (dt.date(2020, 10, 20), "president")
    trend = compute_payloads(polls, "weighted", (False,), election)[False]["trend"]
    assert sum(v is not None for v in trend["outcome_lower"]) > 20
    days = [dt.date.fromisoformat(d) for d in trend["date"]]
    for day, lo, ol, up, ou in zip(days, trend["lower"], trend["outcome_lower"],
                                   trend["upper"], trend["outcome_upper"], strict=True):
        if day <= election[0] and lo is not None:  # (no line before the first poll)
            assert ol is not None and 0 <= ol <= lo and up <= ou <= 100
        else:
            assert ol is None and ou is None
    plain = compute_payloads(polls, "weighted", (False,))[False]["trend"]
    assert "outcome_lower" not in plain
    assert race_election(Race(office="mayor", stage="general",
                              election_date=dt.date(2020, 11, 3))) is None
    assert race_election(Race(office="senate", stage="primary",
                              election_date=dt.date(2020, 3, 3)))[1] == "primary"


def test_stored_payload_outcome_bounds_reach_trend_records():
    polls, _truth = simulate_polls(n_days=40, n_polls=30, seed=5, start_date="2020-09-20")
    if "poll_id" not in polls.columns:
        polls = polls.assign(poll_id=range(1, len(polls) + 1))
    payload = compute_payloads(polls, "weighted", (True,), (dt.date(2020, 10, 20), "senate"))[True]
    records = trend_as_records(trend_frame(payload))
    shown = [r for r in records if r["outcome_lower"] is not None]
    assert shown and all(r["outcome_lower"] <= r["lower"] and r["upper"] <= r["outcome_upper"]
                         for r in shown)
    assert all(r["outcome_lower"] is None for r in records if r["date"] > dt.date(2020, 10, 20))
    plain = trend_as_records(trend_frame(compute_payloads(polls, "weighted", (True,))[True]))
    assert "outcome_lower" not in plain[0]


def test_undecided_allocated_in_proportion_before_the_systematic_error():
    """With 80 % decided, a 10-point margin and its band are scaled by 100 / 80 (12.5
    points, band half 2.5) before the systematic error is added; a question below
    MIN_DECIDED (it lists part of the field), at 100 or without a figure is not scaled."""
    frame = _frame([10.0] * 5, 2.0, [3] * 5)
    plain = outcome_bounds(frame, ELECTION, "senate", "margin")
    scaled = outcome_bounds(frame, ELECTION, "senate", "margin", decided=[80, 100, 40, np.nan, 80])
    spread = float(systematic_sd("senate", [3], "margin")[0]) * systematic_multiplier("senate", "margin")
    expected_half = np.hypot(2.5, spread)
    assert scaled["outcome_lower"].iloc[0] == pytest.approx(12.5 - expected_half)
    assert scaled["outcome_upper"].iloc[0] == pytest.approx(12.5 + expected_half)
    for row in (1, 2, 3):
        assert scaled["outcome_lower"].iloc[row] == pytest.approx(plain["outcome_lower"].iloc[row])
    assert scaled["outcome_lower"].iloc[4] == pytest.approx(scaled["outcome_lower"].iloc[0])
    by_date = pd.Series([80.0], index=[frame["date"].iloc[0]])  # a Series is matched by date
    assert outcome_bounds(frame.iloc[:1], ELECTION, "senate", "margin", decided=by_date)[
        "outcome_upper"].iloc[0] == pytest.approx(12.5 + expected_half)
    np.testing.assert_allclose(allocation(None, pd.DatetimeIndex(frame["date"])), 1.0)
    assert allocation(80.0) == pytest.approx(1.25) and allocation([40.0, 100.0]).tolist() == [1.0, 1.0]


def test_cycle_common_error_takes_a_student_quantile_of_as_many_cycles():
    """The part of the systematic variance common to a cycle is known from few cycles (six
    presidential ones): its quantile is Student's t with that many degrees of freedom, so the
    multiplier lies between z and t and grows with the common share."""
    entry = TABLE["all"]["president"]["margin"]
    z, t = stats.norm.ppf(0.975), stats.t.ppf(0.975, entry["cycles"])
    multiplier = systematic_multiplier("president", "margin")
    assert multiplier == pytest.approx(np.sqrt(z ** 2 * (1 - entry["common_share"])
                                               + t ** 2 * entry["common_share"]))
    assert z < multiplier < t
    assert systematic_multiplier("generic", "margin") == pytest.approx(z)  # no common part found


def test_decided_share_leaves_out_the_answers_that_name_no_choice():
    dates = pd.date_range("2020-10-01", periods=3)
    lines = {name: pd.DataFrame({"date": dates, "estimate": values}) for name, values in
             {"Biden": [50, 51, np.nan], "Trump": [42, 43, 44], "Undecided": [8, 6, 5]}.items()}
    decided = decided_by_date(lines)
    assert decided.tolist()[:2] == [92, 94] and np.isnan(decided.iloc[2])  # one choice: no figure
    assert decided_by_date({"Biden": lines["Biden"], "Don't know / Refused": lines["Undecided"]}) is None
    assert [names_a_choice(n) for n in ("Undecided", "Don't know", "Not sure", "Other", "Trump")] == [
        False, False, False, True, True]
