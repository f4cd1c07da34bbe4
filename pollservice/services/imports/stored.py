"""What an import reads from the store to plan its rows, in bulk and in chunks of ids: the
questions a file names (with their choices), the pollsters, and the stored polls (deleted
ones too) of those questions as plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain.poll_fields import SCALAR_FIELDS
from ...extensions import db
from ...models import Poll, Pollster, PollsterAlias, PollsterMerge, Question, Race, Result
from ..bulk import chunks


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
    extra: dict[str, Any] = field(default_factory=dict)  # EXTRA_FIELDS


# Poll columns an import writes besides the form's fields.
# ``counted`` is the reader's when the poll has no versions (538 left a question out of its
# average); otherwise ``writer.recount_versions`` sets it.
EXTRA_FIELDS = ("published_on", "tracking", "version_group", "counted")
EXTRA_DEFAULTS: dict[str, Any] = {"published_on": None, "tracking": False, "version_group": None,
                                  "counted": True}


def load_stored_polls(question_ids: set[int]) -> dict[int, list[StoredPoll]]:
    """The stored polls (deleted ones too) of these questions, with their results."""
    poll = Poll.__table__.c
    result = Result.__table__.c
    columns = [poll.id, poll.question_id, poll.pollster_id, poll.source, poll.source_id,
               poll.election_date, poll.deleted_at, *(poll[name] for name in SCALAR_FIELDS),
               *(poll[name] for name in EXTRA_FIELDS)]
    by_id: dict[int, StoredPoll] = {}
    by_question: dict[int, list[StoredPoll]] = {}
    for chunk in chunks(sorted(question_ids)):
        for row in db.session.execute(select(*columns).where(poll.question_id.in_(chunk))):
            values = {name: getattr(row, name) for name in SCALAR_FIELDS}
            stored = StoredPoll(row.id, row.pollster_id, row.source, row.source_id, values,
                                row.election_date, row.deleted_at is not None,
                                extra={name: getattr(row, name) for name in EXTRA_FIELDS})
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


@dataclass
class PollsterIdentities:
    """How an import finds a pollster: by 538's ``pollster_id``, then by the key of any
    spelling met before (``PollsterAlias``), then by its slug. Values are pollster slugs."""

    by_fte_id: dict[int, str] = field(default_factory=dict)
    by_alias_key: dict[str, str] = field(default_factory=dict)
    fte_id_of: dict[str, int | None] = field(default_factory=dict)  # slug -> 538 id


def load_pollster_identities() -> PollsterIdentities:
    found = PollsterIdentities()
    for slug, fte_id in db.session.execute(select(Pollster.slug, Pollster.fte_pollster_id)):
        found.fte_id_of[slug] = fte_id
        if fte_id is not None:
            found.by_fte_id[fte_id] = slug
    for key, slug in db.session.execute(
            select(PollsterAlias.key, Pollster.slug).join(Pollster, PollsterAlias.pollster)):
        found.by_alias_key[key] = slug
    # A merged pollster's 538 id, when the survivor had its own, still leads to the survivor.
    for fte_id, slug in db.session.execute(
            select(PollsterMerge.merged_fte_pollster_id, Pollster.slug)
            .join(Pollster, PollsterMerge.survivor)):
        if fte_id is not None:
            found.by_fte_id.setdefault(fte_id, slug)
    return found


def load_races(keys: set[tuple]) -> dict[tuple, Race]:
    """The stored races with these keys (cycle, office, geography, stage, party, seat)."""
    cycles = sorted({key[0] for key in keys})
    found: dict[tuple, Race] = {}
    for chunk in chunks(cycles):
        for race in db.session.execute(select(Race).where(Race.cycle.in_(chunk))
                                       .options(selectinload(Race.results))).scalars():
            key = (race.cycle, race.office, race.geography, race.stage, race.party, race.seat)
            if key in keys:
                found[key] = race
    return found
