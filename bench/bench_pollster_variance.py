"""Does a per-pollster error variance, learnt from results, make the final average closer to
the result? Leave one cycle out on 538's raw-polls.csv (1998-2022, the polls of the last
three weeks of 2,000-odd decided races; Data: FiveThirtyEight (ABC News), CC BY 4.0).

For each cycle, the pollsters' excess error variances (``pollster_excess_variance``) are
learnt from the *other* cycles' races only, and each race of the held-out cycle is averaged
on election day four ways: the simple mean of its polls (538's ratings baseline), today's
kalman margin, and kalman with each poll's variance raised by its pollster's excess
(``extra_var``), and an inverse-variance mean with that excess. Prints the mean absolute
error of the margin per cycle and overall, the paired difference against today's kalman with
a 95 % interval over races (bootstrapped by cycle), and the time taken.

    .venv/bin/python bench/bench_pollster_variance.py [--data ../shared/data] [--cycles 2016 2020]
        [--prior-polls 20]
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from pollservice.stats import margin
from pollservice.stats.margin import margin_sampling_variance
from pollservice.stats.ratings import pollster_excess_variance

ROOT = Path(__file__).resolve().parents[1]
RAW = Path("fivethirtyeight/pollster-ratings/2023/raw-polls.csv")
UNKNOWN_SIZE = 600
METHODS = ("mean", "kalman", "kalman_pv", "invvar_pv")


def load(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, low_memory=False)
    raw = raw.dropna(subset=["cand1_pct", "cand2_pct", "margin_actual", "polldate", "electiondate"])
    raw = raw[(raw["cand1_pct"] + raw["cand2_pct"]) <= 100.5]
    size = raw["samplesize"].where(raw["samplesize"] > 0, UNKNOWN_SIZE).fillna(UNKNOWN_SIZE)
    margin_poll = raw["cand1_pct"] - raw["cand2_pct"]
    return pd.DataFrame({
        "poll_id": raw["poll_id"], "pollster": raw["pollster"], "race_id": raw["race_id"],
        "cycle": raw["year"], "pct_a": raw["cand1_pct"], "pct_b": raw["cand2_pct"],
        "sample_size": size, "date": pd.to_datetime(raw["polldate"], format="%m/%d/%Y"),
        "election": pd.to_datetime(raw["electiondate"], format="%m/%d/%Y"),
        "poll_margin": margin_poll, "actual_margin": raw["margin_actual"],
        "error": margin_poll - raw["margin_actual"],
        "sampling_var": margin_sampling_variance(raw["cand1_pct"], raw["cand2_pct"], size),
    }).reset_index(drop=True)


def race_estimates(race: pd.DataFrame, extra: np.ndarray) -> dict[str, float]:
    frame = pd.DataFrame({"pollster": race["pollster"], "start_date": race["date"],
                          "end_date": race["date"], "sample_size": race["sample_size"],
                          "population": "lv", "pct_a": race["pct_a"], "pct_b": race["pct_b"]})
    day = [race["election"].iloc[0]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = margin(frame, "kalman", dates=day)["estimate"].iloc[0]
        weighted = margin(frame.assign(extra_var=extra), "kalman", dates=day)["estimate"].iloc[0]
    precision = 1.0 / (race["sampling_var"].to_numpy() + extra)
    invvar = float((precision * race["poll_margin"].to_numpy()).sum() / precision.sum())
    return {"mean": float(race["poll_margin"].mean()), "kalman": float(plain),
            "kalman_pv": float(weighted), "invvar_pv": invvar}


def held_out(polls: pd.DataFrame, cycle: int, prior_polls: float) -> list[dict]:
    learnt = pollster_excess_variance(polls[polls["cycle"] != cycle], prior_polls=prior_polls)
    learnt = learnt.set_index("pollster")["extra_var"]
    rows = []
    for race_id, race in polls[polls["cycle"] == cycle].groupby("race_id"):
        extra = race["pollster"].map(learnt).fillna(0.0).to_numpy(dtype=float)
        actual = float(race["actual_margin"].iloc[0])
        estimates = race_estimates(race, extra)
        rows.append({"cycle": cycle, "race_id": race_id, "polls": len(race),
                     **{m: estimates[m] - actual for m in METHODS}})
    return rows


def paired_interval(errors: pd.DataFrame, method: str,
                    rng: np.random.Generator) -> tuple[float, float, float]:
    """Mean of |method error| - |kalman error| with a 95 % interval, resampling cycles."""
    diff = errors[method].abs() - errors["kalman"].abs()
    by_cycle = [diff[errors["cycle"] == c].to_numpy() for c in errors["cycle"].unique()]
    draws = []
    for _ in range(2000):
        pick = rng.integers(0, len(by_cycle), len(by_cycle))
        draws.append(np.concatenate([by_cycle[i] for i in pick]).mean())
    return float(diff.mean()), *np.percentile(draws, [2.5, 97.5])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--cycles", type=int, nargs="*", help="held-out cycles (default: all)")
    parser.add_argument("--prior-polls", type=float, default=20.0,
                        help="shrinkage of each pollster's excess towards the field's (default 20)")
    args = parser.parse_args()
    polls = load(args.data / RAW)
    cycles = args.cycles or sorted(polls["cycle"].unique())
    print(f"{len(polls):,} polls of {polls['race_id'].nunique():,} races, cycles {cycles[0]}-{cycles[-1]}; "
          f"prior_polls {args.prior_polls:g}")
    started = time.perf_counter()
    errors = pd.DataFrame([row for cycle in cycles for row in held_out(polls, cycle, args.prior_polls)])
    print(f"{len(errors):,} held-out races in {time.perf_counter() - started:.0f} s\n")
    table = errors.groupby("cycle").agg(races=("race_id", "size"), **{
        m: (m, lambda e: e.abs().mean()) for m in METHODS})
    table.loc["all"] = [len(errors), *(errors[m].abs().mean() for m in METHODS)]
    pd.set_option("display.width", 160)
    print("mean absolute error of the final margin (points), by held-out cycle:")
    print(table.round(2).to_string())
    rng = np.random.default_rng(2026)
    print("\n|error| minus kalman's |error| (points; negative: closer), 95 % interval over cycles:")
    for method in ("mean", "kalman_pv", "invvar_pv"):
        mean, low, high = paired_interval(errors, method, rng)
        closer = int((errors[method].abs() < errors["kalman"].abs() - 1e-9).sum())
        per_cycle = table.drop(index="all")
        better = int((per_cycle[method] < per_cycle["kalman"]).sum())
        print(f"  {method:10s} {mean:+.3f} ({low:+.3f} to {high:+.3f}); closer in {closer:,} races, "
              f"cycles better: {better} of {len(cycles)}")


if __name__ == "__main__":
    main()
