"""Load benchmark of the read path under gunicorn (issue 5).

Builds a database with FiveThirtyEight's Trump approval poll list (pair A in
../shared/data/SOURCES.md: about 16,000 rows, one "All polls" version per poll, about
6,600 polls in one question), serves it with gunicorn (4 sync workers) on loopback and
drives it with ``wrk`` (Debian package ``wrk``) from a second process. Beside it runs a
bare Flask app (one route returning a constant JSON, written to the temporary folder) under
the same gunicorn settings: the framework's ceiling on this machine. Each endpoint is
measured in pairs with the bare app, one right after the other (which goes first alternates
from round to round), and its requests per second and p99 latency are printed as ratios to
the bare app's of the same pair: the median over ``--rounds`` pairs, so that other load on
the machine moves both sides of a ratio. Beside them, the gunicorn workers' CPU time per
request and the bare app's share of it (``cpu x``: its CPU per request over the
endpoint's), which other programs on the machine move less than req/s. Also printed: the
ratio to pollservice's own ``/livez`` (what earlier versions of this script called the
ceiling), the time for a job worker (one, started beside gunicorn) to draw a chart asked
for, the time from one new poll's commit until the worker has stored the question's new
results, and the peak resident memory of each web worker.

    .venv/bin/python bench/bench_load.py                      # SQLite in a temp folder
    .venv/bin/python bench/bench_load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/bench_load.py --redis-url redis://127.0.0.1:6379/0

The PostgreSQL database given is emptied (schema ``public`` dropped and re-created).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POLL_LIST = (ROOT.parent / "shared" / "data" / "fivethirtyeight-thirdparty-copies"
                     / "dskinnion-Gov1347_Blog" / "approval_polllist.csv")
SLUG = "trump-approval"
# Shares of the bare Flask app's req/s (issue 13).
TARGETS = {"constant JSON (/livez)": 0.95, "average": 0.90, "trend": 0.90, "trend, gzip": 0.90,
           "chart (cached)": 0.60}
BARE = "bare Flask"
# The bare app: what Flask itself costs per request under the same gunicorn, with nothing
# of pollservice (no extensions, no hooks).
BARE_APP = '''import json
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)


@app.get("/")
def constant():
    return {"status": "ok"}


# --copies: the bytes of some of pollservice's responses (headers and body), each at
# /copy/<n>, to tell what sending them costs from what making them costs.
COPIES = Path(__file__).with_name("copies.json")
for number, copy in enumerate(json.loads(COPIES.read_text()) if COPIES.exists() else []):
    body = Path(copy["body"]).read_bytes()
    app.add_url_rule(f"/copy/{number}", f"copy{number}",
                     lambda body=body, headers=copy["headers"]: Response(body, headers=headers))
'''
# Responses copied with --copies, and the names of their copies in the table.
COPIED = {"constant JSON (/livez)": "bare: /livez's bytes", "average": "bare: average's bytes",
          "trend": "bare: trend's bytes", "trend, gzip": "bare: trend gz bytes"}
# Headers gunicorn (not the app) writes, or werkzeug computes from the body.
NOT_COPIED = {"server", "date", "connection", "content-length", "transfer-encoding"}
NEW_POLL = {"pollster": "Benchmark Poll", "start_date": "2020-10-30", "end_date": "2020-10-31",
            "population": "lv", "sample_size": "1000", "results": {"Approve": "44", "Disapprove": "53"}}


def run_flask(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "pollservice", *args],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def wait_until_computed(engine, timeout: float = 600.0) -> None:
    """Until the question's stored results are of its newest data version."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            data, computed = connection.execute(sa.text(
                "SELECT data_version, computed_version FROM question WHERE slug = :slug"),
                {"slug": SLUG}).one()
        if computed >= data:
            return
        time.sleep(0.05)
    sys.exit("the worker did not compute the question in time")


