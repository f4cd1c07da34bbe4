"""Coverage of the 95 % election-day margin interval on raw-polls.csv races, leave-one-cycle-out.

For each race and days-out bin, the "average" is the simple mean of the race's poll margins in
the bin with its sampling band (not yet pollservice's kalman fit, and the Economist files are not
yet read: see the report of issue 12). Prints, for general elections and primaries, by office and
bin: races, share whose actual margin is inside the plain band and inside the election-day
interval (systematic error from the other cycles), and the mean widths.

Usage: .venv/bin/python bench/bench_outcome_coverage.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import time

import numpy as np
import pandas as pd
from estimate_outcome_error import BINS, ROOT, load, race_averages

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
    both = races.join(pd.concat(parts)[["lower", "upper", "outcome_lower", "outcome_upper"]])
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
    args = parser.parse_args()
    start = time.perf_counter()
    both = intervals(race_averages(load(args.data)))
    both["kind"] = np.where(both["office"] == "primary", "primary", "general")
    both["days_out"] = [f"<={BINS[b]}" for b in both["bin"]]
    for by in (["kind"], ["kind", "office"], ["kind", "days_out"]):
        report(both, by)
    print(f"run time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
