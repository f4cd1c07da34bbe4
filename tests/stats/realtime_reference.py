"""Reference real-time ``kalman`` lines, for the equivalence test of the real-time filter.

``CASES`` are simulated series; ``python tests/stats/realtime_reference.py`` writes the
real-time line (estimate, lower, upper) of each to ``data/realtime_reference.npz``. The
stored file was made with the implementation before the incremental real-time filter
(issue 12, item 8: the one that refactored the house-effect system on every day), so
``test_realtime_line_equals_the_reference_implementation`` holds the new one to it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pollservice import stats
from pollservice.stats.simulate import simulate_polls

REFERENCE = Path(__file__).resolve().parent / "data" / "realtime_reference.npz"

#: name -> simulate_polls arguments: few and many pollsters, pollsters with one poll, gaps.
CASES = {
    "small": {"n_days": 365, "n_polls": 300, "pollsters": 8, "seed": 0},
    "many_one_poll_pollsters": {"n_days": 300, "n_polls": 250, "pollsters": 80, "seed": 3},
    "sparse": {"n_days": 400, "n_polls": 40, "pollsters": 5, "seed": 7},
    "medium": {"n_days": 730, "n_polls": 2000, "pollsters": 60, "seed": 11},
}


def realtime_line(case: dict) -> np.ndarray:
    polls, _ = simulate_polls(**case)
    # the reference predates the outlier weights (stats.outliers), the posterior mean of the
    # daily-change variance, the centre's drift and the refits on pollsters: compared without
    # them (it checks the filter)
    params = stats.KalmanParams(outlier_cutoff=None, walk_posterior_mean=False, centre_drift=False,
                                refit_on_pollsters=False)
    line = stats.fit(polls, params=params).trend(realtime=True)
    return line[["estimate", "lower", "upper"]].to_numpy()


if __name__ == "__main__":
    REFERENCE.parent.mkdir(exist_ok=True)
    np.savez_compressed(REFERENCE, **{name: realtime_line(case) for name, case in CASES.items()})
    print(f"wrote {REFERENCE}")
