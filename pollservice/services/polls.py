"""Polls: storing them (validated by ``domain.validation``), changing, deleting and
restoring them with their audit entries, and reading them back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..domain import validation
from ..domain.errors import Conflict, NotFound, PollExists, ValidationFailed
from ..domain.poll_fields import SCALAR_FIELDS
from ..domain.schemas import PollSchema, WrittenPollSchema
from ..domain.validation import PollInput, pollster_alias_key, pollster_slug
from ..extensions import db
from ..models import Poll, Pollster, PollsterAlias, Question, Result, utcnow
from . import audit, idempotency, review
from .bulk import insert_ignoring_conflicts, violated_constraint
from .poll_versions import recount_versions
from .pollster_identity import unknown_pollster
from .questions import get_question
from .transaction import transaction

POLL_SCHEMA = PollSchema()
WRITTEN_POLL_SCHEMA = WrittenPollSchema()
POLL_SOURCE_KEY = "uq_poll_question_id_source_source_id"  # (question, source, source_id)


def validate_poll(question: Question, raw: Mapping[str, Any],
                  known: Mapping[str, str] | None = None) -> PollInput:
    """``domain.validation.validate_poll`` against this question's answer choices."""
    return validation.validate_poll([choice.name for choice in question.choices], raw, known)


def find_pollster(name: str) -> Pollster | None:
    """The pollster of this name, by slug, else by alias (a merged pollster's name leads to
    the one it was merged into); None when there is none."""
    pollster = db.session.execute(select(Pollster).where(Pollster.slug == pollster_slug(name))
                                  ).scalar_one_or_none()
    if pollster is None:
        pollster = db.session.execute(
            select(Pollster).join(PollsterAlias, PollsterAlias.pollster_id == Pollster.id)
            .where(PollsterAlias.key == pollster_alias_key(name))).scalars().first()
    return pollster


def get_or_create_pollster(name: str) -> Pollster:
    """``find_pollster``, created if there is none. Race-free: the insert does nothing when
    a concurrent write created the same pollster first, and the row is read back (a unique
    violation would abort the poll's whole transaction)."""
    pollster = find_pollster(name)
    if pollster is None:
        slug = pollster_slug(name)
        insert_ignoring_conflicts(db.session, Pollster, [{"name": name, "slug": slug}])
        pollster = db.session.execute(select(Pollster).where(Pollster.slug == slug)).scalar_one()
    return pollster


def require_pollster(name: str, create: bool) -> None:
    """``UnknownPollster`` (422 naming ``pollster``, with suggestions) when no pollster has
    this name or alias, unless ``create``: a new pollster is made only when asked for (the
    form's confirmation, the API's ``create_pollster``), never by a typo."""
    if not create and find_pollster(name) is None:
        raise unknown_pollster(name)


def build_poll(question: Question, data: PollInput, pollster: Pollster | None = None) -> Poll:
    """A new ``Poll`` (added to the session, not committed) from validated data."""
    choices = {choice.name: choice for choice in question.choices}
    poll = Poll(question=question, pollster=pollster or get_or_create_pollster(data.pollster),
                source=data.source, source_id=data.source_id,
                **{name: getattr(data, name) for name in SCALAR_FIELDS})
    db.session.add(poll)
    poll.results = [Result(choice=choices[name], pct=pct) for name, pct in data.results.items()]
    return poll


def choice_names_of(question: Question) -> dict[int, str]:
    return {choice.id: choice.name for choice in question.choices}


def _source_id_taken(data: PollInput, poll_id: int) -> PollExists:
    return PollExists(f"Poll {poll_id} of this question has source {data.source!r} and source id "
                      f"{data.source_id!r}.", fields={"source_id": f"already used by poll {poll_id}"},
                      poll_id=poll_id)


