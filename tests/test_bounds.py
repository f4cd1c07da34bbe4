"""What an anonymous request may cost, checked by design rather than by the clock: a
question page loads the same number of SQL statements and rows whether the question has
150 or 5,000 polls, and the exports stream (the first chunk arrives before the body is
built, from a query read in batches)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from contextlib import contextmanager

import pytest
from import_support import import_json
from sqlalchemy import event, func, select

from pollservice.extensions import db
from pollservice.models import Base, Poll, Question

pytestmark = pytest.mark.jobs_run(False)

PAGES = ("/questions/{slug}", "/questions/{slug}?page=3&sort=pollster",
         "/questions/{slug}?population=lv")


def write_polls_csv(path, slug: str, n_polls: int) -> None:
    """``n_polls`` polls by 12 pollsters spread over the same 400 days of 2020-21."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["question", "question_title", "pollster", "start_date", "end_date",
                     "population", "source", "source_id", "notes", "Yes", "No"])
    first = dt.date(2020, 1, 1)
    for i in range(n_polls):
        end = first + dt.timedelta(days=400 * i // n_polls)
        writer.writerow([slug, f"Question {slug}", f"Pollster {i % 12}",
                         (end - dt.timedelta(days=2)).isoformat(), end.isoformat(),
                         ("rv", "lv", "a")[i % 3], "bench", str(i), "x" * 40,
                         40 + i % 7, 50 - i % 5])
    path.write_text(out.getvalue(), encoding="utf-8")


@contextmanager
def counting(app):
    """Counts SQL statements run and ORM objects loaded while the block runs."""
    counts = {"statements": 0, "objects": 0}

    def statement(*_args):
        counts["statements"] += 1

    def loaded(*_args):
        counts["objects"] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(Base, "load", loaded, propagate=True)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(Base, "load", loaded)


@pytest.fixture
def small_and_large(app, runner, tmp_path):
    for slug, n in (("small", 150), ("large", 5000)):
        path = tmp_path / f"{slug}.csv"
        write_polls_csv(path, slug, n)
        assert import_json(runner, path)["added"] == n
    return app


def test_a_question_page_costs_the_same_with_150_or_5000_polls(small_and_large, client):
    for page in PAGES:
        costs = {}
        for slug in ("small", "large"):
            client.get(page.format(slug=slug))  # warm caches the same way for both
            runs = []
            for _ in range(2):  # the fewer of two: the state's periodic re-check (every
                with counting(small_and_large) as counts:  # READ_STALENESS_SECONDS) may add one
                    response = client.get(page.format(slug=slug))
                assert response.status_code == 200, page
                runs.append(dict(counts))
            costs[slug] = min(runs, key=lambda run: run["statements"])
        # The same statements; the objects are one page of polls (50) with their results
        # and pollsters, which pollsters a page shows varies with the data.
        assert costs["large"]["statements"] == costs["small"]["statements"], page
        assert max(costs["large"]["objects"], costs["small"]["objects"]) <= 50 * 3 + 12 + 10, costs


@pytest.mark.parametrize("name", ["polls.csv", "export.json"])
def test_an_export_streams_from_batches_and_a_repeat_is_a_304(small_and_large, client, runner,
                                                              tmp_path, name):
    address = f"/api/v1/questions/large/{name}"
    with counting(small_and_large) as counts:
        response = client.get(address, buffered=False)
        assert response.status_code == 200 and response.is_streamed
        chunks = iter(response.response)
        early = next(chunks) + next(chunks)
        loaded_early = counts["objects"]
        body = early + b"".join(chunks)
    response.close()
    # The first chunks came before most polls were read (the query reads them in batches).
    assert loaded_early < 5000, loaded_early
    assert counts["objects"] > 5000  # and all of them were read by the end
    with small_and_large.app_context():  # every counted poll (a re-run poll's versions: one)
        counted = db.session.execute(select(func.count()).select_from(Poll).join(Question).where(
            Question.slug == "large", Poll.counted)).scalar_one()
    assert body.decode().count('"bench"' if name.endswith("json") else ",bench,") == counted > 4000
    etag = response.headers["ETag"]
    again = client.get(address, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    assert client.get(f"/api/v1/questions/small/{name}",
                      headers={"If-None-Match": etag}).status_code == 200
    new_poll = tmp_path / "one.csv"
    new_poll.write_text("question,pollster,start_date,end_date,population,source,source_id,Yes,No\n"
                        "large,Pollster 1,2021-03-01,2021-03-02,rv,bench,new,41,49\n")
    assert import_json(runner, new_poll)["added"] == 1
    changed = client.get(address, headers={"If-None-Match": etag})  # a new data version
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert b",new," in changed.data or b'"new"' in changed.data
