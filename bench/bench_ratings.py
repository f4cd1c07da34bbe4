"""Pollster ratings on the whole of 538's raw-polls.csv (1998-2022; Data: FiveThirtyEight
(ABC News), CC BY 4.0), against 538's own published ratings of the same polls
(``pollster-ratings/2023/pollster-ratings.csv``).

Imports raw-polls.csv into a fresh SQLite instance (or ``--database-url``), runs
``rate_pollsters`` (what ``flask rate-pollsters`` runs) and prints: the time of each step,
how many polls, races and pollsters were judged and rated, and for the pollsters both rate
(matched by name) how close the figures are: the mean absolute error of each poll (538's
"Simple Average Error"), the bias on the Democrat-minus-Republican margin (538's "Bias") and
our relative error against 538's "Simple Plus-Minus" (Pearson and Spearman correlations),
then the verdicts and the ten best and worst rated.

    .venv/bin/python bench/bench_ratings.py [--data ../shared/data] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import fresh_app  # noqa: E402

from pollservice.domain.ratings import MIN_POLLS, MIN_RACES  # noqa: E402
from pollservice.extensions import db  # noqa: E402
from pollservice.jobs.ratings import rate_pollsters, rating_polls  # noqa: E402
from pollservice.services.imports import import_text, read_text  # noqa: E402
from pollservice.stats.ratings import poll_errors, pollster_ratings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RATINGS = Path("fivethirtyeight/pollster-ratings/2023")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ratings-"))
    app = fresh_app(args.database_url or f"sqlite:///{folder / 'ratings.sqlite3'}", folder)
    raw = args.data / RATINGS / "raw-polls.csv"
    with app.app_context():
        started = time.perf_counter()
        summary = import_text(read_text(raw), raw.name, actor="import:raw-polls.csv")
        seconds = time.perf_counter() - started
        print(f"import: {summary.rows:,} rows, {summary.added:,} polls in {seconds:.1f} s")
        started = time.perf_counter()
        done = rate_pollsters()
        print(f"rate_pollsters: {time.perf_counter() - started:.2f} s; judged {done['polls']:,} polls of "
              f"{done['races']:,} races by {done['pollsters']:,} pollsters; rated {done['rated']}")
        errors = poll_errors(rating_polls(db.session))
        ours = pollster_ratings(errors, min_polls=MIN_POLLS, min_races=MIN_RACES).set_index("pollster")
        db.session.remove()
    per_poll = errors.groupby("pollster").agg(polls=("abs_error", "size"), mae=("abs_error", "mean"),
                                              bias=("dem_error", "mean"))
    theirs = pd.read_csv(args.data / RATINGS / "pollster-ratings.csv").set_index("Pollster")
    both = per_poll.join(theirs, how="inner").join(ours[["relative", "verdict"]], how="inner")
    print(f"\n{len(both)} rated pollsters also in 538's ratings")
    difference = both["polls"] - both["Polls Analyzed"]
    print(f"polls judged vs 538's Polls Analyzed: equal for {(difference == 0).sum()}, "
          f"median difference {difference.abs().median():.0f}")
    for ours_col, theirs_col in (("mae", "Simple Average Error"), ("bias", "Bias"),
                                 ("relative", "Simple Plus-Minus")):
        pair = both[[ours_col, theirs_col]].dropna()
        print(f"{ours_col:>8} vs {theirs_col:<22} n={len(pair):>3}  mean |diff| "
              f"{(pair[ours_col] - pair[theirs_col]).abs().mean():5.2f}  Pearson "
              f"{pair.corr().iloc[0, 1]:.3f}  Spearman {pair.corr(method='spearman').iloc[0, 1]:.3f}")
    print("\nverdicts:", ours["verdict"].value_counts().to_dict())
    shown = ["polls", "races", "abs_error", "dem_error", "relative", "relative_lower", "relative_upper",
             "verdict"]
    print("\nbest ten by relative error:\n", ours[shown].head(10).round(2).to_string())
    print("\nworst ten:\n", ours[shown].dropna(subset=["relative"]).tail(10).round(2).to_string())


if __name__ == "__main__":
    main()
