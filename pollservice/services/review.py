"""Review before publish (``domain/review.py``): why a new poll is held, publishing or
rejecting a held poll with its audit entry, and the review queue.

The hold rule runs on polls entered one at a time (the admin form, the API's POST) when
the setting ``REVIEW_HOLDS`` is on; imports (the CLI, the admin upload, the demo) store
their polls published. ``REVIEW_HOLD_STANDARD_ERRORS`` is the ``k`` of the rule."""

from __future__ import annotations

from typing import cast

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.methods import DEFAULT_METHOD
from ..domain.review import (
    DRAFT,
    HELD,
    PUBLISHED,
    REJECTED,
    StoredAverage,
    first_pollster_reason,
    outlier_reasons,
)
from ..domain.validation import PollInput
from ..extensions import db
from ..models import Poll, Pollster, Question, Race, Result
from ..readmodel import question_view
from . import audit
from .averages import house_effects, latest_averages
from .poll_versions import recount_versions
from .transaction import transaction

MAX_NOTE = 2000


def holds_enabled() -> bool:
    return bool(current_app.config.get("REVIEW_HOLDS", True))


def hold_threshold() -> float:
    """``k``: a poll more than this many standard errors from the average is held."""
    return float(current_app.config.get("REVIEW_HOLD_STANDARD_ERRORS", 4.0))


def pollster_is_new(pollster: Pollster | None) -> bool:
    """No published poll of any question (a pollster created by this poll, or one whose
    polls are all held, rejected or deleted)."""
    return pollster is None or db.session.execute(
        select(Poll.id).where(Poll.pollster_id == pollster.id, Poll.public()).limit(1)).first() is None


def hold_reasons(question: Question, data: PollInput, pollster: Pollster | None) -> list[str]:
    """Why this new poll is held for review (empty: it is published at once)."""
    if not holds_enabled():
        return []
    reasons = [first_pollster_reason(data.pollster)] if pollster_is_new(pollster) else []
    view = question_view(question.slug, question, drafts=True)
    averages = {name: None if value is None
                else StoredAverage(value["estimate"], value["lower"], value["upper"])
                for name, value in latest_averages(view, DEFAULT_METHOD).items()}
    effects = {name: next((row["effect"] for row in rows if row["pollster"] == data.pollster), 0.0)
               for name, rows in house_effects(view).items()}
    return reasons + outlier_reasons(data.results, data.sample_size, averages, effects, hold_threshold())


def hold(poll: Poll, reasons: list[str], actor: str) -> None:
    """Mark a new poll held (in the caller's transaction), with its audit entry."""
    poll.review_status = HELD
    poll.held_reason = "; ".join(reasons)
    audit.record(poll, "hold", actor, None, {"status": HELD, "reason": poll.held_reason})


def _held_poll(poll_id: int) -> Poll:
    poll = db.session.get(Poll, poll_id, with_for_update=True, populate_existing=True)
    if poll is None or poll.deleted_at is not None:
        raise NotFound(f"No poll with id {poll_id}.", fields={"id": "unknown poll"})
    if poll.review_status != HELD:
        raise Conflict(f"Poll {poll_id} is {poll.review_status}, not held for review.",
                       fields={"status": f"is {poll.review_status}"})
    return poll


def publish_poll(poll_id: int, actor: str) -> Poll:
    """Publish a held poll: from this commit on it is counted (the write hook bumps its
    question's data version, which queues the recompute of its averages)."""
    with transaction():
        poll = _held_poll(poll_id)
        poll.review_status = PUBLISHED
        audit.record(poll, "publish", actor, {"status": HELD}, {"status": PUBLISHED})
        db.session.flush()
        if poll.version_group:
            recount_versions({poll.question_id})
    return poll


def reject_poll(poll_id: int, actor: str, note: str) -> Poll:
    """Reject a held poll with the reviewer's note (required): it stays stored, counted in
    nothing."""
    note = (note or "").strip()
    if not note or len(note) > MAX_NOTE:
        problem = "is required" if not note else f"must be at most {MAX_NOTE} characters"
        raise ValidationFailed("A rejection needs a note saying why.", fields={"note": problem})
    with transaction():
        poll = _held_poll(poll_id)
        poll.review_status = REJECTED
        poll.review_note = note
        audit.record(poll, "reject", actor, {"status": HELD}, {"status": REJECTED, "note": note})
    return poll


def held_polls(limit: int = 200) -> list[Poll]:
    """The polls waiting for a reviewer, oldest first."""
    return list(db.session.execute(
        select(Poll).where(Poll.review_status == HELD, Poll.deleted_at.is_(None))
        .options(selectinload(Poll.pollster), selectinload(Poll.question).selectinload(Question.choices),
                 selectinload(Poll.results).selectinload(Result.choice))
        .order_by(Poll.created_at, Poll.id).limit(limit)).scalars())



def draft_questions() -> list[Question]:
    return list(db.session.execute(select(Question).where(Question.status == DRAFT)
                                   .order_by(Question.created_at, Question.id)).scalars())


def draft_races() -> list[Race]:
    return list(db.session.execute(select(Race).where(Race.status == DRAFT).order_by(Race.id)).scalars())


def publish_draft(kind: type[Question] | type[Race], slug: str, actor: str) -> Question | Race:
    """Publish a draft question or race: from this commit on its pages, API reads, feeds
    and lists show it (a question's data version is bumped by the write hook)."""
    name = kind.__tablename__
    with transaction():
        row = cast("Question | Race | None", db.session.execute(
            select(kind).where(kind.slug == slug).with_for_update()).scalar_one_or_none())
        if row is None:
            raise NotFound(f"No {name} with slug {slug!r}.", fields={"slug": f"unknown {name}"})
        if row.status != DRAFT:
            raise Conflict(f"The {name} {slug!r} is published already.", fields={"status": "is published"})
        row.status = PUBLISHED
        audit.record_content_change(actor, f"{name}.publish", f"{name}:{slug}")
    return row
