"""Election night (issue 13): 20 writers each add one poll a second for 60 s across 50
questions while readers load averages, trends and charts. Prints the failed requests,
the time from a write's commit until reads serve its version (median, p90, p99, max;
target p99 under 10 s with 2 job workers), how many recomputes ran for how many writes
(coalescing), the queue depth over time, the load average and peak memory.

The 50 questions are real: the 50 most polled questions of FiveThirtyEight's 2020
``president_polls.csv`` (../shared/data/fivethirtyeight-polls-mirror; Data:
FiveThirtyEight (ABC News), CC BY 4.0). The file is imported once into a scratch SQLite
database to learn which question each row lands in, then only the rows of those 50
questions are imported (``import-polls``) into the benchmark's fresh database: the
national race (about 1,000 polls), the battleground states and the hypothetical national
match-ups, down to about 17 polls. The job workers (``flask worker --workers N``) compute
every question before the clock starts.

During the run each writer thread POSTs one poll a second to a random one of the 50
questions (field dates just after the question's last poll, shares around its current
average, one of the 20 most prolific real pollsters of the data: concurrent first writes
naming a new pollster can fail), and after its 201 reads the question's ``data_version``
from the database: the version its commit made (or a later one, if another write landed
in between, which can only lengthen the measured time). Reader threads loop over random
questions fetching ``/average``, ``/trend``, ``/charts/<slug>.png`` and ``?size=thumb``.

"Visible" is measured by watcher threads: each polls the ``/average`` of every question
with a write not yet seen, through gunicorn, and a write is visible when the served
``computed.data_version`` reaches its version. That is one web worker's answer; without
Redis the others may serve the old version for up to ``READ_STALENESS_SECONDS`` (1 s)
more, with Redis they learn at the same message. As a cross-check, each reader records
when it first saw each version of each question (``computed.data_version`` or the
``Pollservice-Data-Version`` header); "seen by every reader" is the latest of those first
sights, which adds each reader's sampling delay (a reader visits a given question only
every few seconds). Readers and watchers keep going after the writers stop until every
write is visible (or ``--drain-seconds``).

Recomputes are counted from the job workers' log (Huey's "recompute_question ... executed
in" lines after the clock started; one without work, a duplicate message, takes
milliseconds and is counted apart). Queue depth is sampled every second: ``recompute_job``
rows queued and running, and ``/healthz``'s ``jobs``.

    .venv/bin/python bench/bench_election_night.py                # SQLite in a temp folder
    .venv/bin/python bench/bench_election_night.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_night \\
        --redis-url redis://127.0.0.1:6379/0

A PostgreSQL database given is emptied (schema ``public`` dropped and re-created); with
``--redis-url`` the queue and the version messages use Redis under a unique
``REDIS_KEY_PREFIX``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from bench_load import reset_postgres, run_flask, start_gunicorn, start_job_worker, worker_pids  # noqa: E402
from bench_recompute import sample_memory  # noqa: E402

PRESIDENT_POLLS = ROOT.parent / "shared" / "data" / "fivethirtyeight-polls-mirror" / "president_polls.csv"
JSON_ENDPOINTS = ("average", "trend")
ENDPOINTS = ("average", "trend", "chart", "thumb")
LAST_FIELD_DAY = dt.date(2020, 11, 2)  # the eve of Election Day: later polls are not averaged
EXECUTED = re.compile(r"^(\S+ \S+) \d+ huey INFO pollservice\.jobs\.queue\.(\w+): \S+ .*"
                      r"executed in ([\d.]+)s")
NO_OP_SECONDS = 0.05  # a recompute message that found its job not queued


def environment(database_url: str, redis_url: str | None, folder: Path, name: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-only-secret-" + "x" * 24,
           "POLLSERVICE_JOBS_SQLITE_FILE": json.dumps(str(folder / f"{name}-jobs.sqlite3")),
           "MPLCONFIGDIR": str(folder / "mpl"), "PYTHONPATH": str(ROOT),
           # the writers post polls from pollsters seen for the first time: measured
           # published, as before review (a held poll would be a 202 counted in nothing)
           "POLLSERVICE_REVIEW_HOLDS": "false"}
    env.pop("REDIS_URL", None)
    env.pop("REDIS_KEY_PREFIX", None)
    if redis_url:
        env.update(REDIS_URL=redis_url, REDIS_KEY_PREFIX=f"bench-night-{uuid.uuid4().hex[:8]}:")
    return env


def top_questions_file(folder: Path, count: int) -> tuple[Path, list[str]]:
    """Import the whole file into a scratch SQLite database (no worker), take its ``count``
    most polled questions and write the rows of their polls (538's ``question_id``, the
    polls' ``source_id``) to a file of their own."""
    scratch = f"sqlite:///{folder / 'scratch.sqlite3'}"
    env = environment(scratch, None, folder, "scratch")
    run_flask(env, "db", "upgrade")
    run_flask(env, "import-polls", str(PRESIDENT_POLLS), "--no-wait")
    engine = sa.create_engine(scratch)
    with engine.connect() as connection:
        slugs = list(connection.execute(sa.text(
            "SELECT slug FROM question ORDER BY poll_count DESC, slug LIMIT :n"), {"n": count}).scalars())
        ids = set(connection.execute(sa.text(
            "SELECT poll.source_id FROM poll JOIN question ON question.id = poll.question_id "
            f"WHERE question.slug IN ({', '.join(f':s{i}' for i in range(len(slugs)))})"),
            {f"s{i}": slug for i, slug in enumerate(slugs)}).scalars())
    engine.dispose()
    path = folder / "president_polls_top.csv"
    with PRESIDENT_POLLS.open(newline="", encoding="utf-8") as source, \
            path.open("w", newline="", encoding="utf-8") as target:
        reader = csv.reader(source)
        writer = csv.writer(target)
        header = next(reader)
        writer.writerow(header)
        column = header.index("question_id")
        writer.writerows(row for row in reader if row[column] in ids)
    return path, slugs


def pending_jobs(engine) -> tuple[int, int, int]:
    """(questions behind their data, recompute_job rows queued, running)."""
    with engine.connect() as connection:
        behind = connection.execute(sa.text(
            "SELECT count(*) FROM question WHERE computed_version < data_version")).scalar_one()
        states = dict(connection.execute(sa.text(
            "SELECT state, count(*) FROM recompute_job GROUP BY state")).all())
    return int(behind), int(states.get("queued", 0)), int(states.get("running", 0))


def wait_until_computed(engine, worker: subprocess.Popen, log: Path, timeout: float) -> float:
    started = time.monotonic()
    while True:
        behind, queued, running = pending_jobs(engine)
        if behind == 0 and queued == 0 and running == 0:
            return time.monotonic() - started
        if worker.poll() is not None:
            sys.exit("the job worker stopped:\n" + log.read_text()[-3000:])
        if time.monotonic() - started > timeout:
            sys.exit(f"questions still behind after {timeout:.0f} s: {behind}")
        time.sleep(1.0)


class Question:
    """What a writer needs to make a plausible new poll of one question."""

    def __init__(self, slug: str, base: str):
        average = requests.get(f"{base}/api/v1/questions/{slug}/average", timeout=60).json()
        shares = {name: value["estimate"] for name, value in average["choices"].items() if value}
        if not shares:
            shares = {name: 45.0 for name in average["choices"]}
        self.slug, self.shares, self.polls = slug, shares, 0
        newest = requests.get(f"{base}/api/v1/questions/{slug}/polls?page_size=1", timeout=60).json()
        self.last_end = dt.date.fromisoformat(newest[0]["end_date"])

    def new_poll(self, rng: random.Random, sample_size: int, pollsters: list[str]) -> dict:
        end = min(self.last_end + dt.timedelta(days=rng.randint(0, 3)), LAST_FIELD_DAY)
        results = {name: max(1.0, share + rng.gauss(0.0, 2.0)) for name, share in self.shares.items()}
        total = sum(results.values())
        scale = min(1.0, 99.0 / total)
        return {"pollster": rng.choice(pollsters),
                "start_date": (end - dt.timedelta(days=rng.randint(1, 4))).isoformat(),
                "end_date": end.isoformat(), "population": "lv", "sample_size": sample_size,
                "mode": "Online", "results": {name: round(v * scale, 1) for name, v in results.items()}}


class Run:
    """The shared record of one run: writes, reads, sights, samples."""

    def __init__(self, base: str, engine, questions: dict[str, Question], token: str, pollsters: list[str]):
        self.base, self.engine, self.questions, self.token = base, engine, questions, token
        self.pollsters = pollsters
        self.failure_bodies: dict[str, str] = {}
        self.lock = threading.Lock()
        self.writes: list[dict] = []  # commit (monotonic), slug, version, post_seconds, visible
        self.write_failures: Counter = Counter()
        self.reads: Counter = Counter()  # (endpoint, status)
        self.read_seconds: dict[str, list[float]] = defaultdict(list)
        self.watcher_reads: Counter = Counter()
        self.sights: dict[int, dict[str, list[tuple[float, int]]]] = defaultdict(lambda: defaultdict(list))
        self.samples: list[dict] = []
        self.sequence = 0
        self.stop_readers = threading.Event()

    def next_sample_size(self) -> int:
        with self.lock:  # unique: no two bench polls share an identity
            self.sequence += 1
            return 500 + self.sequence

    def data_version(self, slug: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT data_version FROM question WHERE slug = :s"),
                                          {"s": slug}).scalar_one())


