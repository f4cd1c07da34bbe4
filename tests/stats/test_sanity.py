"""Sanity of every method's output (issue 12, item 7): bounds inside [0, 100], bands that do
not explode on sparse polls, house effects never called significant from one poll, sampling
variances that do not favour a poll for its own low share, choices that never add up to
more than 100."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollservice import stats
from pollservice.stats.simulate import simulate_polls
from tests.stats.helpers import frame

METHODS = stats.METHODS
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# The Calexit seed: three pollsters, one poll each (SurveyUSA's 18 % was shown as a
# significant house effect of -8.1).
CALEXIT = frame([("Reuters/Ipsos", 0, 44, 500, "a", 32), ("SurveyUSA", 56, 56, 800, "a", 18),
                 ("Unnamed", 115, 115, None, "a", 32)])


def _small_share_polls(seed: int) -> pd.DataFrame:
    """A sparse, small share: "West 0.7 %" with a handful of small polls."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(6):
        start = int(rng.integers(0, 120))
        rows.append((f"P{i % 3}", start, start + 2, int(rng.integers(300, 900)), "lv",
                     float(rng.choice([0.0, 0.5, 1.0, 2.0]))))
    return frame(rows)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("realtime", [False, True])
def test_every_bound_of_a_small_share_stays_within_0_and_100(method, realtime):
    for seed in range(5):
        polls = _small_share_polls(seed)
        results = stats.fit(polls, method)
        line = results.trend(realtime=realtime)
        ok = line["estimate"].notna()
        assert ok.any()
        assert (line.loc[ok, "lower"] >= 0.0).all(), line.loc[ok, "lower"].min()
        assert (line.loc[ok, "upper"] <= 100.0).all()
        assert (line.loc[ok, "lower"] <= line.loc[ok, "estimate"] + 1e-9).all()
        assert (line.loc[ok, "estimate"] <= line.loc[ok, "upper"] + 1e-9).all()
        average = results.average()
        assert 0.0 <= average["lower"] <= average["estimate"] <= average["upper"] <= 100.0


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 40), st.integers(0, 4),
                               st.one_of(st.none(), st.integers(50, 2000)),
                               st.sampled_from([0.0, 0.5, 1.0, 3.0, 97.0, 99.5, 100.0])),
                     min_size=1, max_size=12))
def test_bounds_stay_within_0_and_100_near_both_ends(method, rows):
    polls = frame([(p, s, s + f, n, "rv", pct) for p, s, f, n, pct in rows])
    for realtime in (False, True):
        line = stats.trend(polls, method, realtime=realtime)
        ok = line["estimate"].notna()
        assert (line.loc[ok, "lower"] >= 0.0).all()
        assert (line.loc[ok, "upper"] <= 100.0).all()
        assert (line.loc[ok, "estimate"].between(0.0, 100.0)).all()


BAND_RATIO_MAX = {"weighted": 3.0, "lowess": 3.0, "latest": 5.0}


def _widths(polls, method, realtime):
    line = stats.trend(polls, method, realtime=realtime)
    return (line["upper"] - line["lower"]).to_numpy()


@pytest.mark.parametrize("method", ["weighted", "latest", "lowess"])
@pytest.mark.parametrize("realtime", [False, True])
def test_window_and_lowess_bands_stay_within_a_few_times_the_kalman_band_on_sparse_polls(
        method, realtime):
    """On every day both have a value, the band is at most 3x (weighted, lowess) or 5x
    (latest: one poll per pollster, unweighted) as wide as kalman's band on the same polls
    (sparse simulated series of 3-20 polls, and the Calexit seed). The window methods are
    trailing averages, real-time lines whatever ``realtime`` says, so they are held to the
    real-time kalman band; lowess to kalman's with the same ``realtime``."""
    series = [CALEXIT] + [simulate_polls(n_days=200, n_polls=n, pollsters=4, seed=seed)[0]
                          for seed, n in enumerate((3, 5, 8, 12, 20, 9))]
    for polls in series:
        kalman = _widths(polls, "kalman", realtime or method != "lowess")
        other = _widths(polls, method, realtime)
        both = np.isfinite(kalman) & np.isfinite(other)
        ratio = other[both] / kalman[both]
        assert ratio.max() <= BAND_RATIO_MAX[method], (len(polls), ratio.max())


def test_house_effect_from_one_poll_is_never_significant():
    effects = stats.house_effects(CALEXIT)
    assert ((effects["lower"] <= 0.0) & (effects["upper"] >= 0.0)).all(), effects
    polls, _ = simulate_polls(n_days=200, n_polls=120, pollsters={"A": 1.0, "B": -1.0}, seed=3)
    one_off = polls.iloc[[60]].assign(pollster="One-off", pct=polls["pct"].iloc[60] - 15.0)
    effects = stats.house_effects(pd.concat([polls, one_off], ignore_index=True))
    row = effects.set_index("pollster").loc["One-off"]
    assert row["lower"] <= 0.0 <= row["upper"], row
    assert row["effect"] == 0.0  # a single poll cannot tell its house effect from its own error


