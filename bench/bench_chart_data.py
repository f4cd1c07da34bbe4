"""The interactive chart's data (``GET /charts/<slug>/data.json``) of the largest real
questions: FiveThirtyEight's presidential approval polls (``fivethirtyeight-polls-mirror/
president_approval_polls.csv``; Data: FiveThirtyEight (ABC News), CC BY 4.0) imported into a
fresh SQLite instance, the most polled questions' averages computed (what a worker does),
then the data fetched as a browser would: its size raw and gzipped, the number of polls and
line days, and the server's time (median of ``--repeat`` after one warm-up).

    .venv/bin/python bench/bench_chart_data.py [--data ../shared/data] [--questions 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_import import fresh_app  # noqa: E402

from pollservice.extensions import db  # noqa: E402
from pollservice.jobs import compute  # noqa: E402
from pollservice.models import Question  # noqa: E402
from pollservice.services.imports import import_text, read_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APPROVAL = Path("fivethirtyeight-polls-mirror/president_approval_polls.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--questions", type=int, default=2, help="most polled questions (default 2)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-chart-data-"))
    app = fresh_app(f"sqlite:///{folder / 'chart-data.sqlite3'}", folder)
    compute.install(app)
    with app.app_context():
        summary = import_text(read_text(args.data / APPROVAL), APPROVAL.name, actor="bench")
        print(f"import: {summary.added:,} polls")
        largest = db.session.execute(sa.select(Question.id, Question.slug)
                                     .order_by(Question.poll_count.desc()).limit(args.questions)).all()
        for question_id, slug in largest:
            started = time.perf_counter()
            compute.recompute_now(question_id)
            print(f"recompute {slug}: {time.perf_counter() - started:.1f} s")
        db.session.remove()
    client = app.test_client()
    print(f"\n{'question':42} {'polls':>6} {'days':>6} {'KB':>8} {'gzip KB':>8} {'median ms':>10}")
    for _, slug in largest:
        url = f"/charts/{slug}/data.json"
        client.get(url)
        times, response = [], None
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response is not None and response.status_code == 200, url
        body = response.get_data()
        data = response.get_json()
        days = max(len(c["line"]) for c in data["choices"])
        print(f"{slug:42} {len(data['polls']):>6,} {days:>6,} {len(body) / 1024:>8.0f} "
              f"{len(gzip.compress(body)) / 1024:>8.0f} {statistics.median(times):>10.1f}")


if __name__ == "__main__":
    main()
