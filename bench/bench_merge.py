"""Time a pollster merge at real scale, and the pages it touches.

Imports pair A's Trump approval poll list (15,995 rows; ``shared/data/SOURCES.md``) into a
fresh SQLite database (or ``--database-url``, e.g. a scratch PostgreSQL database: its tables
are dropped first), then merges the pollster with the most polls into a new pollster and
that one into another, through ``merge_pollsters`` (one UPDATE, one audit entry per poll, the touched
question's averages recomputed after the commit). Prints seconds per merge (including the
recompute of the stored averages that the commit triggers), the polls moved, and the
median server time of the possible-duplicates list and the pollster page.

    .venv/bin/python bench/bench_merge.py [--database-url URL] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_FILE = (REPO.parent / "shared" / "data" / "fivethirtyeight-thirdparty-copies"
                / "dskinnion-Gov1347_Blog" / "approval_polllist.csv")
os.environ.setdefault("MPLCONFIGDIR", str(REPO / "instance" / "matplotlib"))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from pollservice import create_app  # noqa: E402
from pollservice.extensions import db  # noqa: E402
from pollservice.models import Poll, Pollster, User  # noqa: E402
from pollservice.services.imports import import_text, read_text  # noqa: E402
from pollservice.services.pollster_identity import merge_pollsters  # noqa: E402
from pollservice.services.pollsters import add_pollster, get_pollster, rename_pollster  # noqa: E402


def make_app(url: str, folder: Path):
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only-secret", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    app.instance_path = str(folder)
    with app.app_context():
        upgrade()
    return app


def biggest_pollster() -> tuple[str, int]:
    slug, count = db.session.execute(
        sa.select(Pollster.slug, sa.func.count(Poll.id)).join(Poll).group_by(Pollster.slug)
        .order_by(sa.func.count(Poll.id).desc()).limit(1)).one()
    return slug, count


def time_merge(survivor_slug: str, merged_slug: str) -> tuple[float, int]:
    started = time.perf_counter()
    record = merge_pollsters(get_pollster(survivor_slug), get_pollster(merged_slug), actor="bench")[0]
    seconds = time.perf_counter() - started
    return seconds, record.polls_moved


def median_ms(client, path: str, repeat: int) -> tuple[float, int]:
    client.get(path)  # warm-up
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.data)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = options.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = make_app(url, Path(folder))
        with app.app_context():
            started = time.perf_counter()
            import_text(read_text(DEFAULT_FILE), DEFAULT_FILE.name, actor="import:bench")
            print(f"import {DEFAULT_FILE.name}: {time.perf_counter() - started:.1f} s")
            slug, count = biggest_pollster()
            add_pollster("Benchmark Survivor")
            print(f"{slug}: {count} polls; database {sa.make_url(url).get_backend_name()}")
            forth = time_merge("benchmark-survivor", slug)
            add_pollster("Benchmark Second")
            back = time_merge("benchmark-second", "benchmark-survivor")
            for label, (seconds, moved) in (("merge", forth), ("merge back", back)):
                print(f"{label}: {moved} polls moved in {seconds:.2f} s (commit and recompute included)")
            started = time.perf_counter()
            rename_pollster("benchmark-second", "Benchmark Renamed")  # the same recompute, no move
            print(f"baseline, a rename of that pollster (recomputes the same questions): "
                  f"{time.perf_counter() - started:.2f} s")
            db.session.add(User(username="bench", password_hash="x"))
            db.session.commit()
            survivor = db.session.execute(sa.select(Pollster.slug).join(Poll).group_by(Pollster.slug)
                                          .order_by(sa.func.count(Poll.id).desc()).limit(1)).scalar_one()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = "1"
            session["_fresh"] = True
        for path in ("/admin/pollsters/duplicates", f"/pollsters/{survivor}",
                     f"/admin/pollsters/{survivor}/merge?into=gallup"):
            ms, size = median_ms(client, path, options.repeat)
            print(f"GET {path}: median {ms:.0f} ms, {size / 1024:.0f} KB")
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
