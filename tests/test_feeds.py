"""Atom feeds of new and changed polls (site-wide, per question, race and pollster) and
of each question's average changes: valid Atom (feedparser reads them without a
complaint), at most FEED_ENTRIES entries, linked from the pages, with conditional GET."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from race_support import RACE_SLUG, SLUG, build_race
from sqlalchemy import event, select, text

from conftest import ON_POSTGRES
from pollservice.extensions import db
from pollservice.models import Poll, Pollster
from pollservice.services import feeds
from pollservice.services.polls import add_poll, update_poll

ATOM = "application/atom+xml"


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == ATOM
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return response, feed


def new_poll(app, pollster: str = "Feed Pollster", support: int = 41) -> int:
    with app.app_context():
        return add_poll("calexit", {"pollster": pollster, "start_date": "2017-05-01",
                                    "end_date": "2017-05-02", "sample_size": "900", "population": "a",
                                    "results": {"Support": str(support), "Oppose": "50"}}).id


def test_the_site_feed_lists_a_new_poll_first_and_a_changed_one_as_updated(demo_app, client):
    poll_id = new_poll(demo_app)
    _, feed = parsed(client, "/api/v1/feeds/polls.atom")
    assert feed.entries[0].link.endswith(f"/polls/{poll_id}")
    assert "Feed Pollster" in feed.entries[0].title
    first_id = feed.entries[0].id
    with demo_app.app_context():
        update_poll(poll_id, {"results": {"Support": "44", "Oppose": "50"}}, actor="test", partial=True)
    _, again = parsed(client, "/api/v1/feeds/polls.atom")
    assert again.entries[0].id == first_id  # the same entry, updated
    assert "44" in again.entries[0].summary
    updated = [dt.datetime(*f.entries[0].updated_parsed[:6]) for f in (feed, again)]
    assert updated[1] >= updated[0]


@pytest.mark.jobs_run(False)  # the entries and their queries; no average is read
def test_a_feed_has_at_most_feed_entries_and_a_bounded_query(demo_app, client):
    for n in range(feeds.FEED_ENTRIES + 5):
        new_poll(demo_app, pollster=f"Bulk {n}")
    statements: list[str] = []
    with demo_app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            _, feed = parsed(client, "/api/v1/feeds/polls.atom")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert len(feed.entries) == feeds.FEED_ENTRIES
    scans = [s for s in statements if "ORDER BY poll." in s]
    assert len(scans) == 2 and all("LIMIT" in s for s in scans)  # newest created, newest updated
    unbounded = [s for s in statements if ("FROM poll \n" in s or s.endswith("FROM poll"))
                 and "LIMIT" not in s and "poll.id IN" not in s]
    assert unbounded == []


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's query plan; PostgreSQL plans small tables differently")
@pytest.mark.parametrize("scope", [[], [Poll.question_id == 1], [Poll.pollster_id == 1]])
def test_the_feed_queries_read_an_index_not_every_poll(demo_app, scope):
    with demo_app.app_context():
        for column in (Poll.created_at, Poll.updated_at):
            query = (select(Poll.id).where(*scope, Poll.deleted_at.is_(None), column.is_not(None))
                     .order_by(column.desc(), Poll.id.desc()).limit(feeds.FEED_ENTRIES))
            sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
            plan = " ".join(str(row[-1]) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "USING INDEX ix_poll_" in plan and "TEMP B-TREE" not in plan, plan


def test_question_and_pollster_feeds_hold_only_their_polls(demo_app, client):
    poll_id = new_poll(demo_app, pollster="Only Here")
    _, question_feed = parsed(client, "/api/v1/questions/calexit/polls.atom")
    assert question_feed.entries[0].link.endswith(f"/polls/{poll_id}")
    assert {e.tags[0].term for e in question_feed.entries} == {"calexit"}
    with demo_app.app_context():
        slug = db.session.scalar(select(Pollster.slug).where(Pollster.name == "Only Here"))
    _, pollster_feed = parsed(client, f"/api/v1/pollsters/{slug}/polls.atom")
    assert [e.link.rsplit("/", 1)[1] for e in pollster_feed.entries] == [str(poll_id)]
    assert client.get("/api/v1/questions/nope/polls.atom").status_code == 404
    assert client.get("/api/v1/pollsters/nope/polls.atom").status_code == 404


def test_the_race_feed_lists_the_polls_of_its_questions(app, client):
    build_race(app)
    _, feed = parsed(client, f"/api/v1/races/{RACE_SLUG}/polls.atom")
    assert 0 < len(feed.entries) <= feeds.FEED_ENTRIES
    assert client.get("/api/v1/races/nope/polls.atom").status_code == 404
    assert SLUG


def test_the_average_feed_has_one_entry_per_published_edition(demo_app, client):
    _, feed = parsed(client, "/api/v1/questions/calexit/averages.atom")
    assert len(feed.entries) == 1
    assert "Support" in feed.entries[0].summary and "data version" in feed.entries[0].summary


def test_feeds_answer_304_to_their_etag(demo_app, client):
    for url in ("/api/v1/feeds/polls.atom", "/api/v1/questions/calexit/polls.atom",
                "/api/v1/questions/calexit/averages.atom"):
        response, _ = parsed(client, url)
        assert response.headers["ETag"] and "max-age" in response.headers["Cache-Control"]
        assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    new_poll(demo_app)
    assert client.get("/api/v1/feeds/polls.atom",
                      headers={"If-None-Match": response.headers["ETag"]}).status_code == 200


def test_pages_link_their_feeds(demo_app, client):
    home = client.get("/").get_data(as_text=True)
    assert f'<link rel="alternate" type="{ATOM}"' in home and "/api/v1/feeds/polls.atom" in home
    page = client.get("/questions/calexit").get_data(as_text=True)
    assert "/api/v1/questions/calexit/polls.atom" in page
    assert "/api/v1/questions/calexit/averages.atom" in page
