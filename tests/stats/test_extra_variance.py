"""A per-poll error variance beyond sampling (the frame's ``extra_var``), and the per-pollster
excess variance learnt from results that feeds it.

Known truth: simulated pollsters whose polls carry extra noise of a known variance over races
that each share a surprise; ``pollster_excess_variance`` recovers those variances. Every
method gives a poll with a large ``extra_var`` less say, and a column of zeros changes
nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pollservice.stats import fit, margin, trend
from pollservice.stats.ratings import pollster_excess_variance

SAMPLING_VAR = 15.0  # a margin of about 600 respondents


def simulate_errors(seed: int = 3, races: int = 400) -> tuple[pd.DataFrame, dict[str, float]]:
    """Each of 24 pollsters polls a random third of the races once; 20 have no error beyond
    sampling, three an extra variance of 16 and one of 64; every race has its own surprise."""
    rng = np.random.default_rng(seed)
    extra = {f"P{i:02d}": 0.0 for i in range(20)} | {"N1": 16.0, "N2": 16.0, "N3": 16.0, "W": 64.0}
    rows = []
    for race in range(races):
        surprise = rng.normal(0, 4.0)
        for name, var in extra.items():
            if rng.random() < 1 / 3:
                error = surprise + rng.normal(0, np.sqrt(SAMPLING_VAR + var))
                rows.append({"pollster": name, "race_id": race, "error": error, "sampling_var": SAMPLING_VAR})
    return pd.DataFrame(rows), extra


def test_the_excess_variances_of_simulated_pollsters_are_recovered():
    errors, truth = simulate_errors()
    table = pollster_excess_variance(errors, prior_polls=0.0).set_index("pollster")
    assert set(table.index) == set(truth)
    clean = table.loc[[name for name, var in truth.items() if var == 0.0], "extra_var"]
    assert clean.median() == 0.0 and clean.max() < 8.0
    for name in ("N1", "N2", "N3"):
        assert 16.0 * 0.5 < table.loc[name, "extra_var"] < 16.0 * 1.6, table.loc[name]
    assert 64.0 * 0.7 < table.loc["W", "extra_var"] < 64.0 * 1.3
    assert table["extra_var"].idxmax() == "W"


def test_shrinkage_pulls_a_pollster_of_few_polls_towards_the_field():
    errors, _ = simulate_errors()
    few = errors[(errors["pollster"] != "W") | (errors["race_id"] < 30)]  # W: about ten polls
    loose = pollster_excess_variance(few, prior_polls=0.0).set_index("pollster").loc["W"]
    shrunk = pollster_excess_variance(few, prior_polls=20.0).set_index("pollster").loc["W"]
    assert loose["polls"] == shrunk["polls"] < 20
    assert shrunk["extra_var"] < loose["extra_var"]
    assert loose["excess"] == pytest.approx(shrunk["excess"])


def test_races_polled_by_one_pollster_are_left_out_and_columns_are_checked():
    alone = pd.DataFrame({"pollster": ["A", "A"], "race_id": [1, 2], "error": [3.0, -2.0],
                          "sampling_var": [15.0, 15.0]})
    assert pollster_excess_variance(alone).empty
    with pytest.raises(ValueError, match="sampling_var"):
        pollster_excess_variance(alone.drop(columns="sampling_var"))


def polls_with_an_outlier() -> pd.DataFrame:
    days = pd.date_range("2024-01-01", periods=12, freq="5D")
    frame = pd.DataFrame({"pollster": [f"P{i % 4}" for i in range(12)], "start_date": days,
                          "end_date": days + pd.Timedelta(days=2), "sample_size": 800.0,
                          "population": "lv", "pct": 45.0 + np.tile([0.5, -0.5, 0.3, -0.3], 3)})
    frame.loc[10, ["pollster", "pct"]] = ["Wild", 60.0]
    return frame


@pytest.mark.parametrize("method", ["kalman", "weighted"])  # lowess's line takes no weights
def test_a_poll_with_a_large_extra_variance_hardly_counts(method):
    polls = polls_with_an_outlier()
    day = [polls["end_date"].max()]
    plain = trend(polls, method, dates=day)["estimate"].iloc[0]
    extra = polls.assign(extra_var=np.where(polls["pollster"] == "Wild", 1e4, 0.0))
    damped = trend(extra, method, dates=day)["estimate"].iloc[0]
    without = trend(polls[polls["pollster"] != "Wild"], method, dates=day)["estimate"].iloc[0]
    assert abs(damped - without) < abs(plain - without)
    assert abs(damped - without) < 0.5


@pytest.mark.parametrize("method", ["kalman", "weighted", "latest", "lowess"])
def test_zeros_and_missing_values_change_nothing(method):
    polls = polls_with_an_outlier()
    plain = fit(polls, method).trend()
    zeros = fit(polls.assign(extra_var=[0.0, np.nan] * 6), method).trend()
    pd.testing.assert_frame_equal(plain, zeros)


def test_the_margin_takes_extra_variance_in_margin_points_a_quarter_of_it_on_the_share():
    # With B = 100 - A the margin is 2 A - 100: its sampling variance is four times A's, and so
    # an extra variance of 4 v on the margin is v on A's share (the half-margin scale).
    polls = polls_with_an_outlier()
    extra = np.where(polls["pollster"] == "Wild", 9.0, 1.0)
    share = fit(polls.assign(extra_var=extra), "kalman").trend()
    pair = polls.rename(columns={"pct": "pct_a"}).assign(pct_b=lambda f: 100.0 - f["pct_a"],
                                                         extra_var=4 * extra)
    line = margin(pair)
    assert line["estimate"].to_numpy() == pytest.approx(2 * share["estimate"].to_numpy() - 100, abs=1e-6)


def test_the_margin_takes_extra_variance_in_margin_points():
    polls = polls_with_an_outlier().rename(columns={"pct": "pct_a"})
    polls["pct_b"] = 100.0 - polls["pct_a"] - 5.0
    day = [polls["end_date"].max()]
    plain = margin(polls, dates=day)["estimate"].iloc[0]
    damped = margin(polls.assign(extra_var=np.where(polls["pollster"] == "Wild", 4e4, 0.0)),
                    dates=day)["estimate"].iloc[0]
    without = margin(polls[polls["pollster"] != "Wild"], dates=day)["estimate"].iloc[0]
    assert abs(damped - without) < 0.25 * abs(plain - without)


@pytest.mark.parametrize("value, message", [(-1.0, "< 0"), (np.inf, "infinite"), ("lots", "not a number")])
def test_bad_extra_variances_are_refused(value, message):
    polls = polls_with_an_outlier().astype({"pct": float})
    polls["extra_var"] = pd.Series([0.0] * 12, dtype=object)
    polls.loc[3, "extra_var"] = value
    with pytest.raises(ValueError, match=message):
        fit(polls, "kalman")