def identical_poll(question: Question, data: PollInput, pollster: Pollster) -> int | None:
    """The id of a live poll of the question identical to ``data``: same pollster, field
    dates, population, sample size and results (every choice, the same percent)."""
    candidates = db.session.execute(
        select(Poll).where(Poll.question_id == question.id, Poll.pollster_id == pollster.id,
                           Poll.start_date == data.start_date, Poll.end_date == data.end_date,
                           Poll.population == data.population, Poll.deleted_at.is_(None),
                           Poll.sample_size.is_(None) if data.sample_size is None
                           else Poll.sample_size == data.sample_size)
        .options(selectinload(Poll.results))).scalars()
    choice_ids = {choice.name: choice.id for choice in question.choices}
    wanted = {choice_ids[name]: pct for name, pct in data.results.items()}
    for poll in candidates:
        if {result.choice_id: result.pct for result in poll.results} == wanted:
            return poll.id
    return None


def refuse_stored_poll(question: Question, data: PollInput, pollster: Pollster) -> None:
    """``PollExists`` when the poll's source id is taken or an identical poll is stored.
    Called under the question's row lock, so two identical polls sent at once cannot both
    pass (PostgreSQL; SQLite runs one writer at a time)."""
    if data.source_id:
        taken = db.session.execute(select(Poll.id).where(
            Poll.question_id == question.id, Poll.source == data.source,
            Poll.source_id == data.source_id)).scalar()
        if taken is not None:
            raise _source_id_taken(data, taken)
    same = identical_poll(question, data, pollster)
    if same is not None:
        raise PollExists(f"Poll {same} is identical (same pollster, field dates, population, sample "
                         "size and results); it was not stored twice.",
                         fields={"body": f"identical to poll {same}"}, poll_id=same)


def add_poll(question_slug: str, raw: Mapping[str, Any], source: str = "form",
             actor: str = "cli", key: idempotency.KeyClaim | None = None,
             create_pollster: bool = True) -> Poll:
    """Validate and store one poll in its own transaction, with its audit entry; with an
    idempotency ``key``, the key and the response (``idempotency.record``) in the same one.
    ``PollExists`` (409) when the poll is stored already (``refuse_stored_poll``); it names
    ``source_id`` only when that poll exists. ``create_pollster=False``: an unknown
    pollster is refused (``require_pollster``) instead of created. A poll the review rule
    holds (``review.hold_reasons``) is stored ``held``, counted in nothing until it is
    published."""
    question = get_question(question_slug)
    data = validate_poll(question, {**raw, "source": source})
    require_pollster(data.pollster, create_pollster)
    reasons = review.hold_reasons(question, data, find_pollster(data.pollster))
    try:
        with transaction():
            key_row = idempotency.claim(key) if key else None
            pollster = get_or_create_pollster(data.pollster)
            db.session.execute(select(Question.id).where(Question.id == question.id).with_for_update())
            refuse_stored_poll(question, data, pollster)
            poll = build_poll(question, data, pollster)
            db.session.flush()
            audit.record(poll, "create", actor, None, audit.poll_snapshot(poll, choice_names_of(question)))
            if reasons:
                review.hold(poll, reasons, actor)
            if key_row is not None:
                idempotency.record(key_row, written_outcome(poll))
    except IntegrityError as exc:
        constraint = violated_constraint(exc)
        if constraint == idempotency.KEY_CONSTRAINT:
            raise idempotency.KeyTaken() from None
        if constraint == POLL_SOURCE_KEY:  # a concurrent request stored it first
            raise _source_id_taken(data, _poll_with_source_id(question, data)) from None
        raise Conflict("A concurrent write changed the same rows; the poll was not stored. "
                       "Try again.") from None
    return poll


def _poll_with_source_id(question: Question, data: PollInput) -> int:
    return db.session.execute(select(Poll.id).where(
        Poll.question_id == question.id, Poll.source == data.source,
        Poll.source_id == data.source_id)).scalar_one()


