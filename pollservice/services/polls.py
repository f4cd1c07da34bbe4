"""Polls: validation of incoming poll data, storing it, and reading it back.

One validator serves every way a poll arrives (admin form, CSV import, JSON API), so a
rule holds everywhere or nowhere. Errors name the field: ``sample_size``,
``results.Support`` and so on.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from slugify import slugify
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import POPULATIONS, Choice, Poll, Pollster, Question, Result, utcnow
from . import audit
from .errors import Conflict, NotFound, ValidationFailed
from .questions import get_question
from .transaction import transaction

# Results of one poll may add up to a little over 100 because each is rounded.
ROUNDING_ALLOWANCE = 1.0
TRUE_WORDS = {"1", "true", "t", "yes", "y", "on"}
FALSE_WORDS = {"", "0", "false", "f", "no", "n", "off"}


@dataclass
class PollInput:
    """A validated poll, ready to be stored."""

    pollster: str
    start_date: dt.date
    end_date: dt.date
    population: str
    results: dict[str, float]
    sponsor: str = ""
    sample_size: int | None = None
    mode: str = ""
    source_url: str = ""
    partisan: bool = False
    internal: bool = False
    notes: str = ""
    source: str = "form"
    source_id: str | None = None


def parse_date(value: Any) -> dt.date:
    """An ISO date (``YYYY-MM-DD``) or a ``date``; raises ``ValueError`` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not text:
        raise ValueError("is required")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _text(raw: Mapping[str, Any], name: str, max_length: int) -> tuple[str, str | None]:
    value = raw.get(name)
    text = "" if value is None else str(value).strip()
    if len(text) > max_length:
        return text, f"must be at most {max_length} characters"
    return text, None


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().rstrip("%").strip()
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return number


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not yes/no")


def validate_poll(question: Question, raw: Mapping[str, Any]) -> PollInput:
    """Check one poll's raw values (strings from a form or CSV, or JSON types) against
    the rules and the question's choices.

    Raises
    ------
    ValidationFailed
        with one message per offending field, e.g. ``{"results.Support": "must be between
        0 and 100"}``; nothing is stored.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    for name, max_length in (("pollster", 200), ("sponsor", 300), ("mode", 120),
                             ("source_url", 2000), ("notes", 10000)):
        values[name], problem = _text(raw, name, max_length)
        if problem:
            errors[name] = problem
    if not values["pollster"] and "pollster" not in errors:
        errors["pollster"] = "is required"
    elif "pollster" not in errors and not pollster_slug(values["pollster"]):
        errors["pollster"] = "must contain at least one letter or digit"

    for name in ("start_date", "end_date"):
        try:
            values[name] = parse_date(raw.get(name) if raw.get(name) is not None else "")
        except ValueError as exc:
            errors[name] = str(exc)
    if "start_date" in values and "end_date" in values and values["end_date"] < values["start_date"]:
        errors["end_date"] = "must be on or after the start date"

    size = raw.get("sample_size")
    values["sample_size"] = None
    if size is not None and str(size).strip() != "":
        try:
            number = _number(size)
            if number != int(number):
                errors["sample_size"] = "must be a whole number"
            elif number <= 0:
                errors["sample_size"] = "must be greater than 0"
            elif number > 10_000_000:
                errors["sample_size"] = "is implausibly large"
            else:
                values["sample_size"] = int(number)
        except ValueError as exc:
            errors["sample_size"] = str(exc)

    population = str(raw.get("population") or "").strip().lower()
    if population not in POPULATIONS:
        errors["population"] = "must be one of " + ", ".join(
            f"{code} ({label.lower()})" for code, label in POPULATIONS.items()
        )
    values["population"] = population

    if values.get("source_url") and "source_url" not in errors:
        parsed = urlparse(values["source_url"])
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            errors["source_url"] = "must be an http(s) URL"

    for name in ("partisan", "internal"):
        try:
            values[name] = _flag(raw.get(name))
        except ValueError as exc:
            errors[name] = str(exc)

    values["results"] = _validate_results(question, raw.get("results"), errors)

    if errors:
        raise ValidationFailed("The poll has invalid fields.", fields=errors)
    return PollInput(
        source=str(raw.get("source") or "form"),
        source_id=(str(raw["source_id"]).strip() or None) if raw.get("source_id") else None,
        **values,
    )


def _validate_results(question: Question, results: Any, errors: dict[str, str]) -> dict[str, float]:
    choice_names = [choice.name for choice in question.choices]
    if not isinstance(results, Mapping):
        errors["results"] = "must map each answer choice to a percent"
        return {}
    valid: dict[str, float] = {}
    for name, value in results.items():
        key = f"results.{name}"
        if name not in choice_names:
            errors[key] = f"is not a choice of this question ({', '.join(choice_names)})"
            continue
        if value is None or str(value).strip() == "":
            continue  # this poll did not report that choice
        try:
            pct = _number(value)
        except ValueError as exc:
            errors[key] = str(exc)
            continue
        if not 0 <= pct <= 100:
            errors[key] = "must be between 0 and 100"
            continue
        valid[name] = pct
    if not valid and not any(key.startswith("results") for key in errors):
        errors["results"] = "at least one answer choice needs a percent"
    elif sum(valid.values()) > 100 + ROUNDING_ALLOWANCE:
        errors["results"] = (
            f"the percents add up to {sum(valid.values()):g}, more than 100 "
            f"(plus {ROUNDING_ALLOWANCE:g} for rounding)"
        )
    return valid


def pollster_slug(name: str) -> str:
    """The one way a pollster's slug is made (the column holds 120 characters)."""
    return slugify(name, max_length=120)


