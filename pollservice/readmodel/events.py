"""The write hook: SQLAlchemy session events keep the read model in step with every
commit, so no service has to remember to.

- ``after_flush`` notes which questions a flush touched: polls, results and choices
  (by their question), questions themselves, and renamed pollsters (whose questions are
  looked up at commit). Bulk SQL statements, which the ORM does not see, are declared
  with ``mark_changed``.
- ``before_commit`` bumps those questions' data version inside the same transaction (one
  atomic SQL increment each, so concurrent writers never lose a bump) and refreshes their
  catalogue entry (poll count, last poll, search text: ``catalogue.refresh_catalogue``).
  A changed race touches its questions.
- ``after_commit`` publishes the new versions to every worker and queues one recompute
  per question (``jobs.queue.request_recomputes``, which coalesces a question already
  queued), in a session of its own (the committing one can no longer emit SQL). Reads
  serve the last complete results, labelled as updating, until a worker has computed
  them. A renamed question's old slug is forgotten everywhere. The polls created,
  changed or deleted are sent to the webhooks (``jobs.webhooks.queue_events``). The
  write is committed by then: a failure here (the database gone right after the commit) is
  logged and never raised, and the workers' sweep (``jobs.queue.sweep``, each minute) queues the recompute
  of a question whose results are behind its data; other workers see the new version
  once their view of the versions expires (``READ_STALENESS_SECONDS``) or Redis tells them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, attributes

from ..domain.review import PUBLISHED
from ..extensions import SessionArg
from ..jobs.queue import request_recomputes
from ..jobs.webhooks import queue_events
from ..models import Choice, Poll, Pollster, Question, Race, Result, utcnow
from .catalogue import questions_of_races, refresh_catalogue
from .state import read_model
from .versions import states_from_database

log = logging.getLogger(__name__)

CHANGED = "pollservice.changed_questions"  # session.info: ids touched by this transaction
RENAMED_POLLSTERS = "pollservice.renamed_pollsters"
CHANGED_RACES = "pollservice.changed_races"
OLD_SLUGS = "pollservice.old_slugs"
COMMITTING = "pollservice.committing"
POLL_EVENTS = "pollservice.poll_events"  # poll id -> (webhook event, question id)


def mark_changed(session: SessionArg, question_ids) -> None:
    """Declare that this transaction changed these questions' polls by SQL the ORM does
    not see (bulk inserts and updates)."""
    session.info.setdefault(CHANGED, set()).update(question_ids)


def _question_of(session: Session, obj) -> int | None:
    if isinstance(obj, Poll):
        return obj.question_id
    if isinstance(obj, Choice):
        return obj.question_id
    if isinstance(obj, Question):
        return obj.id
    if isinstance(obj, Result):
        poll = obj.__dict__.get("poll") or (session.get(Poll, obj.poll_id) if obj.poll_id else None)
        return poll.question_id if poll is not None else None
    return None


def _note_poll_event(session: Session, obj) -> None:
    """The webhook event of a poll this flush created, changed or (soft) deleted; a poll
    created or deleted in this transaction stays so whatever else changed. A poll held or
    rejected in review is announced to no one; its publishing is its ``poll.created``."""
    if isinstance(obj, Result):
        poll = obj.__dict__.get("poll") or (session.get(Poll, obj.poll_id) if obj.poll_id else None)
        if poll is None or poll.id is None or poll.review_status != PUBLISHED:
            return
        obj, kind = poll, "poll.updated"
    elif not isinstance(obj, Poll) or obj.id is None:
        return
    elif obj.review_status != PUBLISHED:  # held after its first flush: what was noted goes
        session.info.get(POLL_EVENTS, {}).pop(obj.id, None)
        return
    elif obj in session.new or attributes.get_history(obj, "review_status").added:
        kind = "poll.created"
    elif obj in session.deleted or (obj.deleted_at is not None
                                    and attributes.get_history(obj, "deleted_at").added):
        kind = "poll.deleted"
    else:
        kind = "poll.updated"
    events = session.info.setdefault(POLL_EVENTS, {})
    if events.get(obj.id, ("",))[0] not in ("poll.created", "poll.deleted"):
        events[obj.id] = (kind, obj.question_id)


def _after_flush(session: Session, _context) -> None:
    changed = session.info.setdefault(CHANGED, set())
    for obj in [*session.new, *session.deleted, *(o for o in session.dirty if session.is_modified(o))]:
        if isinstance(obj, Pollster) and obj not in session.new:
            session.info.setdefault(RENAMED_POLLSTERS, set()).add(obj.id)
            continue
        if isinstance(obj, Race):
            if obj.id is not None:
                session.info.setdefault(CHANGED_RACES, set()).add(obj.id)
            continue
        if isinstance(obj, Question) and obj not in session.new:
            old = attributes.get_history(obj, "slug").deleted
            session.info.setdefault(OLD_SLUGS, set()).update(s for s in old if s and s != obj.slug)
        question_id = _question_of(session, obj)
        if question_id is not None:
            changed.add(question_id)
        _note_poll_event(session, obj)


def _before_commit(session: Session) -> None:
    session.flush()  # the changes still pending are noted too
    changed = set(session.info.pop(CHANGED, ()))
    renamed = session.info.pop(RENAMED_POLLSTERS, set())
    if renamed:
        changed.update(session.execute(
            select(Poll.question_id).where(Poll.pollster_id.in_(renamed)).distinct()).scalars())
    changed.update(questions_of_races(session, session.info.pop(CHANGED_RACES, ())))
    if changed:
        session.execute(
            update(Question).where(Question.id.in_(changed))
            .values(data_version=Question.data_version + 1, data_changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        refresh_catalogue(session, changed)
        _reload_changed_columns(session, changed)
    session.info[COMMITTING] = (changed, session.info.pop(OLD_SLUGS, set()))


def _send_poll_events(session: Session) -> None:
    events = session.info.pop(POLL_EVENTS, {})
    try:
        queue_events(session.get_bind(), [(kind, question_id, {"poll_id": poll_id})
                                          for poll_id, (kind, question_id) in sorted(events.items())])
    except Exception:  # the write stands; a webhook is not worth failing it
        log.exception("queueing the webhooks of polls %s failed", sorted(events))


# What the statements above change on a question without the ORM seeing it.
SQL_CHANGED_COLUMNS = ("data_version", "data_changed_at", "poll_count", "last_poll_end", "search_document")


def _reload_changed_columns(session: Session, changed: set[int]) -> None:
    """The loaded questions get the columns just changed by SQL, so that they hold what is
    committed when the commit keeps their values (``services.transaction``)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Question) and obj.id in changed:
            session.refresh(obj, SQL_CHANGED_COLUMNS)