def add_poll_once(question_slug: str, raw: Mapping[str, Any], source: str, actor: str,
                  key: idempotency.KeyClaim | None, create_pollster: bool = True) -> idempotency.Outcome:
    """``add_poll`` as the API's POST: with an ``Idempotency-Key`` the stored outcome of an
    earlier request with that key is answered instead of a second write (also when that
    request was running at the same time and committed first)."""
    if key is not None and (stored := idempotency.stored_outcome(key)) is not None:
        return stored
    try:
        poll = add_poll(question_slug, raw, source=source, actor=actor, key=key,
                        create_pollster=create_pollster)
    except idempotency.KeyTaken:
        stored = idempotency.stored_outcome(key) if key else None
        if stored is None:  # the other request's key expired in between: not in 24 hours
            raise Conflict("A request with the same Idempotency-Key was running; try again.") from None
        return stored
    return written_outcome(poll)


def written_outcome(poll: Poll) -> idempotency.Outcome:
    """The API's answer to a stored poll: 201, or 202 when it is held for review (the body
    says so: ``status``, ``held_reason``)."""
    return idempotency.Outcome(202 if poll.review_status == review.HELD else 201, written_poll(poll), poll.id)


def written_poll(poll: Poll) -> dict[str, Any]:
    """The poll's public shape with its review state, for the writers that stored it."""
    return WRITTEN_POLL_SCHEMA.dump(poll)


def check_new_poll(question_slug: str, raw: Mapping[str, Any], known: Mapping[str, str]) -> None:
    """Raise ``ValidationFailed`` with the problems ``known`` (the API's schema found them)
    and those the rules find in the rest of ``raw``: every problem in one answer."""
    validate_poll(get_question(question_slug), raw, known)
    raise ValidationFailed("The poll has invalid fields.", fields=dict(known))


MAX_ID = 2**31 - 1  # the id column is a 32-bit integer on PostgreSQL


def get_poll(poll_id: int, include_deleted: bool = False, for_update: bool = False,
             published_only: bool = False) -> Poll:
    """The poll (``NotFound`` if unknown or deleted; with ``published_only``, also while it
    is held or rejected in review: the public reads). ``for_update`` locks its row until the
    transaction ends (PostgreSQL), so a concurrent change waits instead of being lost."""
    options: dict[str, Any] = {"with_for_update": True, "populate_existing": True} if for_update else {}
    poll = db.session.get(Poll, poll_id, **options) if 0 < poll_id <= MAX_ID else None
    if published_only and poll is not None and (
            poll.review_status != review.PUBLISHED or poll.question.status != review.PUBLISHED):
        poll = None  # held, rejected, or of a draft question
    if poll is None or (poll.deleted_at is not None and not include_deleted):
        raise NotFound(f"No poll with id {poll_id}.", fields={"id": "unknown poll"})
    return poll


IDENTITY_FIELDS = ("source", "source_id")


def merge_patch(poll: Poll, before: Mapping[str, Any], patch: Mapping[str, Any]) -> tuple[dict, dict]:
    """The poll's values with ``patch`` applied as a JSON Merge Patch (RFC 7396): the members
    named replace the stored ones; in ``results`` each choice named replaces that choice's
    percent and a choice set to null is removed. ``source``/``source_id`` may be repeated,
    not changed; returns the merged values and the problems found (those changes)."""
    problems = {name: "cannot be changed: it identifies the poll (delete the poll and add it again)"
                for name in IDENTITY_FIELDS if name in patch and patch[name] != getattr(poll, name)}
    merged = {**before, **{key: value for key, value in patch.items() if key not in IDENTITY_FIELDS}}
    results = patch.get("results")
    if isinstance(results, Mapping):
        merged["results"] = {name: pct for name, pct in {**before["results"], **results}.items()
                             if pct is not None}
    merged.update({name: getattr(poll, name) for name in IDENTITY_FIELDS})
    return merged, problems


