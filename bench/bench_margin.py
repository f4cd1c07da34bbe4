"""Benchmark the margins and net values of ``pollservice.stats.margin`` (issue 12, item 1).

Simulated series
    ``simulate_pair`` series (a random-walk swing between A and B, a slower walk of B against
    the others, pollsters with house effects on the margin, multinomial sampling; 365 days,
    300 polls, 8 pollsters), one per seed. Per method, the retrospective margin line against
    the true margin: the share of days its 95 % band covers the truth, its mean width, and
    its width as a share of the naive band (the two shares' bands added up: wider, because
    it ignores their negative covariance).
Real polls
    FiveThirtyEight's Trump approval poll list, subgroup "All polls" (pair A of
    ../shared/data/SOURCES.md, one version per poll), and 538's published daily average from
    the same model run: mean absolute difference between our real-time net approval
    (approve - disapprove, ``stats.margin(realtime=True)``) and 538's approve estimate minus
    its disapprove estimate, on every day 538 published both, per method.

    .venv/bin/python bench/bench_margin.py [--data-dir ../shared/data] [--seeds 20]
        [--methods kalman weighted latest lowess]

Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data
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
sys.path.insert(0, str(ROOT / "bench"))

from bench_stats import SUBGROUP, load_pair_a  # noqa: E402

from pollservice import stats  # noqa: E402
from pollservice.stats.simulate import simulate_pair  # noqa: E402


def simulated(methods: list[str], seeds: int) -> pd.DataFrame:
    rows = []
    for seed in range(seeds):
        polls, truth = simulate_pair(seed=seed)
        for method in methods:
            line = stats.margin(polls, method).merge(truth, on="date").dropna(subset=["estimate"])
            shares = [stats.trend(polls.assign(pct=polls[c]), method).set_index("date")
                      for c in ("pct_a", "pct_b")]
            naive = ((shares[0]["upper"] - shares[0]["lower"]) + (shares[1]["upper"] - shares[1]["lower"]))
            width = (line["upper"] - line["lower"]).to_numpy()
            naive_on = naive.reindex(pd.DatetimeIndex(line["date"])).to_numpy()
            ok = np.isfinite(naive_on)
            covered = (line["lower"] <= line["truth"]) & (line["truth"] <= line["upper"])
            rows.append({"seed": seed, "method": method, "days": len(line), "covered": int(covered.sum()),
                         "width": float(width.mean()),
                         "ratio": float(np.median(width[ok] / naive_on[ok])) if ok.any() else np.nan})
    return pd.DataFrame(rows)


def against_538(methods: list[str], data_dir: Path) -> list[tuple[str, float, float, int, float]]:
    polls, topline = load_pair_a(data_dir)
    frame = polls.drop(columns=["approve", "disapprove"]).assign(
        pct_a=polls["approve"], pct_b=polls["disapprove"])
    target = (topline["approve"] - topline["disapprove"]).to_numpy()
    out = []
    for method in methods:
        started = time.perf_counter()
        line = stats.margin(frame, method, dates=topline["date"], realtime=True)
        diff = line["estimate"].to_numpy() - target
        ok = np.isfinite(diff)
        out.append((method, float(np.mean(np.abs(diff[ok]))), float(np.max(np.abs(diff[ok]))),
                    int(ok.sum()), time.perf_counter() - started))
    print(f"538 pair A, '{SUBGROUP}': {len(polls):,} polls, {polls['pollster'].nunique()} pollsters")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--methods", nargs="+", default=list(stats.METHODS), choices=stats.METHODS)
    parser.add_argument("--skip", choices=("sim", "fte"), action="append", default=[])
    args = parser.parse_args()
    if "sim" not in args.skip:
        scores = simulated(args.methods, args.seeds)
        print(f"Simulated margins, {args.seeds} series of 365 days (retrospective line, 95 % band)")
        print(f"{'method':<10}{'coverage':>18}{'mean width':>12}{'width / naive':>15}")
        for method, group in scores.groupby("method", sort=False):
            covered, days = group["covered"].sum(), group["days"].sum()
            print(f"{method:<10}{covered / days:>8.3f} ({covered:,}/{days:,}){group['width'].mean():>8.2f} pt"
                  f"{group['ratio'].median():>15.3f}")
    if "fte" not in args.skip:
        print("\nReal-time net approval (approve - disapprove) against 538's published average")
        print(f"{'method':<10}{'mean |ours-538|':>17}{'largest':>9}{'days':>7}{'seconds':>9}")
        for method, mad, worst, days, seconds in against_538(args.methods, args.data_dir):
            print(f"{method:<10}{mad:>17.3f}{worst:>9.2f}{days:>7,}{seconds:>9.1f}")


if __name__ == "__main__":
    main()
