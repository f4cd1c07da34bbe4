"""Populations (issue 12, item 6): polls of another population than the question's target are
moved to it by the gap that polls reported for both populations measured, with its
uncertainty. Known truth: likely voters are the truth, registered voters sit 2 points
higher, half the pollsters report registered voters only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pollservice.stats import population_gaps, to_population, trend
from pollservice.stats.populations import PRIOR_SD, PRIOR_SPREAD
from pollservice.stats.simulate import simulate_pair, simulate_populations


def line_error(polls: pd.DataFrame, truth: pd.DataFrame, realtime: bool = False) -> tuple[float, float]:
    """Mean error of the kalman line against the truth and the share of days its band holds it."""
    line = trend(polls, "kalman", realtime=realtime).merge(truth, on="date")
    held = (line["lower"] <= line["truth"]) & (line["truth"] <= line["upper"])
    return float((line["estimate"] - line["truth"]).mean()), float(held.mean())


@pytest.mark.parametrize("realtime", [False, True])
def test_registered_voters_moved_to_likely_voters_take_the_bias_out_of_the_line(realtime):
    raw, adjusted = [], []
    for seed in range(6):
        polls, versions, truth = simulate_populations(seed=seed)
        raw.append(line_error(polls, truth, realtime))
        moved = to_population(polls, population_gaps(versions, "lv"), "lv")
        adjusted.append(line_error(moved, truth, realtime))
    raw_bias, raw_cover = np.mean(raw, axis=0)
    bias, cover = np.mean(adjusted, axis=0)
    assert raw_bias > 0.6 and raw_cover < 0.8  # mixed in with weight 1, the line leans to them
    if realtime:  # early on, centred on the few pollsters known (and the first pairs shrunk)
        assert abs(bias) < 0.4 * raw_bias and cover >= 0.85
    else:
        assert abs(bias) < 0.3 and cover >= 0.9


def test_the_gap_and_its_spread_are_recovered_from_many_pairs():
    polls, versions, _ = simulate_populations(seed=3, n_polls=1500, gap=-1.5, gap_spread=1.0)
    adjusted = to_population(polls, population_gaps(versions, "lv"), "lv")
    last = adjusted[adjusted["population"] == "rv"].sort_values("end_date").iloc[-1]
    assert last["population_adjustment"] == pytest.approx(1.5, abs=0.2)
    assert 0.6 < last["extra_var"] < 2.0  # the spread, 1.0 squared, from the last months' ~100 pairs


def test_a_poll_is_adjusted_by_the_pairs_known_when_it_ended():
    polls, versions, _ = simulate_populations(seed=1)
    cut = polls["end_date"].sort_values().iloc[len(polls) // 2]
    every = to_population(polls, population_gaps(versions, "lv"), "lv")
    known = to_population(polls, population_gaps(versions[versions["end_date"] <= cut], "lv"), "lv")
    early = polls["end_date"] <= cut
    pd.testing.assert_frame_equal(every[early], known[early])
    assert not np.allclose(every.loc[~early, "pct"], known.loc[~early, "pct"])


def test_without_pairs_other_populations_keep_their_values_and_count_for_less():
    polls, _, _ = simulate_populations(seed=2)
    none = population_gaps(pd.DataFrame(columns=["version_group", "population", "end_date",
                                                 "sample_size", "pct"]), "lv")
    adjusted = to_population(polls, none, "lv")
    other = adjusted["population"] == "rv"
    assert adjusted["pct"].tolist() == polls["pct"].tolist()
    prior = PRIOR_SPREAD**2 + PRIOR_SD**2
    assert adjusted.loc[other, "extra_var"].to_numpy() == pytest.approx(np.full(other.sum(), prior))
    assert (adjusted.loc[~other, ["extra_var", "population_adjustment"]] == 0).all().all()


def test_a_margin_moves_by_the_difference_of_its_shares_gaps():
    polls, _ = simulate_pair(seed=0, n_polls=60)
    polls["population"] = "lv"
    polls.loc[::2, "population"] = "rv"
    rows = polls[polls["population"] == "rv"]
    versions = pd.concat([
        pd.DataFrame({"version_group": np.arange(len(rows)), "population": "rv", "end_date": rows["end_date"],
                      "sample_size": rows["sample_size"], "pct_a": rows["pct_a"], "pct_b": rows["pct_b"]}),
        pd.DataFrame({"version_group": np.arange(len(rows)), "population": "lv", "end_date": rows["end_date"],
                      "sample_size": rows["sample_size"] * 0.7, "pct_a": rows["pct_a"] - 1.0,
                      "pct_b": rows["pct_b"] + 1.0})])
    adjusted = to_population(polls, population_gaps(versions, "lv"), "lv")
    late = adjusted[(adjusted["population"] == "rv")].iloc[len(rows) // 2:]
    assert late["population_adjustment"].to_numpy() == pytest.approx(np.full(len(late), -2.0), abs=0.15)
    assert (adjusted.loc[adjusted["population"] == "lv", "population_adjustment"] == 0).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "rv", "lv"]), st.floats(0, 100), st.integers(0, 60)),
                min_size=1, max_size=30),
       st.lists(st.tuples(st.sampled_from(["a", "rv"]), st.floats(-30, 30), st.integers(0, 60)), max_size=30))
def test_adjusted_shares_stay_within_0_and_100_and_the_target_is_untouched(rows, gap_rows):
    day = pd.Timestamp("2024-01-01")
    polls = pd.DataFrame({"population": [r[0] for r in rows], "pct": [r[1] for r in rows],
                          "end_date": [day + pd.Timedelta(days=r[2]) for r in rows]})
    gaps = pd.DataFrame({"population": [g[0] for g in gap_rows], "pct": [g[1] for g in gap_rows],
                         "end_date": [day + pd.Timedelta(days=g[2]) for g in gap_rows],
                         "gap_var": 0.5})
    adjusted = to_population(polls, gaps, "lv")
    assert adjusted["pct"].between(0, 100).all()
    assert (adjusted["extra_var"] > 0).eq(polls["population"] != "lv").all()
    target = polls["population"] == "lv"
    assert adjusted.loc[target, "pct"].tolist() == polls.loc[target, "pct"].tolist()


def test_a_margins_two_shares_moved_up_never_add_up_to_more_than_100():
    polls = pd.DataFrame({"population": ["a", "lv"], "pct_a": [49.0, 50.0], "pct_b": [47.0, 46.0],
                          "end_date": pd.to_datetime(["2024-01-02", "2024-01-02"])})
    gaps = pd.DataFrame({"population": ["a"] * 3, "end_date": pd.to_datetime(["2024-01-01"] * 3),
                         "pct_a": [-5.0, -6.0, -5.5], "pct_b": [-5.0, -6.0, -5.5], "gap_var": 0.0})
    adjusted = to_population(polls, gaps, "lv")
    assert adjusted.loc[0, ["pct_a", "pct_b"]].sum() == pytest.approx(100.0)
    assert adjusted.loc[0, "pct_a"] - adjusted.loc[0, "pct_b"] == pytest.approx(2.0)
