"""The calibration scoreboard on real races: 538's raw-polls.csv (1998-2022, the polls of
the last three weeks of 2,000-odd decided races; Data: FiveThirtyEight (ABC News), CC BY
4.0) imported into a fresh SQLite instance (or ``--database-url``), every question's
averages computed (what ``flask recompute-averages --all`` does), then ``evaluate`` (what
``flask evaluate`` does). Prints the time of each step and the scoreboard by method and by
method and office.

    .venv/bin/python bench/bench_calibration.py [--data ../shared/data] [--database-url URL]
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

ROOT = Path(__file__).resolve().parents[1]
RAW = Path("fivethirtyeight/pollster-ratings/2023/raw-polls.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-calibration-"))
    app = fresh_app(args.database_url or f"sqlite:///{folder / 'calibration.sqlite3'}", folder)
    compute.install(app)
    with app.app_context():
        started = time.perf_counter()
        summary = import_text(read_text(args.data / RAW), RAW.name, actor="import:raw-polls.csv")
        print(f"import: {summary.added:,} polls in {time.perf_counter() - started:.1f} s")
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
    for name in ("by_method", "by_office"):
        print(f"\n{name}:\n", pd.DataFrame(run.tables[name]).to_string(index=False))


if __name__ == "__main__":
    main()
