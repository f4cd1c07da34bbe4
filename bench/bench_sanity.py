"""Figures of issue 12's items 7 (sanity) and 8 (speed of the real-time line).

Sanity, on simulated series with known truth (same seeds before and after a change):
    * bias of a small share: mean error of the retrospective kalman and weighted lines for
      a 3 % share in polls of 300 (weights from each poll's own percent bias it by about
      -(100 - 2p) / n = -0.31);
    * bounds outside 0-100: days whose band leaves 0-100, on sparse small-share series;
    * band width on sparse series (3-20 polls): the largest ratio of each method's band to
      the real-time kalman band on the same polls;
    * total of five candidates and undecided (independent fits): mean and worst daily
      total of the retrospective kalman lines, before and after ``stats.cap_total``.
Speed: the real-time kalman line (``fit(polls).trend(realtime=True)``) on simulated series
of P polls from J pollsters over four years: the curve P x J -> seconds.

    .venv/bin/python bench/bench_sanity.py [--skip sanity|speed] [--curve 3000x50 ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pollservice import stats  # noqa: E402
from pollservice.stats.simulate import simulate_polls  # noqa: E402

SEEDS = range(8)


def small_share_bias() -> None:
    for method in ("kalman", "weighted"):
        errors = []
        for seed in SEEDS:
            polls, truth = simulate_polls(n_days=200, n_polls=200, pollsters=1,
                                          start_level=3.0, walk_sd=0.02, nonsampling_sd=0.3,
                                          seed=seed, unknown_size_share=0.0)
            polls["sample_size"] = 300.0
            line = stats.trend(polls, method, dates=truth["date"])
            ok = line["estimate"].notna().to_numpy()
            errors.append(np.mean(line["estimate"].to_numpy()[ok] - truth["truth"].to_numpy()[ok]))
        print(f"small-share bias, {method:8s} mean error (3 % share, n = 300, {len(SEEDS)} "
              f"seeds): {np.mean(errors):+.3f} points")


def sparse_series() -> list[pd.DataFrame]:
    out = []
    for seed, n in enumerate((3, 5, 8, 12, 20, 9)):
        polls, _ = simulate_polls(n_days=200, n_polls=n, pollsters=4, seed=seed)
        out.append(polls)
        out.append(polls.assign(pct=np.clip(polls["pct"] - 44.0, 0.0, 100.0)))  # ~1 % share
    return out


def bounds_and_bands() -> None:
    outside = {m: 0 for m in stats.METHODS}
    days = 0
    ratio = {m: 0.0 for m in stats.METHODS}
    for polls in sparse_series():
        kalman_rt = stats.trend(polls, "kalman", realtime=True)
        k_width = (kalman_rt["upper"] - kalman_rt["lower"]).to_numpy()
        for method in stats.METHODS:
            for realtime in (False, True):
                line = stats.trend(polls, method, realtime=realtime)
                ok = line["estimate"].notna()
                outside[method] += int(((line["lower"] < 0) | (line["upper"] > 100))[ok].sum())
                if method == "kalman" and not realtime:
                    days += int(ok.sum())
            line = stats.trend(polls, method, realtime=True)
            width = (line["upper"] - line["lower"]).to_numpy()
            both = np.isfinite(width) & np.isfinite(k_width)
            ratio[method] = max(ratio[method], float(np.max(width[both] / k_width[both])))
    for method in stats.METHODS:
        print(f"sparse series: {method:8s} days with a bound outside 0-100: {outside[method]:5d}"
              f"  (of ~{2 * days}); widest real-time band / kalman's: x{ratio[method]:.1f}")


def candidate_totals() -> None:
    totals, capped_totals = [], []
    levels = (40.0, 38.0, 8.0, 4.0, 2.0, 8.0)  # five candidates and undecided
    for seed in SEEDS:
        lines = {}
        for k, level in enumerate(levels):
            polls, truth = simulate_polls(n_days=200, n_polls=120, start_level=level,
                                          seed=100 * seed + k, walk_sd=0.1)
            lines[f"c{k}"] = stats.trend(polls, "kalman", dates=truth["date"])
        joined = pd.concat([f.set_index("date")["estimate"] for f in lines.values()], axis=1)
        totals.append(joined.sum(axis=1))
        capped = stats.cap_total(lines) if hasattr(stats, "cap_total") else lines
        capped_totals.append(pd.concat([f.set_index("date")["estimate"]
                                        for f in capped.values()], axis=1).sum(axis=1))
    raw, cap = pd.concat(totals), pd.concat(capped_totals)
    print(f"five candidates + undecided, daily total: independent fits mean {raw.mean():.2f}, "
          f"max {raw.max():.2f}, min {raw.min():.2f}; after cap_total mean {cap.mean():.2f}, "
          f"max {cap.max():.2f}")


def speed_curve(sizes: list[str]) -> None:
    print("real-time kalman line: polls x pollsters -> seconds (4 years, seed 0)")
    for size in sizes:
        n_polls, n_pollsters = (int(x) for x in size.split("x"))
        polls, _ = simulate_polls(n_days=1460, n_polls=n_polls, pollsters=n_pollsters, seed=0)
        results = stats.fit(polls)
        started = time.perf_counter()
        results.trend(realtime=True)
        print(f"  {n_polls:6d} x {n_pollsters:4d} -> {time.perf_counter() - started:7.2f} s",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", choices=("sanity", "speed"), action="append", default=[])
    parser.add_argument("--curve", nargs="*", default=["3000x50", "6000x100", "12000x200",
                                                        "30000x500"])
    args = parser.parse_args()
    if "sanity" not in args.skip:
        small_share_bias()
        bounds_and_bands()
        candidate_totals()
    if "speed" not in args.skip:
        speed_curve(args.curve)


if __name__ == "__main__":
    main()
