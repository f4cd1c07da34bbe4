"""Input validation: each bad frame raises a ValueError that names the problem."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pollservice import stats


def _polls(**overrides):
    frame = pd.DataFrame(
        {
            "pollster": ["A", "B", "C"],
            "start_date": [dt.date(2024, 1, 1), dt.date(2024, 1, 2), dt.date(2024, 1, 3)],
            "end_date": [dt.date(2024, 1, 3), dt.date(2024, 1, 4), dt.date(2024, 1, 5)],
            "sample_size": [1000.0, np.nan, 500.0],
            "population": ["rv", "lv", "a"],
            "pct": [45.0, 47.0, 44.0],
        }
    )
    for column, value in overrides.items():
        frame[column] = value
    return frame


@pytest.mark.parametrize("column", ["pollster", "start_date", "end_date", "sample_size",
                                    "population", "pct"])
def test_missing_column_is_named(column):
    with pytest.raises(ValueError, match=column):
        stats.trend(_polls().drop(columns=column), method="latest")


def test_empty_frame_is_rejected():
    with pytest.raises(ValueError, match="empty"):
        stats.average(_polls().iloc[:0], method="weighted")


@pytest.mark.parametrize("bad", [-1.0, 100.5, np.nan])
def test_pct_outside_0_100_or_nan_is_rejected(bad):
    with pytest.raises(ValueError, match="pct"):
        stats.average(_polls(pct=[45.0, bad, 44.0]), method="latest")


def test_end_before_start_is_rejected():
    frame = _polls(end_date=[dt.date(2023, 12, 31), dt.date(2024, 1, 4), dt.date(2024, 1, 5)])
    with pytest.raises(ValueError, match="end_date before start_date"):
        stats.trend(frame, method="weighted")


def test_unknown_population_is_rejected_and_named():
    with pytest.raises(ValueError, match="unknown population 'xx'"):
        stats.average(_polls(population=["rv", "xx", "a"]), method="latest")


@pytest.mark.parametrize("bad", [0.0, -5.0])
def test_non_positive_sample_size_is_rejected(bad):
    with pytest.raises(ValueError, match="sample_size <= 0"):
        stats.average(_polls(sample_size=[1000.0, bad, 500.0]), method="weighted")


def test_unknown_method_is_named():
    with pytest.raises(ValueError, match="unknown method 'median'"):
        stats.trend(_polls(), method="median")


def test_as_of_before_every_poll_ended_is_rejected():
    with pytest.raises(ValueError, match="no polls ended on or before 2024-01-02"):
        stats.average(_polls(), method="latest", as_of=dt.date(2024, 1, 2))


def test_unparseable_dates_are_rejected():
    with pytest.raises(ValueError, match="start_date"):
        stats.trend(_polls(start_date=["soon", "x", "y"]), method="latest")


def test_extra_columns_are_ignored():
    plain = stats.average(_polls(), method="weighted")
    extra = stats.average(_polls(note=["x", "y", "z"]), method="weighted")
    assert plain == extra


def test_methods_and_default_are_exported():
    assert stats.METHODS == ("kalman", "weighted", "latest", "lowess")
    assert stats.DEFAULT_METHOD == "kalman"


@pytest.mark.parametrize("start, end", [
    (dt.date(2024, 1, 1), dt.date(9999, 12, 30)),   # a year-9999 typo
    (dt.date(1, 1, 1), dt.date(2024, 1, 5)),        # year one
    (dt.date(1700, 1, 1), dt.date(1700, 1, 3)),     # before any date a poll can have
])
@pytest.mark.parametrize("as_datetimes", [False, True])
def test_dates_outside_the_plausible_range_are_refused_not_wrapped(start, end, as_datetimes):
    """Issue 18: a 9999-12-30 poll made a trend start in "1816" with 73,000 daily points."""
    frame = _polls()
    frame.loc[0, "start_date"], frame.loc[0, "end_date"] = start, end
    if as_datetimes:  # what readmodel.frames hands over (pd.to_datetime of the stored dates)
        for column in ("start_date", "end_date"):
            frame[column] = pd.Series([np.datetime64(d, "s") for d in frame[column]])
    with pytest.raises(ValueError, match="outside|span"):
        stats.trend(frame, method="weighted")


def test_a_span_of_polls_longer_than_the_bound_is_refused():
    frame = _polls()
    frame.loc[0, "start_date"] = frame.loc[0, "end_date"] = dt.date(1901, 1, 1)
    with pytest.raises(ValueError, match="span"):
        stats.trend(frame, method="weighted")
