"""Benchmark the real-time kalman line against every published 538 average (issue 12).

What is measured
    For each pair "poll list <-> published 538 average" of ../shared/data/SOURCES.md (A to F)
    and each series 538 published a line for, the mean absolute difference between
    pollservice's real-time kalman line (``stats.fit(frame, "kalman").trend(dates,
    realtime=True)``, each day from the polls ended by then) and 538's published daily
    estimate, over the days 538 published within the compare window SOURCES.md gives:

    A  Trump approval, 10/31/2020 poll list and topline: approve, disapprove ("All polls").
    B  Trump approval, the polls page (president_approval_polls.csv, every version of a
       poll) against the final official topline, the whole term: approve, disapprove.
    C  Biden approval, 10/21/2021 poll list against 538's old-model line, to 2021-10-21.
    D  Trump impeachment: yes and no, per party (all, dem, rep, ind; a party's line from the
       polls' partisan subsamples) and question group. Group "all" (every question 538
       included) is the reliable mapping; begin / impeach / remove map 538's categories as
       SOURCES.md guesses (marked "?", averaged apart as "D?").
    E  Generic ballot, cycles 2018 and 2020: Democrats, Republicans.
    F  2020 president: Biden and Trump, nationally and in every state with at least
       ``--min-polls`` polls in the list, 2020-02-27 to 2020-10-21 (the poll list stops).

    Two variants per series, both fitted with one BLAS thread as the worker runs:

    mixed
        One version per poll (538's poll_id; for D a poll is its field dates, pollster and
        sponsor), the one ``domain.versions.version_rank`` prefers, fitted as published.
    to target
        The same polls moved to the question's target population as the worker does
        (``jobs.populations``): ``target_population`` of the counted polls, the gaps
        ``stats.population_gaps`` measures on every version of the polls reported for
        several populations, and ``stats.to_population``.

    The table gives per series the counted polls, the target population, how many polls it
    moved and the gap pairs it had, the days compared, both mean absolute differences and
    the seconds both fits took; then per pair the mean over its series.

    .venv/bin/python bench/bench_fte_pairs.py [--data-dir ../shared/data]
        [--pairs A B C D E F] [--min-polls 30]

Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_stats import PAIR_A, SUBGROUP  # noqa: E402

from pollservice import stats  # noqa: E402
from pollservice.domain.versions import target_population, version_rank  # noqa: E402

COPIES = Path("fivethirtyeight-thirdparty-copies")
MIRROR = Path("fivethirtyeight-polls-mirror")
OLD_MODEL = Path("fivethirtyeight") / "polls" / "old_model"
IMPEACHMENT = Path("fivethirtyeight") / "impeachment-polls"
PAIRS = ("A", "B", "C", "D", "E", "F")
TRUE_WORDS = {"1", "true", "t", "yes", "y", "on"}  # as domain.poll_fields.TRUE_WORDS
FRAME_COLUMNS = ("pollster", "start_date", "end_date", "sample_size", "population", "pct",
                 "tracking", "partisan", "internal")
VERSION_COLUMNS = ("version_group", "population", "end_date", "sample_size", "pct")

#: 538 question categories of each impeachment question group (SOURCES.md: a guess).
IMPEACH_GROUPS = {"begin": ("begin_proceedings", "begin_inquiry"),
                  "impeach": ("impeach", "impeach_and_remove"),
                  "remove": ("remove", "if_impeach_then_remove")}
IMPEACH_ALL = (*(c for group in IMPEACH_GROUPS.values() for c in group), "consider")
PARTIES = {"all": ("Yes", "No", "SampleSize"), "dem": ("Dem Yes", "Dem No", "Dem Sample"),
           "rep": ("Rep Yes", "Rep No", "Rep Sample"), "ind": ("Ind Yes", "Ind No", "Ind Sample")}
GENERIC_WINDOWS = {2018: ("2017-04-15", "2018-11-06"), 2020: ("2019-04-01", "2020-11-02")}
F_WINDOW = ("2020-02-27", "2020-10-21")
F_CANDIDATES = {"Biden": "Joseph R. Biden Jr.", "Trump": "Donald Trump"}
F_DISTRICTS = {"Maine CD-1": "ME-1", "Maine CD-2": "ME-2", "Nebraska CD-1": "NE-1",
               "Nebraska CD-2": "NE-2"}


@dataclass
class Series:
    """One line of 538's and the poll versions behind it.

    ``versions``: every version of every poll reporting the answer, ``pct`` the answer's
    share; ``poll`` is the unit that counts once, ``version_group`` the poll whose
    populations are compared (the same but for D), ``answers`` and ``source_id`` feed
    ``version_rank``. ``topline``: ``date``, ``estimate`` (538), inside the compare window.
    """

    pair: str
    name: str
    versions: pd.DataFrame
    topline: pd.DataFrame
    is_race: bool
    guess: bool = False


# --------------------------------------------------------------------------------------
# Reading the files
# --------------------------------------------------------------------------------------


def flag(column: pd.Series) -> pd.Series:
    return column.astype("string").str.strip().str.lower().isin(TRUE_WORDS).fillna(False).astype(bool)


def dates(column: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(column, format=fmt)


def base_versions(raw: pd.DataFrame, pollster: str, fmt: str, answer_columns: Iterable[str]) -> dict:
    """The columns every version frame shares, from a 538 file with ``poll_id`` and
    ``question_id`` (one row per question)."""
    group = raw["poll_id"].astype(str)
    if "state" in raw.columns:  # a poll of several states is one poll per state
        group = group + ":" + raw["state"].astype("string").fillna("")
    start, end = ("startdate", "enddate") if "startdate" in raw.columns else ("start_date", "end_date")
    return {
        "poll": group.to_numpy(), "version_group": group.to_numpy(),
        "source_id": raw["question_id"].astype(str).to_numpy(),
        "answers": raw[list(answer_columns)].notna().sum(axis=1).to_numpy(),
        "pollster": raw[pollster].to_numpy(),
        "start_date": dates(raw[start], fmt).to_numpy(), "end_date": dates(raw[end], fmt).to_numpy(),
        "sample_size": pd.to_numeric(raw.get("samplesize", raw.get("sample_size")),
                                     errors="coerce").to_numpy(dtype=float),
        "population": raw["population"].astype(str).str.strip().str.lower().to_numpy(),
        "tracking": flag(raw["tracking"]).to_numpy(),
        "partisan": (raw["partisan"].notna().to_numpy() if "partisan" in raw.columns
                     else np.zeros(len(raw), dtype=bool)),
        "internal": (flag(raw["internal"]).to_numpy() if "internal" in raw.columns
                     else np.zeros(len(raw), dtype=bool)),
    }


def polllist_versions(path: Path) -> pd.DataFrame:
    """538's approval poll list: each question once (the list repeats a question per
    subgroup it feeds), so a poll's adult and voter versions are both here, as the
    ``fte-approval`` import stores them."""
    raw = pd.read_csv(path).drop_duplicates("question_id").reset_index(drop=True)
    frame = pd.DataFrame(base_versions(raw, "pollster", "%m/%d/%Y", ("approve", "disapprove")))
    return frame.assign(approve=raw["approve"].astype(float), disapprove=raw["disapprove"].astype(float))


def approval_topline(path: Path) -> pd.DataFrame:
    top = pd.read_csv(path)
    top = top[top["subgroup"] == SUBGROUP]
    return pd.DataFrame({"date": dates(top["modeldate"], "%m/%d/%Y"),
                         "approve": top["approve_estimate"].astype(float),
                         "disapprove": top["disapprove_estimate"].astype(float)})


def make_series(pair: str, name: str, versions: pd.DataFrame, column: str, topline: pd.DataFrame,
                top_column: str, is_race: bool, window=(None, None), guess=False) -> Series:
    """A ``Series`` of ``versions[column]`` against ``topline[top_column]``, the topline
    sorted, one row per day (the last), clipped to ``window`` (ISO days, inclusive)."""
    top = pd.DataFrame({"date": pd.to_datetime(topline["date"]).to_numpy(),
                        "estimate": topline[top_column].astype(float).to_numpy()})
    top = top.dropna().sort_values("date").drop_duplicates("date", keep="last")
    start, end = window
    if start is not None:
        top = top[(top["date"] >= pd.Timestamp(start)) & (top["date"] <= pd.Timestamp(end))]
    own = versions.assign(pct=versions[column].astype(float)).dropna(subset=["pct"])
    return Series(pair, name, own.reset_index(drop=True), top.reset_index(drop=True), is_race, guess)


def pair_a(data_dir: Path) -> list[Series]:
    versions = polllist_versions(data_dir / PAIR_A / "approval_polllist.csv")
    top = approval_topline(data_dir / PAIR_A / "approval_topline.csv")
    return [make_series("A", a, versions, a, top, a, False) for a in ("approve", "disapprove")]


def pair_b(data_dir: Path) -> list[Series]:
    raw = pd.read_csv(data_dir / MIRROR / "president_approval_polls.csv")
    raw = raw[raw["state"].isna()].reset_index(drop=True)
    versions = pd.DataFrame(base_versions(raw, "display_name", "%m/%d/%y", ("yes", "no")))
    versions = versions.assign(approve=raw["yes"].astype(float), disapprove=raw["no"].astype(float))
    top = approval_topline(data_dir / OLD_MODEL / "donald_trump_approval_old_model.csv")
    return [make_series("B", a, versions, a, top, a, False) for a in ("approve", "disapprove")]


def pair_c(data_dir: Path) -> list[Series]:
    versions = polllist_versions(data_dir / COPIES / "OGMasonC-My_Website" / "approval_polllist.csv")
    long = pd.read_csv(data_dir / OLD_MODEL / "joe_biden_approval_old_model.csv")
    top = long.pivot(index="date", columns="answer", values="pct_estimate").reset_index()
    return [make_series("C", a.lower(), versions, a.lower(), top, a, False,
                        ("2021-01-01", "2021-10-21")) for a in ("Approve", "Disapprove")]


def impeachment_versions(raw: pd.DataFrame, party: str, categories: Iterable[str]) -> pd.DataFrame:
    """Rows of ``categories`` as versions of one party's line: a poll is its field dates,
    pollster and sponsor (the file has no poll id), its populations compared per question
    category; ``counted`` is 538's ``Include?``."""
    yes, no, size = PARTIES[party]
    rows = raw[raw["Category"].isin(list(categories))]
    poll = (rows["Start"] + "|" + rows["End"] + "|" + rows["Pollster"] + "|"
            + rows["Sponsor"].fillna(""))
    answers = rows[["Yes", "No", "Unsure"]] if party == "all" else rows[[yes, no]]
    return pd.DataFrame({
        "poll": poll, "version_group": poll + "|" + rows["Category"],
        "source_id": rows.index.astype(str), "answers": answers.notna().sum(axis=1),
        "pollster": rows["Pollster"], "start_date": dates(rows["Start"], "%m/%d/%Y"),
        "end_date": dates(rows["End"], "%m/%d/%Y"),
        "sample_size": pd.to_numeric(rows[size], errors="coerce"),
        "population": rows["Pop"].astype(str).str.strip().str.lower(),
        "tracking": flag(rows["tracking"]), "partisan": False, "internal": False,
        "counted": rows["Include?"].astype(str).str.strip().str.lower().eq("yes"),
        "yes": pd.to_numeric(rows[yes], errors="coerce"), "no": pd.to_numeric(rows[no], errors="coerce"),
    }).reset_index(drop=True)


