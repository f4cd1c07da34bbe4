"""``stats.fit``: one validation and one fit, an immutable results object, ``alpha`` bands and
the method registry."""

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats as scipy_stats

from pollservice import stats
from pollservice.stats import kalman, methods
from pollservice.stats.intervals import (
    NONSAMPLING_PRIOR_DF,
    NONSAMPLING_PRIOR_SD,
    PointEstimate,
    weighted_mean_band,
)
from pollservice.stats.simulate import simulate_polls
from tests.stats.helpers import frame

AS_OF = "2024-02-20"


@pytest.fixture(scope="module")
def polls():
    """A small series in shuffled row order with a non-default index."""
    polls, _ = simulate_polls(n_days=80, n_polls=70, pollsters=5, seed=31)
    return polls.sample(frac=1.0, random_state=3).set_axis(np.arange(70) * 10 + 7)


@pytest.fixture(scope="module")
def fitted(polls):
    return {method: stats.fit(polls, method) for method in stats.METHODS}


def _assert_frames_equal(left: pd.DataFrame, right: pd.DataFrame):
    pd.testing.assert_frame_equal(left, right, check_exact=False, rtol=0, atol=1e-9)


@pytest.mark.parametrize("method", stats.METHODS)
@pytest.mark.parametrize("realtime", [False, True])
def test_fit_trend_equals_the_trend_function(polls, fitted, method, realtime):
    results = fitted[method]
    _assert_frames_equal(results.trend(realtime=realtime),
                         stats.trend(polls, method, realtime=realtime))
    dates = pd.date_range("2023-12-25", "2024-04-01", freq="6D")
    _assert_frames_equal(results.trend(dates, realtime=realtime),
                         stats.trend(polls, method, dates=dates, realtime=realtime))


@pytest.mark.parametrize("method", stats.METHODS)
@pytest.mark.parametrize("as_of", [None, AS_OF])
def test_fit_average_and_contributions_equal_the_functions(polls, fitted, method, as_of):
    results = fitted[method]
    expected = stats.average(polls, method, as_of=as_of)
    got = results.average(as_of)
    assert got.keys() == expected.keys()
    assert got["as_of"] == expected["as_of"] and got["n_polls"] == expected["n_polls"]
    assert_allclose([got[k] for k in ("estimate", "lower", "upper")],
                    [expected[k] for k in ("estimate", "lower", "upper")], rtol=0, atol=1e-9)
    contributions = results.contributions(as_of)
    _assert_frames_equal(contributions, stats.poll_contributions(polls, method, as_of=as_of))
    assert contributions.index.equals(polls.index)


def test_fit_house_effects_equal_the_function(polls, fitted):
    _assert_frames_equal(fitted["kalman"].house_effects(), stats.house_effects(polls))
    params = stats.KalmanParams(walk_sd=0.3, nonsampling_sd=1.0)
    _assert_frames_equal(stats.fit(polls, params=params).house_effects(),
                         stats.house_effects(polls, params=params))


@pytest.mark.parametrize("method", ["weighted", "latest", "lowess"])
def test_house_effects_of_a_method_without_them_is_a_clear_error(fitted, method):
    with pytest.raises(ValueError, match=f"{method!r} estimates no house effects.*kalman"):
        fitted[method].house_effects()


def test_answers_do_not_depend_on_what_was_asked_before(polls):
    results = stats.fit(polls, params=stats.KalmanParams())
    first = (results.house_effects(), results.trend(), results.average())
    results.average(AS_OF, alpha=0.2)
    results.trend(realtime=True, alpha=0.01)
    results.contributions(AS_OF)
    _assert_frames_equal(results.house_effects(), first[0])
    _assert_frames_equal(results.trend(), first[1])
    assert results.average() == first[2]


