"""Import every real poll file users hold into one fresh instance, and print what each
file took: rows, added, merged (updated + unchanged), warnings, seconds (reading and
planning, writing, the commit, the recomputation of the stored averages) and the process's
peak memory (``ru_maxrss``, which includes the interpreter and the libraries: the baseline
is printed first).

The files (``../shared/data``, see its SOURCES.md): 538's polls page (president, generic
ballot, presidential approval), two approval poll lists, raw-polls.csv of the pollster
ratings, the impeachment polls, and The Economist's 2008-2016 presidential polls. They
import through the service the CLI uses (``read_text`` + ``import_text``), into a fresh
SQLite file built by the Alembic migrations in a temporary folder, and, with ``--postgres
URL``, into that PostgreSQL database, whose public schema is DROPPED and rebuilt first
(give it a database of its own). Then the store's counts are printed.

Each commit queues the recomputes of the questions it touched; no worker runs here, so
these are the import's own times.

    .venv/bin/python bench/bench_import.py [--postgres URL] [--repeat]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DATA = REPO.parent / "shared" / "data"
os.environ.setdefault("MPLCONFIGDIR", str(REPO / "instance" / "matplotlib"))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from pollservice import create_app  # noqa: E402
from pollservice.extensions import db  # noqa: E402
from pollservice.models import Poll, Pollster, PollsterAlias, Question, Race, RaceResult  # noqa: E402
from pollservice.services.imports import import_text, peak_rss_mb, read_text  # noqa: E402

FILES = [
    "fivethirtyeight-polls-mirror/president_polls.csv",
    "fivethirtyeight-polls-mirror/generic_ballot_polls.csv",
    "fivethirtyeight-polls-mirror/president_approval_polls.csv",
    "fivethirtyeight-thirdparty-copies/dskinnion-Gov1347_Blog/approval_polllist.csv",
    "fivethirtyeight-thirdparty-copies/OGMasonC-My_Website/approval_polllist.csv",
    "fivethirtyeight/pollster-ratings/2023/raw-polls.csv",
    "fivethirtyeight/impeachment-polls/impeachment_polls.csv",
    "economist-us-potus-model/data/all_polls.csv",
    "economist-us-potus-model/data/all_polls_2012.csv",
    "economist-us-potus-model/data/all_polls_2008.csv",
]


def fresh_app(url: str, folder: Path):
    """An app on ``url``, migrated from nothing to the head revision."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only-secret",
                      "TESTING": True, "JOBS_SQLITE_FILE": str(folder / "jobs.sqlite3")})
    app.instance_path = str(folder)
    with app.app_context():
        upgrade()
    return app


def import_all(app) -> float:
    header = (f"{'file':<28} {'rows':>6} {'added':>6} {'merged':>6} {'warn':>5} {'s':>6} "
              f"{'read+plan':>9} {'write':>6} {'commit':>6} {'peak MB':>7}")
    print(header)
    total = 0.0
    for name in FILES:
        path = DATA / name
        with app.app_context():
            started = time.perf_counter()
            summary = import_text(read_text(path), path.name, actor=f"import:{path.name}")
            seconds = time.perf_counter() - started
            db.session.remove()
        total += seconds
        t = summary.timings
        label = f"{path.parent.name[:10]}/{path.name}"[-28:]
        print(f"{label:<28} {summary.rows:>6} {summary.added:>6} {summary.merged:>6} "
              f"{len(summary.warnings):>5} {seconds:>6.1f} {t.get('read', 0) + t.get('plan', 0):>9.1f} "
              f"{t.get('write', 0):>6.1f} {t.get('commit', 0):>6.1f} {summary.peak_memory_mb:>7.0f}")
        for warning in summary.warnings[:3]:
            print(f"    warning line {warning.line}: {warning.field}: {warning.message[:90]}")
    print(f"whole import: {total:.1f} s")
    return total


def counts(app) -> None:
    with app.app_context():
        def count(model, *where):
            statement = sa.select(sa.func.count()).select_from(model).where(*where)
            return db.session.execute(statement).scalar_one()
        print(f"store: {count(Question)} questions ({count(Question, Question.race_id.is_not(None))} "
              f"of races, {count(Question, Question.hypothetical.is_(True))} hypothetical), "
              f"{count(Race)} races ({count(RaceResult)} results), {count(Pollster)} pollsters "
              f"({count(PollsterAlias)} aliases), {count(Poll)} polls "
              f"({count(Poll, Poll.counted.is_(False))} not counted)")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", help="also import into this PostgreSQL "
                        "database (its public schema is dropped first)")
    parser.add_argument("--repeat", action="store_true",
                        help="import everything a second time (must add nothing)")
    args = parser.parse_args()
    missing = [name for name in FILES if not (DATA / name).is_file()]
    if missing:
        parser.error(f"not found under {DATA}: {', '.join(missing)}")
    print(f"peak RSS before any import: {peak_rss_mb():.0f} MB")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as temp:
        targets = [("SQLite", f"sqlite:///{Path(temp) / 'bench.sqlite3'}")]
        if args.postgres:
            targets.append(("PostgreSQL", args.postgres))
        for label, url in targets:
            print(f"\n== {label}")
            app = fresh_app(url, Path(temp))
            import_all(app)
            if args.repeat:
                print("-- again")
                import_all(app)
            counts(app)


if __name__ == "__main__":
    main()
