"""Coverage of the 95 % election-day margin interval on raw-polls.csv races, leave-one-cycle-out.

For each race and days-out bin, the "average" is the simple mean of the race's poll margins in
the bin with its sampling band; with ``--method``, instead, that method's real-time margin line
on Election Day (``stats.margin``, from the race's polls; what ``flask evaluate`` judges, without
the import and the stored series: the Economist files go through that, in
``bench_calibration.py --source economist``). The undecided are allocated by the polls' mean
``cand1 + cand2 + cand3``. Prints, for general elections and primaries, by office and bin:
races, share whose actual margin is inside the plain band and inside the election-day interval
(systematic error from the other cycles), and the mean widths.

Usage: .venv/bin/python bench/bench_outcome_coverage.py [--data ../shared/data] [--method kalman]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import pathlib
import time

import numpy as np
import pandas as pd
from estimate_outcome_error import BINS, ROOT, load, race_averages

from pollservice import stats
from pollservice.stats.outcome import outcome_bounds

Z = 1.959964


def intervals(races: pd.DataFrame) -> pd.DataFrame:
    """Plain band and leave-one-cycle-out election-day interval of every (race, bin)."""
    parts = []
    for (year, office), rows in races.groupby(["year", "office"]):
        half = Z * np.sqrt(rows["svar_margin"].to_numpy())
        days = np.asarray(BINS)[rows["bin"].to_numpy()] - 3
        election = dt.date(int(year), 11, 3)
        frame = pd.DataFrame({"date": [pd.Timestamp(election) - pd.Timedelta(days=int(d))
                                       for d in days],
                              "estimate": rows["margin"].to_numpy(), "lower": 0.0, "upper": 0.0})
        frame["lower"], frame["upper"] = frame["estimate"] - half, frame["estimate"] + half
        out = outcome_bounds(frame, election, str(office), "margin", leave_out_cycle=int(year),
                             decided=rows["decided"].to_numpy())
        out.index = rows.index
        parts.append(out)
    return _judged(races.join(pd.concat(parts)[["lower", "upper", "outcome_lower", "outcome_upper"]]))


def _final_line(polls: pd.DataFrame, method: str) -> dict:
    """One race's ``method`` real-time margin on Election Day (a worker's task)."""
    first = polls.iloc[0]
    election = pd.Timestamp(first["electiondate"])
    frame = pd.DataFrame({"pollster": polls["pollster"].astype(str),
                          "start_date": pd.to_datetime(polls["polldate"]),
                          "end_date": pd.to_datetime(polls["polldate"]),
                          "sample_size": polls["samplesize"].clip(lower=1).astype(float), "population": "lv",
                          "pct_a": polls["cand1_pct"], "pct_b": polls["cand2_pct"]})
    dates = pd.date_range(min(frame["end_date"].min(), election), election)
    final = stats.margin(frame, method, dates, realtime=True).iloc[-1]
    return {"race_id": first["race_id"], "bin": 0, "year": int(first["year"]), "office": first["office"],
            "margin": float(final["estimate"]), "lower": float(final["lower"]),
            "upper": float(final["upper"]), "actual": float(first["margin_actual"]),
            "decided": float(polls["decided"].mean())}


def method_intervals(polls: pd.DataFrame, method: str) -> pd.DataFrame:
    """``intervals`` of each race's ``method`` line on Election Day (all its polls)."""
    races = [rows.sort_values("polldate") for _, rows in polls.groupby("race_id")]
    with multiprocessing.Pool(2) as pool:
        finals = pd.DataFrame(pool.starmap(_final_line, [(rows, method) for rows in races], chunksize=16))
    parts = []
    for (year, office), rows in finals.groupby(["year", "office"]):
        election = dt.date(int(year), 11, 3)
        frame = pd.DataFrame({"date": [pd.Timestamp(election)] * len(rows), "estimate": rows["margin"],
                              "lower": rows["lower"], "upper": rows["upper"]})
        parts.append(outcome_bounds(frame, election, str(office), "margin", leave_out_cycle=int(year),
                                    decided=rows["decided"].to_numpy()).set_axis(rows.index))
    return _judged(finals.join(pd.concat(parts)[["outcome_lower", "outcome_upper"]]))


def _judged(both: pd.DataFrame) -> pd.DataFrame:
    both["in_band"] = both["actual"].between(both["lower"], both["upper"])
    both["in_outcome"] = both["actual"].between(both["outcome_lower"], both["outcome_upper"])
    both["band_width"] = both["upper"] - both["lower"]
    both["outcome_width"] = both["outcome_upper"] - both["outcome_lower"]
    return both


def report(both: pd.DataFrame, by: list[str]) -> None:
    g = both.groupby(by).agg(races=("race_id", "size"), band=("in_band", "mean"),
                             outcome=("in_outcome", "mean"), band_width=("band_width", "mean"),
                             outcome_width=("outcome_width", "mean"))
    print(g.round(3).to_string(), "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--method", choices=stats.METHODS, help="a method's line, not a simple mean")
    args = parser.parse_args()
    start = time.perf_counter()
    polls = load(args.data)
    both = intervals(race_averages(polls)) if args.method is None else method_intervals(polls, args.method)
    both["kind"] = np.where(both["office"] == "primary", "primary", "general")
    both["days_out"] = [f"<={BINS[b]}" for b in both["bin"]]
    for by in (["kind"], ["kind", "office"], ["kind", "days_out"]):
        report(both, by)
    print(f"run time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
