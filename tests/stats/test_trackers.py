"""Tracking polls: a tracker's releases whose field windows overlap share their respondents,
so they count once (``tracking``: each release's size divided by how many releases cover its
days). Known truth: a daily tracker whose every release is the last seven days' interviews;
counted as independent polls its band is far too narrow, counted once it holds the truth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pollservice.stats import fit, margin
from pollservice.stats.validation import tracker_overlap, validate_polls

TRUTH = 45.0


def daily_tracker(seed: int, days: int = 120, daily_n: int = 300, window: int = 7) -> pd.DataFrame:
    """Each day ``daily_n`` fresh interviews around a constant truth; each release averages
    the last ``window`` days' (``window * daily_n`` respondents, six sevenths shared with the
    release before)."""
    rng = np.random.default_rng(seed)
    daily = rng.binomial(daily_n, TRUTH / 100, size=days) / daily_n * 100
    start = pd.Timestamp("2024-01-01")
    rows = []
    for day in range(window - 1, days):
        rows.append({"pollster": "Tracker", "start_date": start + pd.Timedelta(days=day - window + 1),
                     "end_date": start + pd.Timedelta(days=day), "sample_size": float(window * daily_n),
                     "population": "lv", "pct": daily[day - window + 1: day + 1].mean(), "tracking": True})
    return pd.DataFrame(rows)


def test_a_daily_trackers_releases_each_count_a_seventh():
    table = validate_polls(daily_tracker(0))
    after_the_first_week = table.overlap[6:]
    assert after_the_first_week == pytest.approx(np.full(after_the_first_week.shape, 7.0))
    # from the releases known when each ended: the first stands alone, the next ones
    # share their days with fewer earlier releases
    assert table.overlap[0] == 1.0 and np.all(np.diff(table.overlap[:7]) > 0)
    assert table.n_used[6:] == pytest.approx(np.full(after_the_first_week.shape, 300.0))


def test_a_real_time_value_never_depends_on_later_releases():
    polls = daily_tracker(3)
    for day in polls["end_date"].iloc[[5, 40, 90]]:
        full = fit(polls, "weighted").trend(dates=[day], realtime=True).iloc[0]
        known = fit(polls[polls["end_date"] <= day], "weighted").trend(dates=[day], realtime=True).iloc[0]
        assert full[["estimate", "lower", "upper"]].tolist() == pytest.approx(
            known[["estimate", "lower", "upper"]].tolist(), abs=1e-9)


def test_only_tracking_releases_of_one_pollster_and_population_overlap():
    days = np.array([0, 0, 0, 0])
    ends = np.array([6, 6, 6, 6])
    factor = tracker_overlap(np.array([0, 0, 1, 0]), np.array(["lv", "lv", "lv", "rv"]), days, ends,
                             np.array([True, True, True, False]))
    assert factor.tolist() == [2.0, 2.0, 1.0, 1.0]


def test_without_the_flag_nothing_changes():
    polls = daily_tracker(1)
    plain = fit(polls.drop(columns="tracking"), "kalman").trend()
    unflagged = fit(polls.assign(tracking=False), "kalman").trend()
    pd.testing.assert_frame_equal(plain, unflagged)


def coverage(flagged: bool, seeds=range(8)) -> float:
    held = []
    for seed in seeds:
        polls = daily_tracker(seed)
        if not flagged:
            polls = polls.drop(columns="tracking")
        line = fit(polls, "kalman").trend(dates=polls["end_date"].iloc[20:-20:10])
        held.extend(((line["lower"] <= TRUTH) & (TRUTH <= line["upper"])).tolist())
    return float(np.mean(held))


def test_counted_once_the_band_holds_the_truth_counted_seven_times_it_does_not():
    assert coverage(flagged=True) >= 0.85
    assert coverage(flagged=False) < coverage(flagged=True)


def width_ratio(flagged: pd.Series, plain: pd.Series) -> float:
    return float((flagged["upper"] - flagged["lower"]) / (plain["upper"] - plain["lower"]))


def test_the_margin_counts_a_trackers_overlap_once_too():
    shares = daily_tracker(2)
    day = [shares["end_date"].iloc[60]]
    share = width_ratio(fit(shares, "kalman").trend(dates=day).iloc[0],
                        fit(shares.drop(columns="tracking"), "kalman").trend(dates=day).iloc[0])
    polls = shares.rename(columns={"pct": "pct_a"}).assign(pct_b=lambda f: 95.0 - f["pct_a"])
    pair = width_ratio(margin(polls, dates=day).iloc[0],
                       margin(polls.drop(columns="tracking"), dates=day).iloc[0])
    # B is 95 - A: the margin is the share's line doubled, and so widens as the share's does
    # (its effective sample size holds the overlap once, not once more in the fit)
    assert share > 1.05 and pair == pytest.approx(share, abs=0.05)