def pair_d(data_dir: Path) -> list[Series]:
    raw = pd.read_csv(data_dir / IMPEACHMENT / "impeachment_polls.csv")
    top = pd.read_csv(data_dir / IMPEACHMENT / "impeachment_topline.csv").dropna(
        subset=["party", "category_group"])  # SOURCES.md: 8 rows without them are suspect
    top = top.assign(date=dates(top["modeldate"], "%m/%d/%Y"))
    out = []
    for group, categories in {"all": IMPEACH_ALL, **IMPEACH_GROUPS}.items():
        for party in PARTIES:
            versions = impeachment_versions(raw, party, categories)
            line = top[(top["party"] == party) & (top["category_group"] == group)]
            for answer in ("yes", "no"):
                out.append(make_series("D?" if group != "all" else "D", f"{party}/{group} {answer}",
                                       versions, answer, line, f"{answer}_estimate", False,
                                       guess=group != "all"))
    return out


def pair_e(data_dir: Path) -> list[Series]:
    raw = pd.read_csv(data_dir / MIRROR / "generic_ballot_polls.csv")
    top = pd.read_csv(data_dir / OLD_MODEL / "generic_ballot_averages_old_model.csv")
    out = []
    for cycle, window in GENERIC_WINDOWS.items():
        polls = raw[(raw["cycle"] == cycle) & raw["state"].isna()].reset_index(drop=True)
        versions = pd.DataFrame(base_versions(polls, "display_name", "%m/%d/%y", ("dem", "rep", "ind")))
        versions = versions.assign(dem=polls["dem"].astype(float), rep=polls["rep"].astype(float))
        for column, candidate in (("dem", "Democrats"), ("rep", "Republicans")):
            line = top[(top["cycle"] == cycle) & (top["candidate"] == candidate)]
            out.append(make_series("E", f"{cycle} {column}", versions, column, line, "pct_estimate",
                                   True, window))
    return out


