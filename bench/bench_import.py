"""Time ``import-polls`` on a real 538 poll list: seconds, rows/s and peak memory.

By default the file is pair A's Trump approval poll list (15,995 rows, snapshot 10/31/2020;
see ``shared/data/SOURCES.md``), found in ``../shared/data`` next to the repository.
The import runs through the service the CLI uses (``read_text`` + ``import_text``) into a
fresh SQLite database built by the Alembic migrations in a temporary folder, so the time
includes reading, validation, the bulk writes, the commit and the recomputation of the
touched questions' stored averages. A second import of the same file must add nothing.

Peak memory is reported twice: the process's peak resident set size (``ru_maxrss``, which
includes the interpreter and the imported libraries: the baseline is printed too) and the
``tracemalloc`` peak of Python allocations during one import. ``tracemalloc`` slows Python
down several times, so it is measured on a third import into another fresh database,
whose time is not the benchmark's.

    .venv/bin/python bench/bench_import.py [FILE] [--format auto] [--no-tracemalloc]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_FILE = (REPO.parent / "shared" / "data" / "fivethirtyeight-thirdparty-copies"
                / "dskinnion-Gov1347_Blog" / "approval_polllist.csv")
os.environ.setdefault("MPLCONFIGDIR", str(REPO / "instance" / "matplotlib"))

from flask_migrate import upgrade  # noqa: E402

from pollservice import create_app  # noqa: E402
from pollservice.extensions import db  # noqa: E402
from pollservice.services.imports import import_text, read_text  # noqa: E402
from pollservice.services.imports.rows import ImportSummary  # noqa: E402


def peak_rss_mb() -> float:
    """The process's peak resident set size so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def count_records(path: Path) -> int:
    """CSV records without the header (a quoted field's newlines count once)."""
    with path.open(newline="", encoding="utf-8-sig") as stream:
        return sum(1 for _record in csv.reader(stream)) - 1


def fresh_app(folder: Path):
    """An app on a new SQLite file in ``folder``, migrated to the head revision."""
    folder.mkdir(parents=True, exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench-only-secret", "TESTING": True})
    app.instance_path = str(folder)
    with app.app_context():
        upgrade()
    return app


def run_import(app, path: Path, fmt: str) -> tuple[ImportSummary, float]:
    """One import as ``flask import-polls FILE`` does it, and its wall-clock seconds."""
    with app.app_context():
        started = time.perf_counter()
        summary = import_text(read_text(path), path.name, fmt, actor=f"import:{path.name}")
        seconds = time.perf_counter() - started
        db.session.remove()
    return summary, seconds


def describe(summary: ImportSummary) -> str:
    return (f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
            f"rejected {summary.rejected}, skipped {sum(summary.skipped.values())}")


def phases(summary: ImportSummary) -> str:
    return ", ".join(f"{name} {seconds:.2f}" for name, seconds in summary.timings.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE,
                        help=f"poll file to import (default: {DEFAULT_FILE})")
    parser.add_argument("--format", default="auto", help="import format (default: auto)")
    parser.add_argument("--no-tracemalloc", action="store_true",
                        help="skip the third, traced import")
    args = parser.parse_args()
    if not args.file.is_file():
        parser.error(f"{args.file} not found; pass the poll list's path")

    rows = count_records(args.file)
    print(f"file: {args.file} ({args.file.stat().st_size:,} bytes, {rows:,} rows)")
    with tempfile.TemporaryDirectory(prefix="bench-import-") as temp:
        app = fresh_app(Path(temp) / "first")
        baseline = peak_rss_mb()
        summary, seconds = run_import(app, args.file, args.format)
        first_rss = peak_rss_mb()
        print(f"first import:  {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
              f"{describe(summary)}")
        print(f"  phases (s): {phases(summary)}")
        print(f"  peak RSS {first_rss:.0f} MB (before the import: {baseline:.0f} MB)")

        again, again_seconds = run_import(app, args.file, args.format)
        print(f"second import: {again_seconds:.2f} s = {rows / again_seconds:,.0f} rows/s; "
              f"{describe(again)}")
        print(f"  phases (s): {phases(again)}")
        if again.added or again.updated:
            print("  NOT IDEMPOTENT: the second import changed polls")

        if not args.no_tracemalloc:
            traced_app = fresh_app(Path(temp) / "traced")
            tracemalloc.start()
            _summary, traced_seconds = run_import(traced_app, args.file, args.format)
            _current, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"tracemalloc peak during an import: {traced_peak / 2**20:.0f} MB "
                  f"(traced run, {traced_seconds:.2f} s, not the benchmark time)")
        print(f"peak RSS of the whole run: {peak_rss_mb():.0f} MB")
        for each in (app, *([] if args.no_tracemalloc else [traced_app])):
            with each.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