def writer(run: Run, index: int, started: float, seconds: int) -> None:
    rng = random.Random(index)
    http = requests.Session()
    headers = {"Authorization": f"Bearer {run.token}"}
    slugs = list(run.questions)
    offset = index / 20.0  # the writers spread over each second
    for tick in range(seconds):
        delay = started + offset + tick - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        slug = rng.choice(slugs)
        body = run.questions[slug].new_poll(rng, run.next_sample_size(), run.pollsters)
        sent = time.monotonic()
        try:
            response = http.post(f"{run.base}/api/v1/questions/{slug}/polls", json=body, headers=headers,
                                 timeout=60)
        except requests.RequestException as error:
            with run.lock:
                run.write_failures[type(error).__name__] += 1
            continue
        committed = time.monotonic()
        if response.status_code != 201:
            with run.lock:
                run.write_failures[str(response.status_code)] += 1
                run.failure_bodies.setdefault(f"POST {response.status_code}", response.text[:200])
            continue
        version = run.data_version(slug)
        with run.lock:
            run.writes.append({"commit": committed, "slug": slug, "version": version,
                               "post_seconds": committed - sent, "visible": None})


def served_version(response: requests.Response, endpoint: str) -> int | None:
    if endpoint in JSON_ENDPOINTS:
        return int(response.json()["computed"]["data_version"])
    header = response.headers.get("Pollservice-Data-Version")
    return int(header) if header is not None else None