def president_versions(data_dir: Path) -> pd.DataFrame:
    """The questions of 2020's president_polls.csv that ask Biden against Trump (with or
    without third parties; the hypothetical match-ups left out), one row per question
    with ``Biden``, ``Trump`` and ``geography`` (538's average's name for it)."""
    raw = pd.read_csv(data_dir / MIRROR / "president_polls.csv")
    shares = raw.pivot_table(index="question_id", columns="answer", values="pct", aggfunc="first")
    counts = raw.groupby("question_id")["answer"].nunique().rename("n_answers")
    shares = shares.loc[shares["Biden"].notna() & shares["Trump"].notna(), ["Biden", "Trump"]]
    questions = raw.drop_duplicates("question_id").set_index("question_id")
    questions = questions.join(shares, how="inner").join(counts).reset_index()
    versions = pd.DataFrame(base_versions(questions, "display_name", "%m/%d/%y", ("Biden",)))
    versions["answers"] = questions["n_answers"].to_numpy()  # the whole field, not only these two
    geography = questions["state"].fillna("National").replace(F_DISTRICTS)
    return versions.assign(Biden=questions["Biden"].to_numpy(), Trump=questions["Trump"].to_numpy(),
                           geography=geography.to_numpy())


def pair_f(data_dir: Path, min_polls: int) -> list[Series]:
    versions = president_versions(data_dir)
    top = pd.read_csv(data_dir / COPIES / "fostercole-election_prediction"
                      / "presidential_poll_averages_2020.csv")
    top = top.assign(date=dates(top["modeldate"], "%m/%d/%Y"))
    polls = versions.groupby("geography")["poll"].nunique()
    places = ["National", *sorted(g for g in polls.index if g != "National" and polls[g] >= min_polls)]
    out = []
    for place in places:
        own = versions[versions["geography"] == place]
        for answer, candidate in F_CANDIDATES.items():
            line = top[(top["state"] == place) & (top["candidate_name"] == candidate)]
            out.append(make_series("F", f"{place} {answer}", own, answer, line, "pct_estimate",
                                   True, F_WINDOW))
    return out


