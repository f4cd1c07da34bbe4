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
``1e4 * (p1 + p2 - (p1 - p2) ** 2) / n`` divided by the number of polls. The undecided are
allocated in proportion first, as ``stats.outcome_bounds`` does with ``decided`` (average and
variance times ``100 / decided`` and its square, decided = cand1 + cand2 + cand3). The
systematic variance ``tau ** 2`` is the maximum-likelihood fit of ``error ~ N(0, sampling
variance + tau ** 2)`` over races (``excess_variance``); the cycle-common variance is the
variance of the cycles' mean errors (each cycle weighted by its races) minus the race-specific
part that averages into it, pooled over bins (each race once), with the number of cycles.
Share errors are cand1's (allocated) poll share minus its result. Standard deviations are made
non-decreasing in days-out (cumulative maximum over bins).

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
from scipy import optimize

from pollservice.stats.outcome import allocation

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
    d["decided"] = d["cand1_pct"] + d["cand2_pct"] + d["cand3_pct"].fillna(0.0)
    return d.dropna(subset=["office", "margin_poll", "margin_actual", "cand1_pct"])


def race_averages(polls: pd.DataFrame) -> pd.DataFrame:
    """One row per (race, bin): the average's errors and sampling variances."""
    g = polls.groupby(["race_id", "bin"])
    r = g.agg(year=("year", "first"), office=("office", "first"), n=("poll_id", "size"),
              margin=("margin_poll", "mean"), actual=("margin_actual", "first"),
              share=("cand1_pct", "mean"), actual_share=("cand1_actual", "first"),
              decided=("decided", "mean"), var_margin=("var_margin", "mean"),
              var_share=("var_share", "mean")).reset_index()
    r["alloc"] = allocation(r["decided"].to_numpy(float))
    r["err_margin"] = r["margin"] * r["alloc"] - r["actual"]  # the undecided allocated
    r["err_share"] = r["share"] * r["alloc"] - r["actual_share"]
    r["svar_margin"] = r["var_margin"] / r["n"]  # the average's own sampling variance
    r["svar_share"] = r["var_share"] / r["n"]
    return r


def excess_variance(err: np.ndarray, band_var: np.ndarray) -> float:
    """The variance ``tau ** 2`` of an error common to a race's polls beyond each average's
    own band, by maximum likelihood: ``err_i ~ N(0, band_var_i + tau ** 2)`` (the
    random-effects variance of a meta-analysis with the mean held at zero). Unlike
    ``mean(err ** 2) - mean(band_var)``, a race with a wide band (a lone poll, a method's
    band on sparse data) weighs in by how much it says, not by how wide it is."""
    keep = np.isfinite(err) & np.isfinite(band_var)
    err, band_var = err[keep], np.maximum(band_var[keep], 1e-6)

    def minus_loglik(log_tau: float) -> float:
        total = band_var + np.exp(2 * log_tau)
        return float(np.sum(np.log(total) + err ** 2 / total))

    best = optimize.minimize_scalar(minus_loglik, bounds=(np.log(0.01), np.log(60.0)), method="bounded")
    tau2 = float(np.exp(2 * best.x))
    return 0.0 if tau2 < 1e-3 or minus_loglik(np.log(0.01)) <= best.fun else tau2


def systematic(races: pd.DataFrame, kind: str) -> dict:
    """Systematic sd and cycle-common share of one office and bin's races."""
    err, svar = races[f"err_{kind}"], races[f"svar_{kind}"] * races["alloc"] ** 2
    total = excess_variance(err.to_numpy(float), svar.to_numpy(float))
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
    """{office: {kind: {"sd": [per bin], "races": [per bin], "common_share", "cycles"}}} for
    kind "margin" and "share": the systematic sd of each days-out bin (non-decreasing in
    days-out; a bin of fewer than 5 races takes the office's pooled figure), and the share
    of the office's systematic variance common to a cycle with the number of cycles it is
    estimated from (each race once, at its bin nearest the election: a bin's cycle means are
    too few to say)."""
    out: dict = {}
    for office, rows in races.groupby("office"):
        nearest = rows.sort_values("bin").drop_duplicates("race_id")  # each race once, nearest the election
        entry: dict = {}
        for kind in ("margin", "share"):
            sds, counts, run = [], [], 0.0
            for b in range(len(BINS)):
                sel = rows[rows["bin"] == b]
                found = systematic(sel if len(sel) >= 5 else rows, kind)
                run = max(run, found["sd"])
                sds.append(run)
                counts.append(int(len(sel)))
            entry[kind] = {"sd": sds, "races": counts,
                           "common_share": systematic(nearest, kind)["common_share"],
                           "cycles": int(rows["year"].nunique())}
        out[str(office)] = entry
    return out


def tables(races: pd.DataFrame) -> dict:
    """The table of all cycles and, per cycle, the table without it."""
    return {"all": table(races), "leave_out": {str(y): table(races[races["year"] != y])
                                               for y in sorted(races["year"].unique())}}


def literal(value, indent: int = 0) -> str:
    """``value`` (JSON-like) as a Python literal, each part on one line where it fits in
    100 characters with its closing brackets (the table is read by people reviewing its
    changes)."""
    flat = json.dumps(value, separators=(", ", ": "))
    if len(flat) + indent <= 94 or not isinstance(value, dict | list):
        return flat
    pad = " " * (indent + 1)
    if isinstance(value, dict):
        items = [f"{pad}{json.dumps(key)}: {literal(item, indent + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "}"
    return "[\n" + ",\n".join(pad + literal(item, indent + 1) for item in value) + "]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=pathlib.Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    start = time.perf_counter()
    polls = load(args.data)
    result = {"source": "FiveThirtyEight raw-polls.csv (pollster-ratings/2023), 1998-2022",
              "attribution": "Data: FiveThirtyEight (ABC News), CC BY 4.0, "
                             "https://github.com/fivethirtyeight/data",
              "bins_max_days": list(BINS), **tables(race_averages(polls))}
    OUT.write_text(HEADER + "TABLE = " + literal(result) + "\n")
    for office, entry in result["all"].items():
        margin = entry["margin"]
        print(f"{office:9} margin sd {margin['sd']} common {margin['common_share']:.2f} "
              f"of {margin['cycles']} cycles, races {margin['races']}")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes) in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
