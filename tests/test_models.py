"""The database itself refuses impossible data, whatever code writes it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from pollservice.extensions import db
from pollservice.models import Choice, Poll, Pollster, Question, Result

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)


@pytest.fixture
def store(app):
    with app.app_context():
        question = Question(slug="q", title="Q?", description="", region="")
        question.choices = [Choice(name="Yes", position=0), Choice(name="No", position=1)]
        pollster = Pollster(name="P", slug="p")
        db.session.add_all([question, pollster])
        db.session.commit()
        yield question, pollster
        db.session.rollback()


def make_poll(question, pollster, **overrides):
    values = dict(question=question, pollster=pollster, sponsor="", start_date=dt.date(2017, 1, 1),
                  end_date=dt.date(2017, 1, 3), sample_size=500, population="a", mode="",
                  source_url="", notes="", source="test", source_id=None)
    values.update(overrides)
    poll = Poll(**values)
    db.session.add(poll)
    return poll


def commit_fails(*objects) -> bool:
    db.session.add_all(objects)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return True
    return False


def test_a_valid_poll_is_stored(store):
    question, pollster = store
    poll = make_poll(question, pollster)
    poll.results = [Result(choice=question.choices[0], pct=32.0)]
    assert not commit_fails(poll)


@pytest.mark.parametrize("pct", [-0.1, 100.1])
def test_percent_outside_0_100_is_refused(store, pct):
    question, pollster = store
    poll = make_poll(question, pollster)
    poll.results = [Result(choice=question.choices[0], pct=pct)]
    assert commit_fails(poll)


def test_end_before_start_is_refused(store):
    question, pollster = store
    assert commit_fails(make_poll(question, pollster, start_date=dt.date(2017, 2, 1)))


@pytest.mark.parametrize("size", [0, -5])
def test_non_positive_sample_size_is_refused(store, size):
    question, pollster = store
    assert commit_fails(make_poll(question, pollster, sample_size=size))


def test_unknown_sample_size_is_allowed(store):
    question, pollster = store
    assert not commit_fails(make_poll(question, pollster, sample_size=None))


def test_unknown_population_code_is_refused(store):
    question, pollster = store
    assert commit_fails(make_poll(question, pollster, population="xx"))


def test_two_results_for_one_poll_and_choice_are_refused(store):
    question, pollster = store
    poll = make_poll(question, pollster)
    poll.results = [Result(choice=question.choices[0], pct=30.0),
                    Result(choice=question.choices[0], pct=31.0)]
    assert commit_fails(poll)


def test_two_polls_with_one_source_id_are_refused(store):
    question, pollster = store
    assert not commit_fails(make_poll(question, pollster, source_id="x1"))
    assert commit_fails(make_poll(question, pollster, source_id="x1"))


def test_choice_names_are_unique_within_a_question(store):
    question, _ = store
    assert commit_fails(Choice(question=question, name="Yes", position=5))