def _after_commit(session: Session) -> None:
    _send_poll_events(session)
    changed, old_slugs = session.info.pop(COMMITTING, (set(), set()))
    if not (changed or old_slugs):
        return
    model = read_model(current_app)
    try:
        with Session(bind=session.get_bind()) as own:
            model.versions.publish(states_from_database(own, ids=changed))
    except Exception:  # committed: other workers see the version when their view expires
        log.exception("publishing the versions of questions %s after the commit failed", sorted(changed))
    for slug in old_slugs:
        model.versions.forget(slug)
    try:
        request_recomputes(session.get_bind(), changed)
    except Exception:  # the write stands; the workers' sweep queues what is behind
        log.exception("queueing the recompute of questions %s after the commit failed; "
                      "the workers' sweep will queue it", sorted(changed))


def _after_rollback(session: Session) -> None:
    for key in (CHANGED, RENAMED_POLLSTERS, CHANGED_RACES, OLD_SLUGS, COMMITTING, POLL_EVENTS):
        session.info.pop(key, None)


HOOKS: dict[str, Callable[..., None]] = {"after_flush": _after_flush, "before_commit": _before_commit,
         "after_commit": _after_commit, "after_rollback": _after_rollback}


def install(session_factory) -> None:
    """Listen on the sessions made by ``session_factory`` (``db.session``), once."""
    for name, hook in HOOKS.items():
        if not event.contains(session_factory, name, hook):
            event.listen(session_factory, name, hook)
