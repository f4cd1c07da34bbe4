"""What one anonymous request costs on a very large question (issue 18, medium 4): the
question page, ``polls.csv`` and ``export.json`` of one question of ``--polls`` polls
(default 205,000, the size of the probe's question), built by bulk inserts shaped like
538's Trump approval poll list (60 pollsters, two choices, a poll a day per pollster
spread over four years). Prints, per address, the time of one request (Flask test client:
the server's time, without network), the body size, the first chunk's time for a streamed
body, with ``--trace-memory`` the peak of Python memory during the request (tracemalloc),
and the process's peak RSS at the end.

    .venv/bin/python bench/bench_exports.py                    # this checkout
    PYTHONPATH=/work/main .venv/bin/python bench/bench_exports.py   # another checkout (before)

No stored averages are computed (the export's weight columns are then empty): the figures
are those of reading and writing the polls.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from pollservice import create_app  # noqa: E402
from pollservice.extensions import db  # noqa: E402
from pollservice.models import Choice, Poll, Pollster, Question, Result  # noqa: E402


def build(app, n_polls: int) -> None:
    with app.app_context():
        upgrade()
        question = Question(slug="approval", title="Trump approval", region="US")
        question.choices = [Choice(name="Approve", position=0), Choice(name="Disapprove", position=1)]
        db.session.add(question)
        pollsters = [Pollster(name=f"Pollster {i}", slug=f"pollster-{i}") for i in range(60)]
        db.session.add_all(pollsters)
        db.session.commit()
        approve, disapprove = (c.id for c in question.choices)
        first = dt.date(2017, 1, 23)
        for start in range(0, n_polls, 10_000):
            ids = range(start + 1, min(start + 10_000, n_polls) + 1)
            polls = [{"id": i, "question_id": question.id, "pollster_id": pollsters[i % 60].id,
                      "sponsor": "", "start_date": first + dt.timedelta(days=i * 1400 // n_polls),
                      "end_date": first + dt.timedelta(days=i * 1400 // n_polls + 2),
                      "sample_size": 1000 + i % 500, "population": ("a", "rv", "lv")[i % 3],
                      "mode": "Online", "source_url": "https://example.org/poll", "partisan": False,
                      "internal": False, "notes": "", "source": "bench", "source_id": str(i),
                      "counted": True, "tracking": False} for i in ids]
            db.session.execute(sa.insert(Poll), polls)
            db.session.execute(sa.insert(Result), [
                {"poll_id": i, "choice_id": c, "pct": 40 + (i + k) % 10}
                for i in ids for k, c in enumerate((approve, disapprove))])
            db.session.commit()
        db.session.execute(sa.update(Question).values(poll_count=n_polls))
        db.session.commit()


def measure(client, address: str, trace: bool) -> None:
    if trace:
        tracemalloc.start()
    began = time.perf_counter()
    response = client.get(address, buffered=False)
    chunks = iter(response.response)
    first = next(chunks, b"")
    first_at = time.perf_counter() - began
    size = len(first) + sum(len(chunk) for chunk in chunks)
    took = time.perf_counter() - began
    response.close()
    memory = ""
    if trace:
        memory = f"  peak Python memory {tracemalloc.get_traced_memory()[1] / 1e6:7.1f} MB"
        tracemalloc.stop()
    print(f"{address:40} {response.status_code} {took:7.2f} s  first chunk {first_at:6.2f} s  "
          f"{size / 1e6:7.2f} MB{memory}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polls", type=int, default=205_000)
    parser.add_argument("--trace-memory", action="store_true",
                        help="measure each request's peak Python memory (tracemalloc; slower)")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-exports-"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'big.sqlite3'}",
                      "JOBS_IN_PROCESS": False, "JOBS_SQLITE_FILE": str(folder / "jobs.sqlite3"),
                      "SECRET_KEY": "bench", "TESTING": True})
    print(f"pollservice from {Path(sys.modules['pollservice'].__file__).parent}")
    began = time.perf_counter()
    build(app, options.polls)
    print(f"built {options.polls:,} polls in {time.perf_counter() - began:.1f} s", flush=True)
    client = app.test_client()
    for address in ("/questions/approval", "/questions/approval?page=2000",
                    "/api/v1/questions/approval/polls.csv", "/api/v1/questions/approval/export.json"):
        measure(client, address, options.trace_memory)
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