def test_results_are_immutable(fitted):
    results = fitted["kalman"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.method = "latest"
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.model_fit = None
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.anything_new = 1
    with pytest.raises(ValueError, match="read-only"):
        results.table.pct[0] = 50.0
    with pytest.raises(ValueError, match="read-only"):
        results.model_fit.delta[0] = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        results.model_fit.walk_sd = 1.0
    assert "method='kalman'" in repr(results) and "n_polls=70" in repr(results)


def test_kalman_results_hold_the_full_data_fit_and_the_others_none(polls, fitted):
    kalman_fit = fitted["kalman"].model_fit
    assert isinstance(kalman_fit, kalman.KalmanFit)
    assert kalman_fit.n_polls.sum() == len(polls)
    assert all(fitted[m].model_fit is None for m in ("weighted", "latest", "lowess"))


# --------------------------------------------------------------------------------------
# alpha
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", stats.METHODS)
def test_one_poll_band_is_its_sampling_interval_plus_non_sampling_error_at_any_alpha(method):
    polls = frame([("A", 0, 2, 1000, "rv", 45)])
    variance = 45 * 55 / 1000
    if method == "kalman":
        # Too few polls to estimate the variances: the starting non-sampling sd (1.5) is
        # added, and one day of random walk (sd 0.2) from the field midpoint to the end.
        variance += 1.5**2 + 0.2**2
    else:
        # The window methods (and lowess's plain average) add the prior spread of polls
        # beyond sampling error, with a Student-t multiplier of the prior's degrees.
        variance += NONSAMPLING_PRIOR_SD**2
    results = stats.fit(polls, method)
    for alpha in (0.05, 0.1, 0.01):
        if method == "kalman":
            multiplier = scipy_stats.norm.ppf(1 - alpha / 2)
        else:
            multiplier = scipy_stats.t.ppf(1 - alpha / 2, NONSAMPLING_PRIOR_DF)
        half = multiplier * np.sqrt(variance)
        got = results.average(alpha=alpha)
        assert_allclose([got["lower"], got["upper"]], [45 - half, 45 + half], rtol=0, atol=1e-9)
    if method == "kalman":  # alpha = 0.05 is today's 95 % band: 1.96 standard errors.
        assert_allclose(results.average()["upper"] - 45, 1.959964 * np.sqrt(variance), rtol=1e-6)


@pytest.mark.parametrize("method", ["kalman", "lowess"])
def test_normal_bands_scale_with_the_normal_quantile(fitted, method):
    # Bands of at least 8 polls are estimate +- z * standard error for kalman and lowess.
    base = fitted[method].trend(alpha=0.05).dropna()
    ninety = fitted[method].trend(alpha=0.1).dropna()
    ratio = scipy_stats.norm.ppf(0.95) / scipy_stats.norm.ppf(0.975)
    assert_allclose(ninety["estimate"], base["estimate"], rtol=0, atol=0)
    assert_allclose(ninety["upper"] - ninety["estimate"],
                    ratio * (base["upper"] - base["estimate"]), rtol=1e-12)


@pytest.mark.parametrize("method", stats.METHODS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(small=st.floats(1e-4, 0.9), gap=st.floats(0.01, 0.5))
def test_a_smaller_alpha_gives_a_wider_band_around_the_same_estimate(fitted, method, small, gap):
    large = min(small + gap, 0.9999)
    results = fitted[method]
    wide, narrow = results.trend(alpha=small), results.trend(alpha=large)
    pd.testing.assert_series_equal(wide["estimate"], narrow["estimate"])
    ok = wide["estimate"].notna()
    assert (wide["lower"][ok] <= narrow["lower"][ok]).all()
    assert (wide["upper"][ok] >= narrow["upper"][ok]).all()
    assert ((wide["upper"] - wide["lower"])[ok] > (narrow["upper"] - narrow["lower"])[ok]).any()
    assert results.average(alpha=small)["upper"] > results.average(alpha=large)["upper"]
    if method == "kalman":
        effects_wide, effects_narrow = (results.house_effects(alpha=a) for a in (small, large))
        assert (effects_wide["upper"] > effects_narrow["upper"]).all()


@pytest.mark.parametrize("alpha", [0, 1, -0.05, 1.5, float("nan"), "0.05", None, True])
def test_bad_alpha_is_rejected_and_named(fitted, alpha):
    for method in ("kalman", "latest"):
        results = fitted[method]
        with pytest.raises(ValueError, match="alpha"):
            results.trend(alpha=alpha)
        with pytest.raises(ValueError, match="alpha"):
            results.average(alpha=alpha)
    with pytest.raises(ValueError, match="alpha"):
        fitted["kalman"].house_effects(alpha=alpha)


# --------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------


def test_the_registry_drives_methods_default_and_params():
    assert stats.METHODS == tuple(methods.REGISTRY) == ("kalman", "weighted", "latest", "lowess")
    assert stats.DEFAULT_METHOD == stats.METHODS[0] == "kalman"
    for name, entry in methods.REGISTRY.items():
        assert entry.name == name
        assert entry.description and "\n" not in entry.description
        assert isinstance(methods.check_params(entry, None), entry.params_type)
    assert methods.REGISTRY["kalman"].params_type is stats.KalmanParams
    assert methods.REGISTRY["lowess"].params_type is stats.LowessParams


def test_params_of_another_method_are_rejected_and_named(polls):
    with pytest.raises(ValueError, match="params for method 'lowess' must be a LowessParams"):
        stats.fit(polls, "lowess", params=stats.KalmanParams())
    with pytest.raises(ValueError, match="unknown method 'median'; expected one of kalman"):
        stats.fit(polls, "median")


@dataclass(frozen=True)
class _MeanParams:
    pass


def _mean_at(table, day, params, model_fit, alpha):
    weights = np.full(table.n_polls, 1.0 / table.n_polls)
    est, lower, upper = weighted_mean_band(table.pct, weights, table.sampling_var, alpha)
    return PointEstimate(est, lower, upper, weights, np.zeros(table.n_polls), table.n_polls)


def _mean_trend(table, days, realtime, params, model_fit, alpha):
    points = [_mean_at(table.ended_by(int(d)), int(d), params, model_fit, alpha)
              if table.end[0] <= d else None for d in days]
    return tuple(np.array([np.nan if p is None else getattr(p, f) for p in points])
                 for f in ("estimate", "lower", "upper"))


def test_a_new_method_is_one_registry_entry(monkeypatch):
    entry = methods.Method("mean", _MeanParams, _mean_trend, _mean_at, "plain mean of all polls")
    monkeypatch.setitem(methods.REGISTRY, "mean", entry)
    polls = frame([("A", 0, 2, 1000, "rv", 44), ("B", 1, 3, 1000, "a", 48)])
    results = stats.fit(polls, "mean")
    assert results.average()["estimate"] == pytest.approx(46.0)
    assert results.contributions()["weight"].tolist() == [0.5, 0.5]
    line = results.trend()
    assert np.isnan(line["estimate"].iloc[0]) and line["estimate"].iloc[-1] == pytest.approx(46)
    with pytest.raises(ValueError, match="'mean' estimates no house effects"):
        results.house_effects()