def test_house_effect_of_a_pollster_with_few_polls_is_shrunk_towards_zero():
    polls, _ = simulate_polls(n_days=200, n_polls=120, pollsters={"A": 1.0, "B": -1.0}, seed=3)
    two = polls.iloc[[50, 90]].assign(pollster="Twice", pct=polls["pct"].iloc[[50, 90]] + 6.0)
    effects = stats.house_effects(pd.concat([polls, two], ignore_index=True))
    row = effects.set_index("pollster").loc["Twice"]
    assert 0.0 < row["effect"] < 6.0


def test_a_polls_weight_does_not_depend_on_its_own_share():
    """Two polls of one day, same size: the one that came out lower must not count more
    (weights from each poll's own percent bias small shares low by about (100 - 2p) / n)."""
    earlier = [("A", d, d + 2, 600, "lv", 4.0) for d in range(0, 40, 4)]
    same_day = [("A", 50, 52, 600, "lv", 2.0), ("A", 50, 52, 600, "lv", 6.0)]
    polls = frame(earlier + same_day)
    params = stats.KalmanParams(house_effects=False)
    weights = stats.poll_contributions(polls, "kalman", params=params)["weight"].to_numpy()
    assert weights[-2] == pytest.approx(weights[-1], rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["kalman", "weighted"])
def test_small_shares_are_not_biased_low(method):
    """Simulated 3 % share, polls of 300: the mean error of the line is under 0.1 point
    (weights from each poll's own percent gave about -(100 - 6) / 300 = -0.3)."""
    errors = []
    for seed in range(8):
        polls, truth = simulate_polls(n_days=200, n_polls=200, pollsters=1, start_level=3.0,
                                      walk_sd=0.02, nonsampling_sd=0.3, seed=seed,
                                      unknown_size_share=0.0)
        polls["sample_size"] = 300.0
        line = stats.trend(polls, method, dates=truth["date"])
        ok = line["estimate"].notna().to_numpy()
        errors.append(np.mean(line["estimate"].to_numpy()[ok] - truth["truth"].to_numpy()[ok]))
    assert abs(float(np.mean(errors))) < 0.1, errors


CHOICE_LINE = st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=6)


@SETTINGS
@given(levels=st.lists(CHOICE_LINE, min_size=1, max_size=6), half=st.floats(0, 10))
def test_capped_choices_never_sum_above_100_and_keep_their_bands_around_them(levels, half):
    dates = pd.date_range("2024-01-01", periods=6)
    lines = {}
    for k, values in enumerate(levels):
        est = np.asarray(values)
        lines[f"c{k}"] = pd.DataFrame({"date": dates[: est.size], "estimate": est,
                                       "lower": np.clip(est - half, 0, 100),
                                       "upper": np.clip(est + half, 0, 100)})
    capped = stats.cap_total(lines)
    assert set(capped) == set(lines)
    joined = pd.concat([f.set_index("date")["estimate"] for f in capped.values()], axis=1)
    assert (joined.sum(axis=1) <= 100.0 + 1e-9).all()
    for name, line in capped.items():
        original = lines[name]
        assert line["date"].equals(original["date"])
        assert (line["lower"] <= line["estimate"] + 1e-9).all()
        assert (line["estimate"] <= line["upper"] + 1e-9).all()
        assert (line["lower"] >= 0).all() and (line["upper"] <= 100).all()
        total = joined.sum(axis=1)
        untouched = total.reindex(original["date"]).to_numpy() < 100.0 - 1e-9
        assert np.allclose(line["estimate"].to_numpy()[untouched],
                           original["estimate"].to_numpy()[untouched])


def test_cap_total_scales_an_overfull_day_in_proportion_and_leaves_nan_alone():
    dates = pd.date_range("2024-01-01", periods=2)
    lines = {"a": pd.DataFrame({"date": dates, "estimate": [60.0, 40.0],
                                "lower": [55.0, 35.0], "upper": [65.0, 45.0]}),
             "b": pd.DataFrame({"date": dates, "estimate": [60.0, np.nan],
                                "lower": [50.0, np.nan], "upper": [70.0, np.nan]})}
    capped = stats.cap_total(lines)
    assert capped["a"]["estimate"].tolist() == [50.0, 40.0]
    assert capped["b"]["estimate"].iloc[0] == 50.0 and np.isnan(capped["b"]["estimate"].iloc[1])
    assert capped["a"]["lower"].iloc[0] == pytest.approx(55.0 * 100 / 120)