def reader(run: Run, index: int) -> None:
    rng = random.Random(1000 + index)
    http = requests.Session()
    slugs = list(run.questions)
    paths = {"average": "/api/v1/questions/{}/average", "trend": "/api/v1/questions/{}/trend",
             "chart": "/charts/{}.png", "thumb": "/charts/{}.png?size=thumb"}
    sights = run.sights[index]
    while not run.stop_readers.is_set():
        slug, endpoint = rng.choice(slugs), rng.choice(ENDPOINTS)
        sent = time.monotonic()
        try:
            response = http.get(run.base + paths[endpoint].format(slug), timeout=60)
        except requests.RequestException as error:
            with run.lock:
                run.reads[(endpoint, type(error).__name__)] += 1
            continue
        seen = time.monotonic()
        with run.lock:
            run.reads[(endpoint, str(response.status_code))] += 1
            run.read_seconds[endpoint].append(seen - sent)
            if response.status_code >= 300:
                run.failure_bodies.setdefault(f"GET {endpoint} {response.status_code}", response.text[:200])
        if response.status_code == 200:
            version = served_version(response, endpoint)
            history = sights[slug]
            if version is not None and (not history or version > history[-1][1]):
                history.append((seen, version))


def watcher(run: Run, part: int, parts: int) -> None:
    """Poll the ``/average`` of each question of this part with a write not yet visible."""
    http = requests.Session()
    mine = [slug for i, slug in enumerate(run.questions) if i % parts == part]
    while not run.stop_readers.is_set():
        with run.lock:
            waiting = {w["slug"] for w in run.writes if w["visible"] is None and w["slug"] in mine}
        for slug in sorted(waiting):
            try:
                response = http.get(f"{run.base}/api/v1/questions/{slug}/average", timeout=60)
                status = str(response.status_code)
            except requests.RequestException as error:
                response, status = None, type(error).__name__
            seen = time.monotonic()
            with run.lock:
                run.watcher_reads[status] += 1
            if response is None or response.status_code != 200:
                continue
            version = served_version(response, "average")
            with run.lock:
                for write in run.writes:
                    if write["slug"] == slug and write["visible"] is None and write["version"] <= version:
                        write["visible"] = seen
        time.sleep(0.1)


