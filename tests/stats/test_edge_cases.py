"""Every method answers sensibly on awkward inputs.

A single poll, one pollster only, many polls on one day, gaps of months, unknown sample
sizes, dates before the first poll and 10,000+ polls.
"""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pollservice import stats
from pollservice.stats.simulate import simulate_polls
from tests.stats.helpers import day, frame

METHODS = stats.METHODS


def _check_line(line: pd.DataFrame, expect_all_finite: bool = False):
    assert list(line.columns) == ["date", "estimate", "lower", "upper"]
    assert line["date"].dtype == np.dtype("datetime64[ns]")
    assert (line["date"] == line["date"].dt.normalize()).all()
    finite = line["estimate"].notna()
    if expect_all_finite:
        assert finite.all()
    assert finite.any()
    sub = line[finite]
    assert (sub["lower"] <= sub["estimate"] + 1e-9).all()
    assert (sub["estimate"] <= sub["upper"] + 1e-9).all()
    assert np.isfinite(sub[["lower", "upper"]].to_numpy()).all()


def _check_average(result: dict):
    assert set(result) == {"estimate", "lower", "upper", "n_polls", "as_of"}
    assert result["lower"] <= result["estimate"] <= result["upper"]
    assert isinstance(result["as_of"], dt.date)
    assert result["n_polls"] >= 1


def _check_contributions(polls, method):
    contributions = stats.poll_contributions(polls, method=method)
    assert contributions.index.equals(polls.index)
    assert (contributions["weight"] >= 0).all()
    assert contributions["weight"].sum() == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("realtime", [False, True])
def test_single_poll(method, realtime):
    polls = frame([("A", 0, 4, 800, "rv", 44)])
    line = stats.trend(polls, method, realtime=realtime)
    _check_line(line)
    assert line["date"].iloc[0] == pd.Timestamp(day(2))  # first field midpoint
    assert line["date"].iloc[-1] == pd.Timestamp(day(4))  # last end date
    result = stats.average(polls, method)
    _check_average(result)
    assert result["estimate"] == pytest.approx(44.0)
    assert result["n_polls"] == 1
    _check_contributions(polls, method)
    assert stats.house_effects(polls)["effect"].tolist() == [0.0]


@pytest.mark.parametrize("method", METHODS)
def test_one_pollster_only(method):
    polls, _ = simulate_polls(n_days=120, n_polls=60, pollsters={"Only": 0.0}, seed=2)
    _check_line(stats.trend(polls, method))
    _check_average(stats.average(polls, method))
    _check_contributions(polls, method)
    effects = stats.house_effects(polls)
    assert effects["pollster"].tolist() == ["Only"]
    assert effects["effect"].tolist() == [0.0]
    assert effects["n_polls"].tolist() == [60]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("realtime", [False, True])
def test_many_polls_on_one_day(method, realtime):
    rng = np.random.default_rng(5)
    rows = [(f"P{i % 7}", 3, 3, 700, "rv", 45 + rng.normal()) for i in range(40)]
    polls = frame(rows)
    line = stats.trend(polls, method, realtime=realtime)
    _check_line(line, expect_all_finite=True)
    assert line["estimate"].iloc[0] == pytest.approx(polls["pct"].mean(), abs=1.5)
    _check_average(stats.average(polls, method))
    _check_contributions(polls, method)


@pytest.mark.parametrize("method", METHODS)
def test_gap_of_months_between_polls(method):
    first, _ = simulate_polls(n_days=60, n_polls=30, pollsters=4, seed=3)
    later, _ = simulate_polls(n_days=60, n_polls=30, pollsters=4, seed=4,
                              start_date="2024-09-01")
    polls = pd.concat([first, later], ignore_index=True)
    line = stats.trend(polls, method)
    _check_line(line)
    # Mid-gap (July): the window methods have nothing in their window; the random walk
    # bridges the gap and lowess interpolates between its local fits.
    july = line[line["date"] == pd.Timestamp("2024-07-15")].iloc[0]
    if method in ("latest", "weighted"):
        assert np.isnan(july["estimate"])
    else:
        assert july["lower"] < july["estimate"] < july["upper"]
    _check_average(stats.average(polls, method))
    _check_contributions(polls, method)


@pytest.mark.parametrize("method", METHODS)
def test_unknown_sample_sizes_use_the_stand_in(method):
    polls, _ = simulate_polls(n_days=90, n_polls=50, pollsters=5, unknown_size_share=1.0,
                              seed=6)
    assert polls["sample_size"].isna().all()
    _check_line(stats.trend(polls, method))
    _check_average(stats.average(polls, method))
    _check_contributions(polls, method)
    same = polls.assign(sample_size=stats.UNKNOWN_SAMPLE_SIZE)
    assert stats.average(same, method) == stats.average(polls, method)


@pytest.mark.parametrize("method", METHODS)
def test_dates_before_the_first_poll(method):
    polls = frame([("A", 10, 12, 800, "rv", 44), ("B", 11, 14, 800, "rv", 46),
                   ("A", 15, 16, 800, "rv", 45)])
    line = stats.trend(polls, method, dates=[day(0), day(20)])
    before = line.iloc[0]
    if method == "kalman":
        # The first estimate, with a band widened by 11 days of random walk.
        at_first = stats.trend(polls, method, dates=[day(11)]).iloc[0]
        assert before["estimate"] == pytest.approx(at_first["estimate"])
        assert before["upper"] - before["lower"] > at_first["upper"] - at_first["lower"]
    else:
        assert np.isnan(before["estimate"])
    assert np.isfinite(line["estimate"].iloc[1])
    realtime = stats.trend(polls, method, dates=[day(0)], realtime=True)
    assert np.isnan(realtime["estimate"].iloc[0])


@pytest.mark.parametrize("method", METHODS)
def test_empty_dates_give_an_empty_line(method):
    polls = frame([("A", 0, 4, 800, "rv", 44)])
    line = stats.trend(polls, method, dates=[])
    assert line.empty
    assert list(line.columns) == ["date", "estimate", "lower", "upper"]


def test_dates_are_sorted_and_deduplicated():
    polls = frame([("A", 0, 4, 800, "rv", 44)])
    line = stats.trend(polls, "latest", dates=[day(6), pd.Timestamp(day(5)),
                                               np.datetime64(day(6))])
    assert list(line["date"]) == [pd.Timestamp(day(5)), pd.Timestamp(day(6))]


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_ten_thousand_polls(method):
    polls, _ = simulate_polls(n_days=900, n_polls=10_500, pollsters=40, seed=7)
    line = stats.trend(polls, method)
    _check_line(line)
    assert line["estimate"].iloc[-200:].notna().all()
    dates = pd.to_datetime(["2025-01-15", "2026-01-15"])
    _check_line(stats.trend(polls, method, dates=dates, realtime=True), True)
    _check_average(stats.average(polls, method))
    _check_contributions(polls, method)