def get_or_create_pollster(name: str) -> Pollster:
    slug = pollster_slug(name)
    pollster = db.session.execute(select(Pollster).where(Pollster.slug == slug)).scalar_one_or_none()
    if pollster is None:
        pollster = Pollster(name=name, slug=slug)
        db.session.add(pollster)
        db.session.flush()
    return pollster


def build_poll(question: Question, data: PollInput) -> Poll:
    """A new ``Poll`` (added to the session, not committed) from validated data."""
    choices = {choice.name: choice for choice in question.choices}
    poll = Poll(
        question=question,
        pollster=get_or_create_pollster(data.pollster),
        sponsor=data.sponsor,
        start_date=data.start_date,
        end_date=data.end_date,
        sample_size=data.sample_size,
        population=data.population,
        mode=data.mode,
        source_url=data.source_url,
        partisan=data.partisan,
        internal=data.internal,
        notes=data.notes,
        source=data.source,
        source_id=data.source_id,
    )
    db.session.add(poll)
    poll.results = [Result(choice=choices[name], pct=pct) for name, pct in data.results.items()]
    return poll


def choice_names_of(question: Question) -> dict[int, str]:
    return {choice.id: choice.name for choice in question.choices}


def add_poll(question_slug: str, raw: Mapping[str, Any], source: str = "form",
             actor: str = "cli") -> Poll:
    """Validate and store one poll in its own transaction, with its audit entry."""
    question = get_question(question_slug)
    data = validate_poll(question, {**raw, "source": source})
    if data.source_id and db.session.execute(
        select(Poll.id).where(Poll.question_id == question.id, Poll.source == data.source,
                              Poll.source_id == data.source_id)
    ).first():
        raise Conflict(f"A poll with source id {data.source_id!r} exists for this question.",
                       fields={"source_id": "already used"})
    try:
        with transaction():
            poll = build_poll(question, data)
            db.session.flush()
            audit.record(poll, "create", actor, None, audit.poll_snapshot(poll, choice_names_of(question)))
    except IntegrityError:  # a concurrent request stored the same source id first
        raise Conflict(f"A poll with source id {data.source_id!r} exists for this question.",
                       fields={"source_id": "already used"}) from None
    return poll


MAX_ID = 2**31 - 1  # the id column is a 32-bit integer on PostgreSQL


def get_poll(poll_id: int, include_deleted: bool = False, for_update: bool = False) -> Poll:
    """The poll (``NotFound`` if unknown or deleted). ``for_update`` locks its row until the
    transaction ends (PostgreSQL), so a concurrent change waits instead of being lost."""
    options = {"with_for_update": True, "populate_existing": True} if for_update else {}
    poll = db.session.get(Poll, poll_id, **options) if 0 < poll_id <= MAX_ID else None
    if poll is None or (poll.deleted_at is not None and not include_deleted):
        raise NotFound(f"No poll with id {poll_id}.", fields={"id": "unknown poll"})
    return poll


