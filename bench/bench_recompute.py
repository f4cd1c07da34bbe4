"""The workers' recomputes after a bulk import (issue 13): import FiveThirtyEight's
``raw-polls.csv`` (11,106 polls, 2,161 questions; ``--files all``: every real file of
bench_import.py) into an empty database while ``--workers`` job workers run, and print when
the import had committed and when every question's stored results were current (every
method, real-time and retrospective) and when their default charts were drawn (unless
``--no-charts``: none drawn), the
queue depth over time, and the peak memory of the worker processes. Then, with
``--web``, it serves the result with gunicorn (2 sync workers), loads every kind of page
of the most polled questions and prints each web worker's peak resident memory.

    .venv/bin/python bench/bench_recompute.py [--workers 2] [--database-url URL] [--redis-url URL]
        [--files raw-polls|all] [--no-charts] [--web]

A PostgreSQL database given is emptied (schema ``public`` dropped and re-created).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench_import import DATA, FILES  # noqa: E402
from bench_load import (  # noqa: E402
    peak_rss_mb,
    reset_postgres,
    run_flask,
    start_gunicorn,
    start_job_worker,
    worker_pids,
)

RAW_POLLS = "fivethirtyeight/pollster-ratings/2023/raw-polls.csv"


def environment(args, folder: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": "bench-only-secret",
           "POLLSERVICE_JOBS_SQLITE_FILE": json.dumps(str(folder / "jobs.sqlite3")),
           "MPLCONFIGDIR": str(folder / "mpl")}
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env.update(REDIS_URL=args.redis_url, REDIS_KEY_PREFIX=f"bench-{uuid.uuid4().hex[:8]}:")
    if args.no_charts:
        env["POLLSERVICE_RECOMPUTE_CHART_VARIANTS"] = "[]"
    return env


def progress(engine) -> tuple[int, int, int]:
    """(questions, current, queued or running jobs)."""
    with engine.connect() as connection:
        total, current = connection.execute(sa.text(
            "SELECT count(*), coalesce(sum(CASE WHEN computed_version >= data_version THEN 1 ELSE 0 END), 0) "
            "FROM question")).one()
        pending = connection.execute(sa.text(
            "SELECT count(*) FROM recompute_job WHERE state IN ('queued', 'running')")).scalar_one()
    return int(total), int(current), int(pending)


def charts_drawn(engine) -> int:
    """Questions whose default question-page chart of their computed version is stored."""
    with engine.connect() as connection:
        drawn = connection.execute(sa.text(
            "SELECT count(*) FROM stored_chart c JOIN question q ON q.id = c.question_id "
            "AND c.data_version = q.computed_version WHERE c.variant = 'png|full|1|kalman|||0'"))
        return int(drawn.scalar_one())


def sample_memory(pids_of, peaks: dict[int, float], stop: threading.Event) -> None:
    while not stop.is_set():
        for pid in pids_of():
            try:
                peaks[pid] = max(peaks.get(pid, 0.0), peak_rss_mb(pid))
            except (OSError, AttributeError):
                pass
        stop.wait(1.0)


def load_pages(env: dict, engine, folder: Path) -> None:
    """gunicorn with 2 workers on the result; every kind of page of the ten most polled
    questions; each web worker's peak RSS."""
    server, base = start_gunicorn(env, 2, folder / "gunicorn.log")
    try:
        with engine.connect() as connection:
            slugs = list(connection.execute(sa.text(
                "SELECT slug FROM question ORDER BY poll_count DESC LIMIT 10")).scalars())
        statuses: dict[int, int] = {}
        for _ in range(3):  # both workers see every page
            for slug in slugs:
                for path in (f"/questions/{slug}", f"/api/v1/questions/{slug}/average",
                             f"/api/v1/questions/{slug}/trend?method=lowess&realtime=true",
                             f"/api/v1/questions/{slug}/house-effects", f"/charts/{slug}.png",
                             f"/charts/{slug}.png?size=thumb&scale=2", f"/embed/{slug}"):
                    code = requests.get(base + path, timeout=60).status_code
                    statuses[code] = statuses.get(code, 0) + 1
            for path in ("/", "/races", "/topics", "/pollsters", "/search?q=president"):
                code = requests.get(base + path, timeout=60).status_code
                statuses[code] = statuses.get(code, 0) + 1
        print(f"web: {sum(statuses.values())} requests, statuses {statuses}")
        for pid in worker_pids(server.pid):
            print(f"web worker {pid}: peak RSS {peak_rss_mb(pid):.0f} MB")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    parser.add_argument("--redis-url")
    parser.add_argument("--files", choices=("raw-polls", "all"), default="raw-polls")
    parser.add_argument("--no-charts", action="store_true", help="recomputes draw no chart")
    parser.add_argument("--web", action="store_true", help="then serve it and measure the web workers")
    args = parser.parse_args()
    files = [RAW_POLLS] if args.files == "raw-polls" else FILES
    with tempfile.TemporaryDirectory(prefix="bench-recompute-") as temp:
        folder = Path(temp)
        if args.database_url:
            reset_postgres(args.database_url)
        else:
            args.database_url = f"sqlite:///{folder / 'bench.sqlite3'}"
        env = environment(args, folder)
        run_flask(env, "db", "upgrade")
        engine = sa.create_engine(args.database_url)
        worker = start_job_worker(env, folder / "worker.log", args.workers)
        peaks: dict[int, float] = {}
        stop = threading.Event()
        sampler = threading.Thread(target=sample_memory, daemon=True,
                                   args=(lambda: [worker.pid, *worker_pids(worker.pid)], peaks, stop))
        sampler.start()
        try:
            time.sleep(3)  # the worker is up before the clock starts
            started = time.perf_counter()
            for name in files:
                run_flask(env, "import-polls", str(DATA / name), "--no-wait")
            imported = time.perf_counter() - started
            total, current, pending = progress(engine)
            print(f"import committed after {imported:.1f} s ({total} questions, {current} current, "
                  f"{pending} recomputes pending)")
            depth = []
            while True:
                total, current, pending = progress(engine)
                depth.append((time.perf_counter() - started, pending))
                if current >= total:
                    break
                if worker.poll() is not None:
                    sys.exit("the worker stopped:\n" + (folder / "worker.log").read_text()[-3000:])
                time.sleep(1.0)
            finished = time.perf_counter() - started
            drawn_at = None
            while not args.no_charts:
                if charts_drawn(engine) >= total:
                    drawn_at = time.perf_counter() - started
                    break
                time.sleep(1.0)
        finally:
            stop.set()
            worker.terminate()
            worker.wait(timeout=60)
        print(f"every question's stored averages and lines current after {finished:.1f} s "
              f"(recomputes: {finished - imported:.1f} s after the import's commit)")
        if drawn_at is not None:
            print(f"and the default charts of every question drawn after {drawn_at:.1f} s")
        marks = [f"{t:.0f}s:{n}" for t, n in depth[:: max(len(depth) // 12, 1)]]
        print("queue depth (queued + running) over time: " + " ".join(marks))
        failed = len(re.findall(r"recomputing question \d+ failed", (folder / "worker.log").read_text()))
        print(f"failed attempts in the worker log: {failed}")
        for pid, peak in sorted(peaks.items()):
            print(f"job worker {pid}: peak RSS {peak:.0f} MB")
        if args.web:
            load_pages(env, engine, folder)
        engine.dispose()


if __name__ == "__main__":
    main()
