"""The ``lowess`` method's robustness iterations: statsmodels' own, but stopping at an exact fit."""

import numpy as np
from numpy.testing import assert_allclose
from statsmodels.nonparametric.smoothers_lowess import lowess as statsmodels_lowess

from pollservice import stats
from pollservice.stats import lowess
from tests.stats.helpers import frame


def test_robust_lowess_equals_statsmodels_lowess_on_ordinary_polls():
    rng = np.random.default_rng(8)
    for n, frac in ((2000, 0.05), (40, 0.5)):
        x = np.sort(np.round(rng.uniform(0, 700, n)))
        y = np.round(45 + 2 * np.sin(x / 90) + rng.normal(0, 2, n))
        delta = 0.1 * frac * (x[-1] - x[0])
        expected = statsmodels_lowess(y, x, frac=frac, it=3, delta=delta, is_sorted=True,
                                      return_sorted=False)
        assert_allclose(lowess._robust_lowess(x, y, frac, delta, 3), expected, atol=1e-12)


def test_an_exact_fit_stops_the_robustness_iterations_so_a_shift_moves_the_line_exactly():
    # Found by hypothesis: eight polls at 40 %, one at 41 %. After one robustness
    # iteration the 40s fit exactly and the next weights came from rounding noise, so
    # adding 1 to every poll moved the line by up to 1.1; constant polls got a band of
    # +-57 points.
    polls = frame([("A", 0, 0, None, "a", 40)] * 6 + [("A", 1, 1, None, "a", 40),
                                                      ("A", 10, 10, None, "a", 41),
                                                      ("A", 19, 19, None, "a", 40)])
    for realtime in (False, True):
        base = stats.trend(polls, "lowess", realtime=realtime)
        moved = stats.trend(polls.assign(pct=polls["pct"] + 1.0), "lowess", realtime=realtime)
        assert_allclose(moved["estimate"] - base["estimate"], 1.0, atol=1e-9)
        half = (base["upper"] - base["lower"]) / 2
        assert (half < 3.0).all()
        assert_allclose((moved["upper"] - moved["lower"]) / 2, half, rtol=0.1)
    constant = polls.assign(pct=40.0)
    line = stats.trend(constant, "lowess", realtime=True)
    assert_allclose(line["estimate"], 40.0, atol=1e-9)
    assert ((line["upper"] - line["lower"]) / 2 < 3.0).all()
