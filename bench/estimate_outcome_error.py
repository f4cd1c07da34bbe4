"""Estimate the systematic polling error from history and write it into the package.

Reads 538's ``pollster-ratings/2023/raw-polls.csv`` (1998-2022, every poll with the actual
result) from ../shared/data and writes ``pollservice/stats/outcome_table.py`` (the table as a
Python literal, so that the pure statistics package reads no file): for each
office (president, senate, governor, house, generic; presidential primaries as ``primary``)
and days-before-election bin, the standard deviation of a simple average's error (margin and
share) beyond its sampling error, the share of that variance common to a cycle, and the same
numbers with each cycle left out (the interval of a race of cycle C uses only the other cycles).

Method. A race's average in a bin is the mean of its polls' margins (cand1 - cand2, points) in
that bin; its sampling variance is the mean of the polls' binomial margin variances
``1e4 * (p1 + p2 - (p1 - p2) ** 2) / n`` divided by the number of polls. The systematic variance
is ``mean(error ** 2) - mean(sampling variance)`` over races (floored at 0); the cycle-common
variance is the variance of the cycles' mean errors (each cycle weighted by its races) minus the
race-specific part that averages into it. Share errors are cand1's poll share minus its result.
Standard deviations are made non-decreasing in days-out (cumulative maximum over bins).

Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data
(aggregated: per-office, per-bin error variances; no poll rows are copied).

Usage: .venv/bin/python bench/estimate_outcome_error.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import time

import numpy as np
import pandas as pd

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "pollservice" / "stats" / "outcome_table.py"
RAW = "fivethirtyeight/pollster-ratings/2023/raw-polls.csv"
#: Days-before-election bins (inclusive upper bounds); raw-polls holds polls 1-21 days out.
BINS = (7, 14, 21)
HEADER = ('"""Systematic polling error by office and days out: written by '
          'bench/estimate_outcome_error.py, do not edit.\n\n'
          'Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data\n'
          '(raw-polls.csv of pollster-ratings/2023, aggregated into error variances)."""\n\n'
          '# fmt: off\n')
OFFICES = {"Pres-G": "president", "Sen-G": "senate", "Gov-G": "governor", "House-G": "house",
           "Pres-P": "primary"}


def load(data: pathlib.Path) -> pd.DataFrame:
    """The polls of raw-polls.csv with office, days out, bin and per-poll sampling variances."""
    d = pd.read_csv(data / RAW)
    d["office"] = d["type_simple"].map(OFFICES)
    generic = (d["type_simple"] == "House-G") & (d["location"] == "US")
    d.loc[generic, "office"] = "generic"
    d["days_out"] = (pd.to_datetime(d["electiondate"]) - pd.to_datetime(d["polldate"])).dt.days
    d["bin"] = np.searchsorted(BINS, d["days_out"].clip(lower=0))
    p1, p2, n = d["cand1_pct"] / 100.0, d["cand2_pct"] / 100.0, d["samplesize"].clip(lower=1)
    d["var_margin"] = 1e4 * (p1 + p2 - (p1 - p2) ** 2) / n
    d["var_share"] = 1e4 * p1 * (1 - p1) / n
    d["err_share"] = d["cand1_pct"] - d["cand1_actual"]
    return d.dropna(subset=["office", "margin_poll", "margin_actual", "cand1_pct"])


def race_averages(polls: pd.DataFrame) -> pd.DataFrame:
    """One row per (race, bin): the average's errors and sampling variances."""
    g = polls.groupby(["race_id", "bin"])
    r = g.agg(year=("year", "first"), office=("office", "first"), n=("poll_id", "size"),
              margin=("margin_poll", "mean"), actual=("margin_actual", "first"),
              err_share=("err_share", "mean"), var_margin=("var_margin", "mean"),
              var_share=("var_share", "mean")).reset_index()
    r["err_margin"] = r["margin"] - r["actual"]
    r["svar_margin"] = r["var_margin"] / r["n"]
    r["svar_share"] = r["var_share"] / r["n"]
    return r


def systematic(races: pd.DataFrame, kind: str) -> dict:
    """Systematic sd and cycle-common share of one office and bin's races."""
    err, svar = races[f"err_{kind}"], races[f"svar_{kind}"]
    total = max(float((err ** 2).mean() - svar.mean()), 0.0)
    cyc = races.groupby("year")[f"err_{kind}"].agg(["mean", "size"])
    common = 0.0
    if len(cyc) > 1:
        cmean = float(np.average(cyc["mean"], weights=cyc["size"]))
        between = float(np.average((cyc["mean"] - cmean) ** 2, weights=cyc["size"]))
        common = max(between - total / max(float(cyc["size"].mean()), 1.0), 0.0)
    return {"sd": round(float(np.sqrt(total)), 3),
            "common_share": round(min(common / total, 1.0), 3) if total else 0.0,
            "races": int(len(races))}


def table(races: pd.DataFrame) -> dict:
    """{office: [{max_days, margin: {...}, share: {...}} per bin]}, sds monotone in days-out."""
    out: dict = {}
    for office, rows in races.groupby("office"):
        bins = []
        for b, max_days in enumerate(BINS):
            sel = rows[rows["bin"] == b]
            if len(sel) < 5:
                sel = rows  # too few races in a bin: the office's pooled figure
            bins.append({"max_days": max_days, "margin": systematic(sel, "margin"),
                         "share": systematic(sel, "share")})
        for kind in ("margin", "share"):
            run = 0.0
            for entry in bins:
                run = max(run, entry[kind]["sd"])
                entry[kind]["sd"] = run
        out[str(office)] = bins
    return out


def compact(tab: dict) -> dict:
    """{office: {"margin": [sd per bin], "share": [...]}}: the leave-one-cycle-out tables."""
    return {office: {kind: [e[kind]["sd"] for e in bins] for kind in ("margin", "share")}
            for office, bins in tab.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    start = time.perf_counter()
    races = race_averages(load(args.data))
    result = {"source": "FiveThirtyEight raw-polls.csv (pollster-ratings/2023), 1998-2022",
              "attribution": "Data: FiveThirtyEight (ABC News), CC BY 4.0, "
                             "https://github.com/fivethirtyeight/data",
              "bins_max_days": list(BINS), "all": table(races),
              "leave_out": {str(y): compact(table(races[races["year"] != y]))
                            for y in sorted(races["year"].unique())}}
    OUT.write_text(HEADER + "TABLE = " + json.dumps(result, indent=1) + "\n")
    for office, bins in result["all"].items():
        print(office, [(e["max_days"], e["margin"]["sd"], e["margin"]["common_share"],
                        e["margin"]["races"]) for e in bins])
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
