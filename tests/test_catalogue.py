"""The catalogue columns the write hook keeps (poll count, last poll, search text) and the
full-text search over them, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import datetime as dt

import pytest

from pollservice.extensions import db
from pollservice.models import Choice, Question, Race
from pollservice.readmodel.catalogue import search_document, search_ranked
from pollservice.services.polls import add_poll, delete_poll

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)


def live_count(slug: str) -> tuple[int, dt.date | None]:
    question = db.session.scalar(db.select(Question).filter_by(slug=slug))
    db.session.refresh(question)
    return question.poll_count, question.last_poll_end


def ranked_slugs(query: str) -> list[str]:
    statement = search_ranked(db.session, query)
    ids = [row.question_id for row in db.session.execute(statement)]
    slugs = dict(db.session.execute(db.select(Question.id, Question.slug)).all())
    return [slugs[i] for i in ids]


def test_every_write_keeps_the_poll_count_and_the_last_poll(demo_app):
    with demo_app.app_context():
        count, last = live_count("calexit")
        assert (count, last) == (3, dt.date(2017, 3, 31))
        poll = add_poll("calexit", {"pollster": "New Pollster", "start_date": "2017-05-01",
                                    "end_date": "2017-05-03", "sample_size": "800",
                                    "population": "a", "results": {"Support": 30, "Oppose": 60}},
                        actor="cli")
        assert live_count("calexit") == (4, dt.date(2017, 5, 3))
        delete_poll(poll.id, actor="cli")
        assert live_count("calexit") == (3, dt.date(2017, 3, 31))


def test_the_search_text_holds_the_race_the_place_and_the_candidates(demo_app):
    with demo_app.app_context():
        race = Race(slug="2020-president-general-pa", cycle=2020, office="president",
                    geography="PA", stage="general", title="2020 President: Pennsylvania")
        question = Question(slug="2020-pa-president", title="Biden vs Trump", race=race,
                            geography="PA", choices=[
                                Choice(name="Joe Biden", full_name="Joseph R. Biden Jr.",
                                       party="DEM", position=0),
                                Choice(name="Donald Trump", party="REP", position=1)])
        db.session.add(question)
        db.session.commit()
        document = search_document(question)
        for word in ("Pennsylvania", "PA", "2020", "President", "Joseph R. Biden Jr.",
                     "Democratic", "General election"):
            assert word in document
        assert db.session.get(Question, question.id).search_document == document
        assert ranked_slugs("biden pennsylvania")[0] == "2020-pa-president"
        assert ranked_slugs("pennsylv") == ["2020-pa-president"]  # the last word is a prefix
        assert ranked_slugs("approve trump")[0] == "trump-approval"
        assert ranked_slugs("biden ohio") == []
        assert search_ranked(db.session, " '\"*:& ") is None  # no words: no query

        race.geography = "OH"  # a changed race rewrites its questions' search text
        race.title = "2020 President: Ohio"
        db.session.commit()
        assert ranked_slugs("biden ohio") == ["2020-pa-president"]