# --------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------


def ranked(versions: pd.DataFrame, is_race: bool) -> pd.DataFrame:
    """``versions`` in ``version_rank`` order (the preferred version of each poll first)."""
    keys = [version_rank(p, int(a), s, is_race) for p, a, s in
            zip(versions["population"], versions["answers"], versions["source_id"], strict=True)]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return versions.iloc[order].reset_index(drop=True)


def realtime_mad(frame: pd.DataFrame, topline: pd.DataFrame) -> tuple[float, float, int]:
    """Mean |realtime kalman - 538| and mean (realtime kalman - 538) over the topline's days
    with both, and how many days."""
    line = stats.fit(frame, "kalman").trend(topline["date"], realtime=True)
    diff = line["estimate"].to_numpy() - topline["estimate"].to_numpy()
    diff = diff[np.isfinite(diff)]
    if not diff.size:
        return np.nan, np.nan, 0
    return float(np.mean(np.abs(diff))), float(np.mean(diff)), int(diff.size)


def run_series(series: Series) -> dict:
    started = time.perf_counter()
    versions = ranked(series.versions, series.is_race)
    eligible = versions[versions["counted"]] if "counted" in versions.columns else versions
    counted = eligible.drop_duplicates("poll", keep="first")
    frame = counted[[c for c in FRAME_COLUMNS if c in counted.columns]].reset_index(drop=True)
    target = target_population(frame["population"].unique(), series.is_race)
    several = versions.groupby("version_group")["population"].transform("nunique") > 1
    gaps = stats.population_gaps(versions.loc[several, list(VERSION_COLUMNS)], target)
    adjusted = stats.to_population(frame, gaps, target)
    with threadpool_limits(limits=1, user_api="blas"):
        mixed, mixed_bias, days = realtime_mad(frame, series.topline)
        moved, moved_bias, _ = realtime_mad(adjusted, series.topline)
    return {"pair": series.pair, "series": series.name, "polls": len(frame), "target": target,
            "moved": int((frame["population"] != target).sum()), "pairs": len(gaps), "days": days,
            "mixed": mixed, "to_target": moved,
            "mixed_bias": mixed_bias, "target_bias": moved_bias, "seconds": time.perf_counter() - started}


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------