def time_recompute(env: dict, engine) -> float:
    """Seconds from a new poll (stored by another process) until the job worker has stored
    the question's new results (every method and line; the default charts come after)."""
    code = (
        "import json, sys\n"
        "from pollservice import create_app\n"
        "from pollservice.services.polls import add_poll\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    add_poll({SLUG!r}, json.loads(sys.argv[1]), actor='bench')\n"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, json.dumps(NEW_POLL)], cwd=ROOT, env=env,
                   capture_output=True, text=True, check=True)
    wait_until_computed(engine)
    return time.perf_counter() - started


def start_job_worker(env: dict, log_path: Path, workers: int = 1) -> subprocess.Popen:
    """``flask worker --workers N`` (the recomputes), its output in ``log_path``."""
    with log_path.open("w") as log:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "pollservice", "worker",
                                 "--workers", str(workers)], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, workers: int, log_path: Path, app: str = "wsgi:app", cwd: Path = ROOT,
                   ready: str = "/healthz") -> tuple[subprocess.Popen, str]:
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "120", app], cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(base + ready, timeout=5).status_code == 200:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    sys.exit("gunicorn did not start:\n" + log_path.read_text()[-3000:])


def copy_responses(endpoints: dict, folder: Path) -> None:
    """Keep the bytes of each endpoint's response for the bare app to send (``--copies``)."""
    copies = []
    for number, (url, header) in enumerate(endpoints.values()):
        name, _, value = (header or "Accept-Encoding: identity").partition(": ")
        response = requests.get(url, timeout=60, headers={name: value}, stream=True)
        body = folder / f"copy-{number}.body"
        body.write_bytes(response.raw.read(decode_content=False))
        headers = [(key, value) for key, value in response.raw.headers.items()
                   if key.lower() not in NOT_COPIED]
        copies.append({"body": str(body), "headers": headers})
    (folder / "copies.json").write_text(json.dumps(copies))