def sampler(run: Run, started: float, stop: threading.Event) -> None:
    while not stop.is_set():
        _, queued, running = pending_jobs(run.engine)
        try:
            health = requests.get(run.base + "/healthz", timeout=30).json().get("jobs") or {}
        except (requests.RequestException, ValueError):
            health = {}
        run.samples.append({"t": time.monotonic() - started, "queued": queued, "running": running,
                            "health": health, "load": os.getloadavg()[0]})
        stop.wait(1.0)


def quantiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return (f"median {statistics.median(ordered):.1f} s, p90 {at(0.9):.1f} s, p99 {at(0.99):.1f} s, "
            f"max {ordered[-1]:.1f} s (n={len(ordered)})")


def every_reader_saw(run: Run, write: dict) -> float | None:
    """The latest of the readers' first sights of the write's version (None: one never did)."""
    latest = None
    for sights in run.sights.values():
        seen = next((t for t, v in sights.get(write["slug"], []) if v >= write["version"]), None)
        if seen is None:
            return None
        latest = seen if latest is None else max(latest, seen)
    return latest


def worker_log_jobs(log: Path, offset: int) -> dict[str, list[float]]:
    """Durations of the jobs the worker log says ran after byte ``offset``, by task."""
    jobs: dict[str, list[float]] = defaultdict(list)
    with log.open("rb") as handle:
        handle.seek(offset)
        for line in handle.read().decode(errors="replace").splitlines():
            match = EXECUTED.match(line)
            if match:
                jobs[match.group(2)].append(float(match.group(3)))
    return jobs


