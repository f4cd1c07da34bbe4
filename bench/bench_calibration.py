"""The calibration scoreboard on real races, imported into a fresh SQLite instance (or
``--database-url``), every question's averages computed (what ``flask recompute-averages
--all`` does), then ``evaluate`` (what ``flask evaluate`` does). ``--source raw-polls``
(default): 538's raw-polls.csv (1998-2022, the polls of the last three weeks of 2,000-odd
decided races; Data: FiveThirtyEight (ABC News), CC BY 4.0). ``--source economist``: The
Economist's presidential polls of 2008, 2012 and 2016 (whole campaigns, state and national;
us-potus-model, MIT; the polls are HuffPost Pollster's) with its results
(``potus_results_76_16.csv``, what ``flask import-results`` reads). Prints the time of each
step and the scoreboard by method and by method and office.

    .venv/bin/python bench/bench_calibration.py [--source raw-polls|economist] [--data ../shared/data]
        [--database-url URL]
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

from pollservice.extensions import db  # noqa: E402
from pollservice.jobs import compute  # noqa: E402
from pollservice.jobs.calibration import evaluate  # noqa: E402
from pollservice.services.averages import stale_questions  # noqa: E402
from pollservice.services.imports import import_text, read_text  # noqa: E402
from pollservice.services.imports.race_results import import_race_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {
    "raw-polls": [Path("fivethirtyeight/pollster-ratings/2023/raw-polls.csv")],
    "economist": [Path(f"economist-us-potus-model/data/{name}.csv")
                  for name in ("all_polls_2008", "all_polls_2012", "all_polls")],
}
ECONOMIST_RESULTS = Path("economist-us-potus-model/data/potus_results_76_16.csv")


def load(data: Path, source: str) -> None:
    for path in SOURCES[source]:
        started = time.perf_counter()
        summary = import_text(read_text(data / path), path.name, actor=f"import:{path.name}")
        print(f"import {path.name}: {summary.added:,} polls in {time.perf_counter() - started:.1f} s")
    if source == "economist":
        results = import_race_results(read_text(data / ECONOMIST_RESULTS), ECONOMIST_RESULTS.name)
        print(f"results: set on {len(results.races)} races; {results.not_held} rows of other races")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--source", choices=sorted(SOURCES), default="raw-polls")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-calibration-"))
    app = fresh_app(args.database_url or f"sqlite:///{folder / 'calibration.sqlite3'}", folder)
    compute.install(app)
    with app.app_context():
        load(args.data, args.source)
        ids = stale_questions(True)
        started = time.perf_counter()
        for question_id in ids:
            compute.recompute_now(question_id)
        print(f"recompute: {len(ids):,} questions in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        run = evaluate()
        seconds = time.perf_counter() - started
        print(f"evaluate: {run.races:,} races in {seconds:.1f} s; left out: {run.skipped}")
        db.session.remove()
    pd.set_option("display.width", 160)
    for name in ("by_method", "by_office", "by_cycle"):
        print(f"\n{name}:\n", pd.DataFrame(run.tables[name]).to_string(index=False))


if __name__ == "__main__":
    main()