def update_poll(poll_id: int, raw: Mapping[str, Any], actor: str, partial: bool = False) -> Poll:
    """Replace a poll's values (validated like a new poll); records old and new values.
    ``partial``: ``raw`` holds only the values to change (``results``, when given,
    replaces all of them); the rest are the poll's as stored. The poll's row is locked
    first, so the merge and the checks see what a concurrent change committed."""
    poll = get_poll(poll_id, for_update=True)
    question = poll.question
    names = choice_names_of(question)
    before = audit.poll_snapshot(poll, names)
    if partial:
        raw = {**before, **{key: value for key, value in raw.items() if key != "source_id"}}
    data = validate_poll(question, {"source": poll.source, "source_id": poll.source_id, **raw})
    with transaction():
        assign_poll(poll, data, get_or_create_pollster(data.pollster), question)
        poll.updated_at = utcnow()
        db.session.flush()
        old, new = audit.changed_values(before, audit.poll_snapshot(poll, names))
        if new:
            audit.record(poll, "update", actor, old, new)
    return poll


def delete_poll(poll_id: int, actor: str) -> Poll:
    """Soft delete: the poll leaves averages, lists and exports, and can be restored."""
    poll = get_poll(poll_id)
    with transaction():
        poll.deleted_at = utcnow()
        audit.record(poll, "delete", actor, {"deleted": False}, {"deleted": True})
    return poll


def restore_poll(poll_id: int, actor: str) -> Poll:
    poll = get_poll(poll_id, include_deleted=True)
    if poll.deleted_at is None:
        return poll
    with transaction():
        poll.deleted_at = None
        audit.record(poll, "restore", actor, {"deleted": True}, {"deleted": False})
    return poll


SCALAR_FIELDS = ("sponsor", "start_date", "end_date", "sample_size", "population", "mode",
                 "source_url", "partisan", "internal", "notes")


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
    conditions = [Poll.question_id == question.id, Poll.deleted_at.is_(None)]
    if pollster:
        conditions.append(Poll.pollster.has(Pollster.name == pollster))
    if population:
        conditions.append(Poll.population == population)
    if start:
        conditions.append(Poll.end_date >= start)
    if end:
        conditions.append(Poll.end_date <= end)
    return conditions


def list_polls(question: Question, pollster: str | None = None, population: str | None = None,
               start: dt.date | None = None, end: dt.date | None = None,
               offset: int = 0, limit: int | None = None) -> list[Poll]:
    """The question's polls, newest first (by end date, then start date), optionally
    filtered (pollster name, population, end date range) and paged."""
    statement = (
        select(Poll)
        .where(*_poll_filters(question, pollster, population, start, end))
        .options(selectinload(Poll.pollster), selectinload(Poll.results).selectinload(Result.choice))
        .order_by(Poll.end_date.desc(), Poll.start_date.desc(), Poll.id.desc())
        .offset(offset)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())


def count_polls(question: Question, pollster: str | None = None, population: str | None = None,
                start: dt.date | None = None, end: dt.date | None = None) -> int:
    return db.session.execute(
        select(func.count(Poll.id)).where(*_poll_filters(question, pollster, population, start, end))
    ).scalar_one()


def poll_as_dict(poll: Poll, choices: Iterable[Choice]) -> dict[str, Any]:
    """The public shape of a poll (API, JSON export)."""
    by_choice = {result.choice_id: result.pct for result in poll.results}
    return {
        "id": poll.id,
        "pollster": poll.pollster.name,
        "sponsor": poll.sponsor or None,
        "start_date": poll.start_date.isoformat(),
        "end_date": poll.end_date.isoformat(),
        "sample_size": poll.sample_size,
        "population": poll.population,
        "mode": poll.mode or None,
        "source_url": poll.source_url or None,
        "partisan": poll.partisan,
        "internal": poll.internal,
        "notes": poll.notes or None,
        "results": {c.name: by_choice[c.id] for c in choices if c.id in by_choice},
    }


def list_pollster_names() -> list[str]:
    return list(db.session.execute(select(Pollster.name).order_by(Pollster.name)).scalars())


POLL_STATUSES = ("active", "deleted", "all")


def search_polls(text: str = "", question_slug: str | None = None, status: str = "active",
                 limit: int = 50, offset: int = 0) -> tuple[list[Poll], int]:
    """Polls for the admin list, newest first, and how many match in all. ``text``
    matches the pollster, sponsor, mode or notes (or is a poll id); ``status`` is
    ``active``, ``deleted`` or ``all``."""
    conditions = []
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
    polls = db.session.execute(
        base.options(selectinload(Poll.pollster), selectinload(Poll.question).selectinload(Question.choices),
                     selectinload(Poll.results))
        .order_by(Poll.end_date.desc(), Poll.id.desc())
        .limit(limit).offset(offset)
    ).scalars().all()
    return list(polls), total