def report(run: Run, args, jobs: dict[str, list[float]], drain: float, memory: dict[str, list[float]],
           load_before: tuple[float, float, float]) -> None:
    writes = run.writes
    print(f"\nwrites: {len(writes)} made (201) of {args.writers * args.seconds} planned, failed "
          f"{sum(run.write_failures.values())} {dict(run.write_failures) or ''}; POST "
          + quantiles([w["post_seconds"] for w in writes]))
    by_status: Counter = Counter()
    for (_endpoint, status), n in run.reads.items():
        by_status[status] += n
    made = sum(by_status.values())
    failed = {status: n for status, n in by_status.items() if not status.startswith("2")}
    chart_503 = sum(n for (endpoint, status), n in run.reads.items()
                    if status == "503" and endpoint in ("chart", "thumb"))
    print(f"reads: {made} made, failed {sum(failed.values())} {failed or ''} (of them chart 503s: "
          f"{chart_503}); watcher reads {sum(run.watcher_reads.values())} {dict(run.watcher_reads)}")
    for what, body in run.failure_bodies.items():
        print(f"  first {what}: {body.strip()}")
    for endpoint in ENDPOINTS:
        times = run.read_seconds[endpoint]
        if times:
            ordered = sorted(times)
            median = statistics.median(ordered) * 1000
            print(f"  {endpoint:<8} {len(times):>6} reads, median {median:.0f} ms, "
                  f"p99 {ordered[int(0.99 * (len(ordered) - 1))] * 1000:.0f} ms")
    visible = [w["visible"] - w["commit"] for w in writes if w["visible"] is not None]
    unseen = sum(1 for w in writes if w["visible"] is None)
    ordered = sorted(visible)
    p99 = ordered[int(round(0.99 * (len(ordered) - 1)))] if ordered else float("inf")
    print(f"commit -> served (watcher): {quantiles(visible)}; not visible after the drain: {unseen}; "
          f"target p99 < 10 s: {'PASS' if unseen == 0 and p99 < 10 else 'MISS'}")
    everyone = [seen - w["commit"] for w in writes if (seen := every_reader_saw(run, w)) is not None]
    print(f"commit -> seen by every reader ({args.readers} readers' first sights): {quantiles(everyone)}")
    biggest = max(run.questions, key=lambda s: run.questions[s].polls)
    big = [w["visible"] - w["commit"] for w in writes if w["slug"] == biggest and w["visible"]]
    rest = [w["visible"] - w["commit"] for w in writes if w["slug"] != biggest and w["visible"]]
    print(f"  writes to {biggest} ({run.questions[biggest].polls} polls): {quantiles(big)}")
    print(f"  writes to the other {len(run.questions) - 1}: {quantiles(rest)}")
    recomputes = jobs.get("recompute_question", [])
    real = [s for s in recomputes if s >= NO_OP_SECONDS]
    print(f"recomputes run (worker log): {len(real)} for {len(writes)} writes to {len(run.questions)} "
          f"questions ({len(recomputes) - len(real)} duplicate messages without work); "
          f"recompute {quantiles(real)}; charts drawn on request: {len(jobs.get('render_chart', []))}")
    print(f"every write visible {drain:.0f} s after the clock started ({args.seconds} s of writes)")
    step = max(1, len(run.samples) // 30)
    marks = [f"{s['t']:.0f}:{s['queued']}+{s['running']}" for s in run.samples[::step]]
    print("queue depth, t s: queued+running (recompute_job): " + " ".join(marks))
    health = [s["health"] for s in run.samples[::step] if s["health"]]
    if health:
        print("  /healthz jobs messages: " + " ".join(str(h.get("messages")) for h in health)
              + f"; oldest queued max {max((h.get('oldest_queued_seconds') or 0) for h in health):.0f} s")
    loads = [s["load"] for s in run.samples]
    print(f"load average (1 min) on {os.cpu_count()} CPUs: before {load_before[0]:.2f}, during mean "
          f"{statistics.mean(loads):.2f} max {max(loads):.2f}, after {os.getloadavg()[0]:.2f}")
    for name, peaks in memory.items():
        print(f"peak RSS, {name} (MB): " + ", ".join(f"{m:.0f}" for m in sorted(peaks)))


def prepare(args, folder: Path, env: dict, engine, worker: subprocess.Popen) -> tuple[list[str], str]:
    started = time.monotonic()
    path, slugs = top_questions_file(folder, args.questions)
    run_flask(env, "import-polls", str(path), "--no-wait")
    imported = time.monotonic() - started
    seconds = wait_until_computed(engine, worker, folder / "worker.log", args.setup_timeout)
    with engine.connect() as connection:
        counts = dict(connection.execute(sa.text("SELECT slug, poll_count FROM question")).all())
    missing = [s for s in slugs if s not in counts]
    if missing:
        sys.exit(f"questions missing after the import: {missing}")
    print(f"{len(counts)} questions, {sum(counts.values())} polls ({slugs[0]}: {counts[slugs[0]]}, "
          f"{slugs[-1]}: {counts[slugs[-1]]}); imported in {imported:.0f} s, computed by the workers "
          f"{seconds:.0f} s later")
    token = run_flask(env, "create-token", f"night-{uuid.uuid4().hex[:6]}").strip().splitlines()[-1]
    return slugs, token


def run_clock(args, run: Run, worker: subprocess.Popen, server: subprocess.Popen, folder: Path):
    peaks_web: dict[int, float] = {}
    peaks_jobs: dict[int, float] = {}
    stop = threading.Event()
    samplers = [threading.Thread(target=sample_memory, daemon=True, args=(pids, peaks, stop))
                for pids, peaks in ((lambda: worker_pids(server.pid), peaks_web),
                                    (lambda: worker_pids(worker.pid), peaks_jobs))]
    log_offset = (folder / "worker.log").stat().st_size
    load_before = os.getloadavg()
    started = time.monotonic()
    samplers.append(threading.Thread(target=sampler, args=(run, started, stop), daemon=True))
    writers = [threading.Thread(target=writer, args=(run, i, started, args.seconds))
               for i in range(args.writers)]
    readers = [threading.Thread(target=reader, args=(run, i)) for i in range(args.readers)]
    watchers = [threading.Thread(target=watcher, args=(run, i, args.watchers)) for i in range(args.watchers)]
    for thread in samplers + writers + readers + watchers:
        thread.start()
    for thread in writers:
        thread.join()
    deadline = time.monotonic() + args.drain_seconds
    while time.monotonic() < deadline and any(w["visible"] is None for w in run.writes):
        if worker.poll() is not None:
            print("the job worker stopped during the run")
            break
        time.sleep(0.5)
    drain = time.monotonic() - started
    run.stop_readers.set()
    for thread in readers + watchers:
        thread.join()
    stop.set()
    time.sleep(1.5)  # the worker log catches up with the last jobs
    jobs = worker_log_jobs(folder / "worker.log", log_offset)
    memory = {"web workers": list(peaks_web.values()), "job worker processes": list(peaks_jobs.values())}
    report(run, args, jobs, drain, memory, load_before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--redis-url", help="queue and version messages in Redis (production-like)")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--readers", type=int, default=8)
    parser.add_argument("--watchers", type=int, default=2)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="job worker processes")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--drain-seconds", type=float, default=900.0,
                        help="after the writes, wait at most this long for every write to be visible")
    parser.add_argument("--setup-timeout", type=float, default=1800.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-night-"))
    database_url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
    env = environment(database_url, args.redis_url, folder, "bench")
    print(f"database: {database_url.split('@')[-1]}; redis: {args.redis_url or 'no'}; {args.web_workers} web "
          f"workers, {args.workers} job workers; {args.writers} writers x 1/s for {args.seconds} s, "
          f"{args.readers} readers, {args.watchers} watchers; {os.cpu_count()} CPUs, load average "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    run_flask(env, "db", "upgrade")
    engine = sa.create_engine(database_url, pool_size=args.writers + 5)
    worker = start_job_worker(env, folder / "worker.log", args.workers)
    server = None
    try:
        slugs, token = prepare(args, folder, env, engine, worker)
        server, base = start_gunicorn(env, args.web_workers, folder / "gunicorn.log")
        questions = {slug: Question(slug, base) for slug in slugs}
        with engine.connect() as connection:
            for slug, count in connection.execute(sa.text("SELECT slug, poll_count FROM question")).all():
                if slug in questions:
                    questions[slug].polls = count
        for slug in slugs:  # every web worker loads its code paths before the clock
            for path in (f"/api/v1/questions/{slug}/trend", f"/charts/{slug}.png",
                         f"/charts/{slug}.png?size=thumb"):
                requests.get(base + path, timeout=60)
        with engine.connect() as connection:  # real pollsters, the most prolific first
            pollsters = list(connection.execute(sa.text(
                "SELECT pollster.name FROM pollster JOIN poll ON poll.pollster_id = pollster.id "
                "GROUP BY pollster.name ORDER BY count(*) DESC, pollster.name LIMIT 20")).scalars())
        run_clock(args, Run(base, engine, questions, token, pollsters), worker, server, folder)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        worker.terminate()
        worker.wait(timeout=60)
        engine.dispose()
        if args.keep:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