def start_bare_app(folder: Path, workers: int) -> tuple[subprocess.Popen, str]:
    """The bare Flask app, from a module in ``folder``, under the same gunicorn settings."""
    (folder / "bare_app.py").write_text(BARE_APP)
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return start_gunicorn(env, workers, folder / "gunicorn-bare.log", "bare_app:app", folder, "/")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def cpu_seconds(master: int) -> float:
    """User + system CPU time used so far by a gunicorn master and its workers."""
    total = 0
    for pid in [master, *worker_pids(master)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that has just exited
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def parse_latency(text: str) -> float:
    """wrk's latency ('1.23ms', '850.00us', '1.02s') in milliseconds."""
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


GZIP = "Accept-Encoding: gzip"


def wrk(url: str, seconds: int, connections: int, threads: int, header: str | None = None) -> dict:
    extra = ["-H", header] if header else []
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *extra,
                          url], capture_output=True, text=True, check=True).stdout
    # The latency distribution's own line: "96.99%" in the thread stats also ends in "99%".
    p99_line = re.search(r"^\s+99%\s+([\d.]+(?:us|ms|s|m))\s*$", out, re.MULTILINE)
    if "Requests/sec" not in out or not p99_line:
        sys.exit(f"wrk gave no figures for {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests_done = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = parse_latency(p99_line.group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p99_ms": p99, "requests": requests_done,
            "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def measure_against_bare(endpoints: dict, bare_url: str, rounds: int, run) -> dict:
    """Each endpoint ``rounds`` times, each time paired with a run of the bare app just
    before or just after it (alternating). Returns, per endpoint, the medians of its req/s,
    p99, the workers' CPU time per request and of their ratios to its bare partner's, with
    the bare app's own figures. (CPU per request moves less than req/s when other programs
    share the machine: it measures the work, not the share of the cores it got.)"""
    pairs: dict[str, list[tuple[dict, dict]]] = {name: [] for name in endpoints}
    for round_number in range(rounds):
        for name, (url, header) in endpoints.items():
            if round_number % 2 == 0:
                bare = run(bare_url, None, BARE)
                own = run(url, header, name)
            else:
                own = run(url, header, name)
                bare = run(bare_url, None, BARE)
            pairs[name].append((own, bare))
    bare_runs = [bare for runs in pairs.values() for _, bare in runs]
    summary = {BARE: {"rps": statistics.median(r["rps"] for r in bare_runs),
                      "p99_ms": statistics.median(r["p99_ms"] for r in bare_runs),
                      "cpu_us": statistics.median(r["cpu_us"] for r in bare_runs),
                      "rps_x": 1.0, "p99_x": 1.0, "cpu_x": 1.0,
                      "non_2xx": sum(r["non_2xx"] for r in bare_runs),
                      "socket_errors": "; ".join(r["socket_errors"] for r in bare_runs if r["socket_errors"]),
                      "runs": len(bare_runs)}}
    for name, runs in pairs.items():
        summary[name] = {
            "rps": statistics.median(own["rps"] for own, _ in runs),
            "p99_ms": statistics.median(own["p99_ms"] for own, _ in runs),
            "rps_x": statistics.median(own["rps"] / bare["rps"] for own, bare in runs),
            "p99_x": statistics.median(own["p99_ms"] / bare["p99_ms"] for own, bare in runs),
            "cpu_us": statistics.median(own["cpu_us"] for own, _ in runs),
            "cpu_x": statistics.median(bare["cpu_us"] / own["cpu_us"] for own, bare in runs),
            "rps_x_all": [own["rps"] / bare["rps"] for own, bare in runs],
            "non_2xx": sum(own["non_2xx"] for own, _ in runs),
            "socket_errors": "; ".join(own["socket_errors"] for own, _ in runs if own["socket_errors"]),
        }
    return summary


def print_table(results: dict, sizes: dict) -> None:
    livez = results["constant JSON (/livez)"]["rps"]
    print(f"{'endpoint':<24}{'bytes':>8}{'req/s':>8}{'p99 ms':>8}{'x bare':>8}{'p99 x bare':>11}"
          f"{'x livez':>9}{'cpu us':>8}{'cpu x':>7}  target (x bare)   req/s ratios of each pair")
    for name, result in results.items():
        target = TARGETS.get(name)
        passed = target is not None and result["rps_x"] >= target
        verdict = "" if target is None else f">= {target:.2f} {'PASS' if passed else 'MISS'}"
        pairs = " ".join(f"{x:.2f}" for x in result.get("rps_x_all", []))
        errors = f"  non-2xx {result['non_2xx']}" if result["non_2xx"] else ""
        errors += f"  socket errors {result['socket_errors']}" if result["socket_errors"] else ""
        print(f"{name:<24}{sizes.get(name, 0):>8}{result['rps']:>8.0f}{result['p99_ms']:>8.1f}"
              f"{result['rps_x']:>8.2f}{result['p99_x']:>11.2f}{result['rps'] / livez:>9.2f}"
              f"{result['cpu_us']:>8.0f}{result['cpu_x']:>7.2f}  "
              f"{verdict:<17} {pairs}{errors}")


def time_uncached_charts(base: str, count: int) -> list[float]:
    """Each request asks for a range never asked before, so every one is rendered."""
    times = []
    for day in range(count):
        url = f"{base}/charts/{SLUG}.png?method=kalman&from=2017-02-{day + 1:02d}"
        started = time.perf_counter()
        response = requests.get(url, timeout=60)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--poll-list", type=Path, default=DEFAULT_POLL_LIST)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    parser.add_argument("--redis-url", help="share the version signal and charts through Redis")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per endpoint")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3,
                        help="pairs (endpoint, bare app) per endpoint; medians are printed")
    parser.add_argument("--copies", action="store_true",
                        help="also time the bare app sending the very bytes of /livez, average and "
                             "trend (headers and body): what is left is what making them costs")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    if not args.poll_list.exists():
        sys.exit(f"poll list not found: {args.poll_list}")

    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    database_url = args.database_url or "sqlite:///" + str(folder / "bench.sqlite3")
    if database_url.startswith("postgresql"):
        reset_postgres(database_url)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "b" * 40,
           "MPLCONFIGDIR": str(folder / "mpl"), "PYTHONPATH": str(ROOT),
           "POLLSERVICE_JOBS_SQLITE_FILE": json.dumps(str(folder / "jobs.sqlite3"))}
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        env["REDIS_KEY_PREFIX"] = f"bench-{uuid.uuid4().hex}:"

    print(f"database: {database_url.split('@')[-1]}; redis: {args.redis_url or 'no'}; "
          f"gunicorn {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} "
          f"-d{args.seconds}s; {args.rounds} rounds, each endpoint paired with a bare Flask app; "
          f"{os.cpu_count()} CPUs")
    run_flask(env, "db", "upgrade")
    started = time.perf_counter()
    run_flask(env, "import-polls", str(args.poll_list), "--format", "fte-approval", "--question", SLUG)
    import_seconds = time.perf_counter() - started
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        n_polls = connection.execute(sa.text(
            "SELECT count(*) FROM poll JOIN question ON question.id = poll.question_id "
            "WHERE question.slug = :slug"), {"slug": SLUG}).scalar_one()
    print(f"imported {args.poll_list.name}: {n_polls} polls in {SLUG} ({import_seconds:.1f} s, CLI)")
    job_worker = start_job_worker(env, folder / "worker.log")  # computes, draws charts asked for
    started = time.perf_counter()
    wait_until_computed(engine)
    print(f"first recompute by the job worker: {time.perf_counter() - started:.1f} s")
    recompute = time_recompute(env, engine)
    print(f"recompute after one new poll ({n_polls + 1} polls): {recompute:.2f} s")

    process, base = start_gunicorn(env, args.workers, folder / "gunicorn.log")
    bare_process = None
    try:
        urls = {
            "constant JSON (/livez)": f"{base}/livez",
            "average": f"{base}/api/v1/questions/{SLUG}/average",
            "trend": f"{base}/api/v1/questions/{SLUG}/trend",
            "chart (cached)": f"{base}/charts/{SLUG}.png",
        }
        for url in urls.values():  # every worker renders / loads once before timing
            for _ in range(args.workers * 3):
                requests.get(url, timeout=120).raise_for_status()
        sizes = {name: len(requests.get(url, timeout=60, headers={"Accept-Encoding": "identity"}).content)
                 for name, url in urls.items()}
        # What browsers and HTTP libraries send: the cached gzip representation.
        gzipped = requests.get(urls["trend"], timeout=60, stream=True)
        sizes["trend, gzip"] = len(gzipped.raw.read(decode_content=False))
        endpoints = {name: (url, None) for name, url in urls.items()}
        endpoints["trend, gzip"] = (urls["trend"], GZIP)
        copied = {name: endpoints[name] for name in COPIED} if args.copies else {}
        copy_responses(copied, folder)
        bare_process, bare_base = start_bare_app(folder, args.workers)
        for number, name in enumerate(copied):
            endpoints[COPIED[name]] = (f"{bare_base}/copy/{number}", None)
            sizes[COPIED[name]] = sizes[name]
        for url in [bare_base + "/", *(url for url, _ in endpoints.values() if url.startswith(bare_base))]:
            for _ in range(args.workers * 3):
                requests.get(url, timeout=120).raise_for_status()
        sizes[BARE] = len(requests.get(bare_base + "/", timeout=60).content)

        def run(url: str, header: str | None, name: str) -> dict:
            master = bare_process.pid if url.startswith(bare_base) else process.pid
            before = cpu_seconds(master)
            result = wrk(url, args.seconds, args.connections, args.threads, header)
            result["cpu_us"] = (cpu_seconds(master) - before) / max(result["requests"], 1) * 1e6
            return result

        results = measure_against_bare(endpoints, bare_base + "/", args.rounds, run)
        charts = time_uncached_charts(base, 12)
        memory = [peak_rss_mb(pid) for pid in worker_pids(process.pid)]
    finally:
        servers = [server for server in (process, bare_process, job_worker) if server is not None]
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)

    print()
    print_table(results, sizes)
    median = statistics.median(charts)
    print(f"\nuncached chart (PNG, {n_polls} polls, kalman): median {median:.0f} ms, "
          f"max {max(charts):.0f} ms over {len(charts)} renders (target < 150 ms: "
          f"{'PASS' if median < 150 else 'MISS'})")
    print(f"from a new poll's commit to its results stored by a job worker: {recompute:.2f} s")
    print("peak RSS per worker (MB): " + ", ".join(f"{m:.0f}" for m in sorted(memory)))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
