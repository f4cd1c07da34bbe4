"""Atom feeds (feedgen): new and changed polls, site-wide and per question, race and
pollster, and each question's published averages (one entry per day's edition,
``services.editions``).

Bounded cost: a feed holds at most ``FEED_ENTRIES`` entries, and its queries read the
newest ``FEED_ENTRIES`` polls by ``created_at`` and by ``updated_at`` from their indexes
(migration 0006) before loading those polls, so a feed costs the same whatever the number
of polls. A poll's entry keeps its id when the poll changes; its ``updated`` is the last
change. Deleted polls leave the feeds, as they leave the lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from feedgen.feed import FeedGenerator
from flask import url_for
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AverageEdition, Poll, Question, Result
from ..readmodel import question_view
from .pollsters import get_public_pollster
from .races import get_race

FEED_ENTRIES = 50
ATOM = "application/atom+xml"
# The updated time of a feed with no entry yet (a constant: the same body, the same ETag).
EMPTY_FEED_UPDATED = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


def _changed(poll: Poll) -> dt.datetime:
    return max(filter(None, (poll.created_at, poll.updated_at)))


def newest_polls(where: Sequence[ColumnElement[bool]]) -> list[Poll]:
    """The ``FEED_ENTRIES`` live polls matching ``where`` that were created or changed
    last, newest first: two index reads of at most ``FEED_ENTRIES`` rows, then the polls."""
    live = [*where, Poll.public()]
    ids: set[int] = set()
    for column in (Poll.created_at, Poll.updated_at):
        ids.update(db.session.scalars(select(Poll.id).where(*live, column.is_not(None))
                                      .order_by(column.desc(), Poll.id.desc()).limit(FEED_ENTRIES)))
    polls = db.session.scalars(select(Poll).where(Poll.id.in_(ids)).options(
        selectinload(Poll.pollster), selectinload(Poll.question),
        selectinload(Poll.results).selectinload(Result.choice))).all() if ids else []
    return sorted(polls, key=lambda p: (_changed(p), p.id), reverse=True)[:FEED_ENTRIES]


def _generator(feed_id: str, title: str, subtitle: str, page: str, updated: dt.datetime) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": "pollservice"})
    feed.link(href=feed_id, rel="self", type=ATOM)
    feed.link(href=page, rel="alternate", type="text/html")
    feed.updated(updated)
    feed.generator("pollservice (feedgen)")
    return feed


def _results_text(poll: Poll) -> str:
    shares = sorted(poll.results, key=lambda r: r.choice.position)
    return ", ".join(f"{r.choice.name} {r.pct:g}" for r in shares)


def polls_atom(polls: list[Poll], feed_id: str, title: str, page: str) -> bytes:
    """The Atom document of ``polls`` (newest first)."""
    updated = _utc(_changed(polls[0])) if polls else EMPTY_FEED_UPDATED
    feed = _generator(feed_id, title, "New and changed polls, newest first.", page, updated)
    for poll in polls:
        link = url_for("web.poll", poll_id=poll.id, _external=True)
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(f"{poll.pollster.name}: {poll.question.title} ({poll.end_date.isoformat()})")
        entry.link(href=link, rel="alternate", type="text/html")
        entry.published(_utc(poll.created_at))
        entry.updated(_utc(_changed(poll)))
        entry.category(term=poll.question.slug, label=poll.question.title)
        sample = f", n={poll.sample_size}" if poll.sample_size else ""
        entry.summary(f"{_results_text(poll)}. Fielded {poll.start_date.isoformat()} to "
                      f"{poll.end_date.isoformat()}{sample}, population {poll.population}.")
    return feed.atom_str(pretty=True)


def site_polls_feed() -> bytes:
    return polls_atom(newest_polls([]), url_for("api.site_polls_feed", _external=True),
                      "pollservice: new and changed polls", url_for("web.index", _external=True))


def question_polls_feed(slug: str) -> bytes:
    question = question_view(slug).question
    return polls_atom(newest_polls([Poll.question_id == question.id]),
                      url_for("api.question_polls_feed", slug=question.slug, _external=True),
                      f"{question.title}: new and changed polls",
                      url_for("web.question", slug=question.slug, _external=True))


def race_polls_feed(slug: str) -> bytes:
    race = get_race(slug)
    ids = select(Question.id).where(Question.race_id == race.id).scalar_subquery()
    return polls_atom(newest_polls([Poll.question_id.in_(ids)]),
                      url_for("api.race_polls_feed", slug=race.slug, _external=True),
                      f"{race.title}: new and changed polls",
                      url_for("web.race", slug=race.slug, _external=True))


def pollster_polls_feed(slug: str) -> bytes:
    pollster = get_public_pollster(slug)
    return polls_atom(newest_polls([Poll.pollster_id == pollster.id]),
                      url_for("api.pollster_polls_feed", slug=pollster.slug, _external=True),
                      f"{pollster.name}: new and changed polls",
                      url_for("web.pollster", slug=pollster.slug, _external=True))


def _average_text(averages: dict[str, dict | None]) -> str:
    return "; ".join(f"{name} {avg['estimate']:.1f} ({avg['lower']:.1f} to {avg['upper']:.1f})"
                     if avg else f"{name}: no poll" for name, avg in averages.items())


def averages_feed(slug: str) -> bytes:
    """One entry per day's published average (newest first, at most ``FEED_ENTRIES``):
    the day's edition, updated while the day lasts, final after."""
    question = question_view(slug).question
    editions = db.session.scalars(select(AverageEdition).where(AverageEdition.question_id == question.id)
                                  .order_by(AverageEdition.day.desc()).limit(FEED_ENTRIES)).all()
    updated = max((_utc(e.published_at) for e in editions), default=EMPTY_FEED_UPDATED)
    feed = _generator(url_for("api.averages_feed", slug=question.slug, _external=True),
                      f"{question.title}: the average", "The real-time average as published each day.",
                      url_for("web.question", slug=question.slug, _external=True), updated)
    for edition in editions:
        link = url_for("api.edition", slug=question.slug, date=edition.day.isoformat(), _external=True)
        entry = feed.add_entry(order="append")
        entry.id(link)
        entry.title(f"{question.title}: the average on {edition.day.isoformat()}")
        entry.link(href=link, rel="alternate", type="application/json")
        entry.updated(_utc(edition.published_at))
        entry.summary(f"{_average_text(edition.averages)}. Method {edition.method}, data version "
                      f"{edition.data_version}{' (final)' if edition.final else ''}.")
    return feed.atom_str(pretty=True)