def update_poll(poll_id: int, raw: Mapping[str, Any], actor: str, partial: bool = False,
                create_pollster: bool = True) -> Poll:
    """Replace a poll's values (validated like a new poll); records old and new values.
    ``partial``: ``raw`` is a merge patch of the poll as stored (``merge_patch``). The
    poll's row is locked first, so the merge and the checks see what a concurrent change
    committed. ``create_pollster``: as in ``add_poll``."""
    poll = get_poll(poll_id, for_update=True)
    question = poll.question
    names = choice_names_of(question)
    before = audit.poll_snapshot(poll, names)
    known: dict[str, str] = {}
    if partial:
        raw, known = merge_patch(poll, before, raw)
    data = validate_poll(question, {"source": poll.source, "source_id": poll.source_id, **raw}, known)
    require_pollster(data.pollster, create_pollster)
    with transaction():
        assign_poll(poll, data, get_or_create_pollster(data.pollster), question)
        poll.updated_at = utcnow()
        db.session.flush()
        old, new = audit.changed_values(before, audit.poll_snapshot(poll, names))
        if new:
            audit.record(poll, "update", actor, old, new)
        _recount(poll)
    return poll


def check_poll_change(poll_id: int, patch: Mapping[str, Any], known: Mapping[str, str]) -> None:
    """``check_new_poll`` for a merge patch of a stored poll (404 if there is none)."""
    poll = get_poll(poll_id)
    merged, problems = merge_patch(poll, audit.poll_snapshot(poll, choice_names_of(poll.question)), patch)
    validate_poll(poll.question, merged, {**problems, **known})
    raise ValidationFailed("The poll has invalid fields.", fields={**problems, **known})


def _recount(poll: Poll) -> None:
    """A poll with other versions: which one is counted may change with this write."""
    if poll.version_group:
        recount_versions({poll.question_id})


def delete_poll(poll_id: int, actor: str) -> Poll:
    """Soft delete: the poll leaves averages, lists and exports, and can be restored."""
    poll = get_poll(poll_id)
    with transaction():
        poll.deleted_at = utcnow()
        audit.record(poll, "delete", actor, {"deleted": False}, {"deleted": True})
        _recount(poll)
    return poll


def restore_poll(poll_id: int, actor: str) -> Poll:
    poll = get_poll(poll_id, include_deleted=True)
    if poll.deleted_at is None:
        return poll
    with transaction():
        poll.deleted_at = None
        audit.record(poll, "restore", actor, {"deleted": True}, {"deleted": False})
        _recount(poll)
    return poll


def assign_poll(poll: Poll, data: PollInput, pollster: Pollster, question: Question) -> None:
    """Copy validated values onto a poll, reusing its stored results where it can."""
    choices = {c.name: c for c in question.choices}
    poll.pollster = pollster
    for name in SCALAR_FIELDS:
        setattr(poll, name, getattr(data, name))
    current = {r.choice_id: r for r in poll.results if r.choice_id is not None}
    results = []
    for name, pct in data.results.items():
        result = current.get(choices[name].id)
        if result is None:
            result = Result(choice=choices[name], pct=pct)
        else:
            result.pct = pct
        results.append(result)
    poll.results = results


def _poll_filters(question: Question, pollster: str | None = None, population: str | None = None,
                  start: dt.date | None = None, end: dt.date | None = None) -> list:
    conditions = [Poll.question_id == question.id, Poll.public()]
    if pollster:
        conditions.append(Poll.pollster.has(Pollster.name == pollster))
    if population:
        conditions.append(Poll.population == population)
    if start:
        conditions.append(Poll.end_date >= start)
    if end:
        conditions.append(Poll.end_date <= end)
    return conditions


POLL_ORDERS = {
    "newest": (Poll.end_date.desc(), Poll.start_date.desc(), Poll.id.desc()),
    "oldest": (Poll.end_date, Poll.start_date, Poll.id),
    "sample": (Poll.sample_size.desc().nulls_last(), Poll.end_date.desc(), Poll.id.desc()),
    "pollster": (Pollster.name, Poll.end_date.desc(), Poll.id.desc()),
}


