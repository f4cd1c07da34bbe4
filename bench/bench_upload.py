"""A 15 MB upload (the admin form's limit) through the CLI and through the admin path,
each step in a fresh process: wall time and peak resident memory (``ru_maxrss`` of the
child process, which includes the interpreter and the libraries: an ``--app`` start-up
alone is printed first as the baseline).

The file is built from real data (``../shared/data``, see its SOURCES.md): 538's polls page
``president_polls.csv`` (the long layout, one line per answer) copied until the file is
15 MB, each copy with its ``question_id`` and ``poll_id`` moved by 10,000,000 times its
number, so that every copy holds new polls of the same races (about 22,000 polls in 45,000
lines). Steps, each into a fresh SQLite file built by the Alembic migrations:

- ``cli``: ``flask import-polls FILE`` into an empty store;
- ``preview``: the admin upload form's POST (the dry run the preview shows);
- ``confirm``: its confirmation POST (answers with a redirect to the progress page);
- ``job``: the import job the confirmation queued, run as a worker runs it
  (absent before the import became a job: the confirmation then imported in the request).

    .venv/bin/python bench/bench_upload.py [--megabytes 15] [--postgres URL]

With ``--postgres URL`` the steps use that database (its public schema is DROPPED and
rebuilt before each of ``cli`` and ``preview``: give it a database of its own).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
SOURCE = DATA / "fivethirtyeight-polls-mirror" / "president_polls.csv"
ID_STEP = 10_000_000


def build_file(path: Path, megabytes: float) -> tuple[int, int]:
    """The upload: copies of president_polls.csv with moved ids; (lines, bytes)."""
    limit = int(megabytes * 1024 * 1024)
    with SOURCE.open(encoding="utf-8", newline="") as source:
        records = list(csv.reader(source))
    header, body = records[0], records[1:]
    question, poll = header.index("question_id"), header.index("poll_id")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    lines, copy, last_question = 1, 0, None
    while True:
        for record in body:
            if out.tell() >= limit and record[question] != last_question:
                path.write_text(out.getvalue(), encoding="utf-8")
                return lines, path.stat().st_size
            moved = list(record)
            moved[question] = str(int(record[question]) + copy * ID_STEP)
            moved[poll] = str(int(record[poll]) + copy * ID_STEP)
            writer.writerow(moved)
            lines += 1
            last_question = record[question]
        copy += 1


def child(step: str, folder: Path, url: str, upload: Path) -> None:
    """One step, in this (child) process; prints its figures as JSON."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("MPLCONFIGDIR", str(folder / "matplotlib"))
    import sqlalchemy as sa
    from flask_migrate import upgrade
    from werkzeug.datastructures import FileStorage
    from werkzeug.security import generate_password_hash
    from werkzeug.test import encode_multipart

    from pollservice import create_app
    from pollservice.extensions import db
    from pollservice.models import Poll, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-only-secret",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "JOBS_SQLITE_FILE": str(folder / "jobs.sqlite3")})
    app.instance_path = str(folder / "instance")
    figures: dict = {"step": step}
    started = time.perf_counter()
    if step in ("cli", "preview"):
        if url.startswith("postgresql"):
            engine = sa.create_engine(url)
            with engine.begin() as connection:
                connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
            engine.dispose()
        with app.app_context():
            upgrade()
        started = time.perf_counter()
    if step == "cli":
        result = app.test_cli_runner().invoke(args=["import-polls", str(upload), "--json"])
        figures["exit"] = result.exit_code
        figures["output"] = result.output[-300:] if result.exit_code else ""
    elif step in ("preview", "confirm"):
        if step == "preview":
            with app.app_context():
                db.session.add(User(username="bench", password_hash=generate_password_hash(
                    "bench password", method="scrypt:1024:8:1")))
                db.session.commit()
        client = app.test_client()
        client.post("/admin/login", data={"username": "bench", "password": "bench password"})
        started = time.perf_counter()
        if step == "preview":
            boundary, body = encode_multipart({
                "file": FileStorage(io.BytesIO(upload.read_bytes()), filename=upload.name),
                "format": "auto", "question": ""})
            response = client.post("/admin/uploads/new", data=body,
                                   content_type=f"multipart/form-data; boundary={boundary}")
            page = response.get_data(as_text=True)
            if 'name="upload" type="hidden"' not in page:
                raise SystemExit(f"no preview ({response.status_code}): "
                                 + " ".join(page.split("<main")[-1].split())[:600])
            token = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
            (folder / "token").write_text(token)
        else:
            token = (folder / "token").read_text()
            response = client.post("/admin/uploads/confirm", data={"upload": token})
        figures["status"] = response.status_code
        figures["location"] = response.headers.get("Location", "")
    elif step == "job":
        from pollservice.jobs.queue import jobs

        queue = jobs(app)
        ran = 0
        while (task := queue.huey.dequeue()) is not None:
            if task.name == "import_upload":
                queue.huey.execute(task)
                ran += 1
        figures["jobs"] = ran
    figures["seconds"] = round(time.perf_counter() - started, 2)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    with app.app_context():
        figures["polls_stored"] = db.session.execute(
            sa.select(sa.func.count()).select_from(Poll)).scalar_one()
        db.session.remove()
    print(json.dumps(figures))


def run_step(step: str, folder: Path, url: str, upload: Path) -> dict:
    process = subprocess.run([sys.executable, __file__, "--child", step, str(folder), url,
                              str(upload)], capture_output=True, text=True, check=False)
    lines = [line for line in process.stdout.splitlines() if line.startswith("{")]
    if process.returncode or not lines:
        return {"step": step, "failed": process.stderr.strip().splitlines()[-1:]}
    return json.loads(lines[-1])


def baseline() -> int:
    code = (f"import sys; sys.path.insert(0, {str(REPO)!r}); import resource; "
            "from pollservice import create_app; create_app({'SECRET_KEY': 'x', "
            "'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.strip())


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), sys.argv[4], Path(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=14.9,
                        help="the upload's size (the form takes up to 15 MiB)")
    parser.add_argument("--postgres", metavar="URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as temp:
        folder = Path(temp)
        upload = folder / "president_polls_x4.csv"
        lines, size = build_file(upload, args.megabytes)
        print(f"upload: {upload.name}, {lines} lines, {size / 2**20:.1f} MB "
              f"(from {SOURCE.name}); app start-up alone: {baseline()} MB peak RSS")
        print(f"database: {(args.postgres or 'SQLite files').split('@')[-1]}")
        print(f"{'step':<8} {'seconds':>8} {'peak MB':>8} {'polls':>7}  result")
        for step in ("cli", "preview", "confirm", "job"):
            store = "cli" if step == "cli" else "admin"
            url = args.postgres or f"sqlite:///{folder / f'bench-{store}.sqlite3'}"
            figures = run_step(step, folder, url, upload)
            if "failed" in figures:
                print(f"{step:<8} failed: {figures['failed']}")
                continue
            result = {k: v for k, v in figures.items()
                      if k in ("exit", "status", "location", "jobs", "output") and v != ""}
            print(f"{step:<8} {figures['seconds']:>8.1f} {figures['peak_rss_mb']:>8} "
                  f"{figures['polls_stored']:>7}  {result}")


if __name__ == "__main__":
    main()