HEADER = ("pair", "series", "polls", "target", "moved", "pairs", "days", "MAD mixed", "MAD to target",
          "bias mixed", "bias target", "seconds")
WIDTHS = (4, 24, 6, 6, 6, 6, 6, 10, 14, 10, 11, 8)


def print_row(cells: Iterable[str]) -> None:
    cells = list(cells)
    text = [f"{cells[0]:<{WIDTHS[0]}}", f"{cells[1]:<{WIDTHS[1]}}"]
    text += [f"{c:>{w}}" for c, w in zip(cells[2:], WIDTHS[2:], strict=True)]
    print("  ".join(text))


def print_table(rows: list[dict]) -> None:
    print_row(HEADER)
    print("-" * (sum(WIDTHS) + 2 * (len(WIDTHS) - 1)))
    for r in rows:
        print_row((r["pair"], r["series"], f"{r['polls']:,}", r["target"] or "-", f"{r['moved']:,}",
                   f"{r['pairs']:,}", f"{r['days']:,}", f"{r['mixed']:.3f}", f"{r['to_target']:.3f}",
                   f"{r['mixed_bias']:+.3f}", f"{r['target_bias']:+.3f}", f"{r['seconds']:.1f}"))
    table = pd.DataFrame(rows)
    print("\nPer pair: mean over its series (D? = the impeachment groups whose mapping is a guess)")
    print_row(("pair", "", "series", "", "", "", "days", "MAD mixed", "MAD to target", "bias mixed",
               "bias target", "seconds"))
    for pair, group in table.groupby("pair", sort=False):
        print_row((pair, "", f"{len(group)}", "", "", "", f"{group['days'].sum():,}",
                   *(f"{group[c].mean():{f}}" for c, f in (("mixed", ".3f"), ("to_target", ".3f"),
                                                            ("mixed_bias", "+.3f"), ("target_bias", "+.3f"))),
                   f"{group['seconds'].sum():.1f}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data",
                        help="folder of the shared poll data (default: ../shared/data)")
    parser.add_argument("--pairs", nargs="+", choices=PAIRS, default=list(PAIRS),
                        help="pairs to run (default: all)")
    parser.add_argument("--min-polls", type=int, default=30,
                        help="pair F: states with at least this many polls (default 30)")
    args = parser.parse_args()
    loaders: dict[str, Callable[[], list[Series]]] = {
        "A": lambda: pair_a(args.data_dir), "B": lambda: pair_b(args.data_dir),
        "C": lambda: pair_c(args.data_dir), "D": lambda: pair_d(args.data_dir),
        "E": lambda: pair_e(args.data_dir), "F": lambda: pair_f(args.data_dir, args.min_polls)}
    started = time.perf_counter()
    rows = []
    for pair in PAIRS:
        if pair in args.pairs:
            for series in loaders[pair]():
                rows.append(run_series(series))
                print(f"  {series.pair} {series.name}: {rows[-1]['seconds']:.1f} s", file=sys.stderr)
    print_table(rows)
    print(f"\n(bench ran {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