def list_polls(question: Question, pollster: str | None = None, population: str | None = None,
               start: dt.date | None = None, end: dt.date | None = None,
               offset: int = 0, limit: int | None = None, order: str = "newest") -> list[Poll]:
    """The question's polls, newest first (by end date, then start date) or in another
    ``POLL_ORDERS`` order, optionally filtered (pollster name, population, end date range)
    and paged."""
    statement = (
        select(Poll)
        .where(*_poll_filters(question, pollster, population, start, end))
        .options(selectinload(Poll.pollster), selectinload(Poll.results).selectinload(Result.choice))
        .order_by(*POLL_ORDERS[order])
        .offset(offset)
    )
    if order == "pollster":
        statement = statement.join(Pollster, Poll.pollster_id == Pollster.id)
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())


def question_pollsters(question: Question) -> list[tuple[str, str]]:
    """``(name, slug)`` of every pollster with a poll of this question (not deleted), by name."""
    return [(name, slug) for name, slug in db.session.execute(
        select(Pollster.name, Pollster.slug).where(Pollster.id.in_(
            select(Poll.pollster_id).where(Poll.question_id == question.id, Poll.public())))
        .order_by(Pollster.name)).all()]


def count_polls(question: Question, pollster: str | None = None, population: str | None = None,
                start: dt.date | None = None, end: dt.date | None = None) -> int:
    return db.session.execute(
        select(func.count(Poll.id)).where(*_poll_filters(question, pollster, population, start, end))
    ).scalar_one()


def poll_as_dict(poll: Poll) -> dict[str, Any]:
    """The public shape of a poll as JSON types (API, JSON export): ``PollSchema``."""
    return POLL_SCHEMA.dump(poll)


def list_pollster_names() -> list[str]:
    return list(db.session.execute(select(Pollster.name).order_by(Pollster.name)).scalars())


POLL_STATUSES = ("active", "deleted", "all")


# The admin poll list's sort keys (``search_polls(sort=)``): text in any case, a missing
# sample size last whichever the direction, the poll id breaking ties.
POLL_SORTS: dict[str, tuple[Any, ...]] = {
    "dates": (Poll.end_date, Poll.start_date),
    "id": (Poll.id,),
    "question": (func.lower(Question.title),),
    "pollster": (func.lower(Pollster.name),),
    "sample": (Poll.sample_size,),
}
DEFAULT_POLL_SORT = "dates"


def search_polls(text: str = "", question_slug: str | None = None, status: str = "active",
                 limit: int = 50, offset: int = 0, sort: str = DEFAULT_POLL_SORT,
                 descending: bool = True) -> tuple[list[Poll], int]:
    """Polls for the admin list, in the order of ``sort`` (a key of ``POLL_SORTS``; by
    default the newest first), and how many match in all. ``text`` matches the pollster,
    sponsor, mode or notes (or is a poll id); ``status`` is ``active``, ``deleted`` or
    ``all``."""
    conditions: list[ColumnElement[bool]] = []
    if status == "active":
        conditions.append(Poll.deleted_at.is_(None))
    elif status == "deleted":
        conditions.append(Poll.deleted_at.is_not(None))
    if question_slug:
        conditions.append(Poll.question_id == get_question(question_slug).id)
    text = text.strip()
    if text:
        matches = [column.icontains(text, autoescape=True)
                   for column in (Pollster.name, Poll.sponsor, Poll.mode, Poll.notes)]
        if text.isascii() and text.isdigit() and int(text) <= MAX_ID:
            matches.append(Poll.id == int(text))
        conditions.append(or_(*matches))
    base = select(Poll).join(Pollster, Poll.pollster_id == Pollster.id).where(*conditions)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    if sort == "question":
        base = base.join(Question, Poll.question_id == Question.id)
    keys = [*POLL_SORTS[sort], Poll.id]
    order = [(key.desc() if descending else key.asc()).nulls_last() for key in keys]
    polls = db.session.execute(
        base.options(selectinload(Poll.pollster), selectinload(Poll.question).selectinload(Question.choices),
                     selectinload(Poll.results))
        .order_by(*order)
        .limit(limit).offset(offset)
    ).scalars().all()
    return list(polls), total
