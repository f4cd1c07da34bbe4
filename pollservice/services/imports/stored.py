"""What an import reads from the store to plan its rows, in bulk and in chunks of ids: the
questions a file names (with their choices), the pollsters, and the stored polls (deleted
ones too) of those questions as plain values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain.poll_fields import SCALAR_FIELDS
from ...extensions import db
from ...models import Poll, Pollster, PollsterAlias, Question, Result

CHUNK = 500  # ids per IN (...) list


@dataclass
class StoredPoll:
    """A stored poll as the planner reads it (plain values, no ORM object)."""

    id: int
    pollster_id: int
    source: str
    source_id: str | None
    values: dict[str, Any]
    election_date: dt.date | None
    deleted: bool
    results: dict[int, tuple[int, float, float | None]] = field(default_factory=dict)


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def load_stored_polls(question_ids: set[int]) -> dict[int, list[StoredPoll]]:
    """The stored polls (deleted ones too) of these questions, with their results."""
    poll = Poll.__table__.c
    result = Result.__table__.c
    columns = [poll.id, poll.question_id, poll.pollster_id, poll.source, poll.source_id,
               poll.election_date, poll.deleted_at, *(poll[name] for name in SCALAR_FIELDS)]
    by_id: dict[int, StoredPoll] = {}
    by_question: dict[int, list[StoredPoll]] = {}
    for chunk in chunks(sorted(question_ids)):
        for row in db.session.execute(select(*columns).where(poll.question_id.in_(chunk))):
            values = {name: getattr(row, name) for name in SCALAR_FIELDS}
            stored = StoredPoll(row.id, row.pollster_id, row.source, row.source_id, values,
                                row.election_date, row.deleted_at is not None)
            by_id[row.id] = stored
            by_question.setdefault(row.question_id, []).append(stored)
        for rid, poll_id, choice_id, pct, actual in db.session.execute(
            select(result.id, result.poll_id, result.choice_id, result.pct, result.actual_pct)
            .join(Poll.__table__, poll.id == result.poll_id).where(poll.question_id.in_(chunk))
        ):
            by_id[poll_id].results[choice_id] = (rid, pct, actual)
    return by_question


def load_questions(slugs: set[str]) -> dict[str, Question]:
    """The stored questions with these slugs, by slug, with their choices."""
    found: dict[str, Question] = {}
    for chunk in chunks(sorted(slugs)):
        found.update((q.slug, q) for q in db.session.execute(
            select(Question).where(Question.slug.in_(chunk))
            .options(selectinload(Question.choices))).scalars())
    return found


def load_pollsters() -> dict[str, tuple[int, str]]:
    """Every pollster: slug -> (id, name)."""
    return {slug: (pid, name) for pid, slug, name in db.session.execute(
        select(Pollster.id, Pollster.slug, Pollster.name)).all()}


def load_alias_slugs() -> dict[str, str]:
    """Every alias: normalised spelling (``PollsterAlias.key``) -> its pollster's slug, so a
    file that still names a merged pollster files its polls under the survivor."""
    return {key: slug for key, slug in db.session.execute(
        select(PollsterAlias.key, Pollster.slug).join(Pollster, PollsterAlias.pollster_id == Pollster.id))}
