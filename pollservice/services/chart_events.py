"""Events on the charts: a dated label an editor puts on one question's charts, or on
the charts of every question of its race (a debate, a scandal, a withdrawal). Each add or
removal gives the questions it shows on a new data version (their charts are drawn again
with it) and is in the content audit trail (``chart_event.add``, ``chart_event.remove``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select

from ..domain.errors import NotFound, ValidationFailed
from ..domain.poll_fields import EARLIEST_FIELD_YEAR
from ..domain.validation import text_problem
from ..extensions import SessionArg, db
from ..models import ChartEvent, Question, Race
from ..readmodel.catalogue import questions_of_races
from ..readmodel.events import mark_changed
from . import audit
from .transaction import transaction

MAX_LABEL = 80
# How far ahead an event may be dated: a debate or an election already scheduled.
MAX_DAYS_AHEAD = 2 * 366
EARLIEST_DAY = dt.date(EARLIEST_FIELD_YEAR, 1, 1)
SCOPES = ("question", "race")


def question_events(question: Question, session: SessionArg | None = None) -> list[ChartEvent]:
    """The events on ``question``'s charts, its own and its race's, by date (in ``session``:
    a worker's; by default the request's)."""
    conditions = [ChartEvent.question_id == question.id]
    if question.race_id is not None:
        conditions.append(ChartEvent.race_id == question.race_id)
    return list((session or db.session).execute(
        select(ChartEvent).where(or_(*conditions)).order_by(ChartEvent.day, ChartEvent.id)).scalars())


def race_events(race: Race) -> list[ChartEvent]:
    """The events on the charts of every question of ``race``, by date."""
    return list(db.session.execute(select(ChartEvent).where(ChartEvent.race_id == race.id)
                                   .order_by(ChartEvent.day, ChartEvent.id)).scalars())


def add_event(question: Question, day: dt.date | None, label: str, scope: str, actor: str) -> ChartEvent:
    """Mark ``label`` on ``day`` on the charts of ``question`` (``scope="question"``) or of
    every question of its race (``"race"``); ``ValidationFailed`` naming ``day``, ``label``
    or ``scope``."""
    label = " ".join(label.split())
    errors: dict[str, str] = {}
    if day is None:
        errors["day"] = "is required"
    elif not EARLIEST_DAY <= day <= dt.date.today() + dt.timedelta(days=MAX_DAYS_AHEAD):
        errors["day"] = f"must be from {EARLIEST_DAY.isoformat()} to two years from today"
    if not label:
        errors["label"] = "is required"
    elif len(label) > MAX_LABEL:
        errors["label"] = f"must be at most {MAX_LABEL} characters (it runs up the chart)"
    elif text_problem(label):
        errors["label"] = str(text_problem(label))
    if scope not in SCOPES:
        errors["scope"] = "must be question or race"
    elif scope == "race" and question.race_id is None:
        errors["scope"] = "this question belongs to no race"
    if errors:
        raise ValidationFailed("The event has invalid fields.", fields=errors)
    assert day is not None
    event = ChartEvent(day=day, label=label, created_by=actor,
                       question_id=question.id if scope == "question" else None,
                       race_id=question.race_id if scope == "race" else None)
    with transaction():
        db.session.add(event)
        db.session.flush()
        _changed(event)
        audit.record_content_change(actor, "chart_event.add", _subject(event),
                                    {"day": day.isoformat(), "label": label})
    return event


def remove_event(question: Question, event_id: int, actor: str) -> ChartEvent:
    """Take an event of ``question``'s charts off (its own, or its race's: then off every
    question of the race); ``NotFound`` naming ``event``."""
    event = db.session.get(ChartEvent, event_id)
    if event is None or event not in question_events(question):
        raise NotFound(f"No event #{event_id} on this question's charts.", fields={"event": "unknown event"})
    with transaction():
        _changed(event)
        audit.record_content_change(actor, "chart_event.remove", _subject(event),
                                    {"day": event.day.isoformat(), "label": event.label})
        db.session.delete(event)
    return event


def _changed(event: ChartEvent) -> None:
    """The questions ``event`` shows on get a new data version at the commit."""
    ids = {event.question_id} if event.question_id is not None else questions_of_races(
        db.session, [event.race_id] if event.race_id is not None else [])
    mark_changed(db.session, ids)


def _subject(event: ChartEvent) -> str:
    return f"question:{event.question_id}" if event.question_id is not None else f"race:{event.race_id}"


def event_rows(events: list[ChartEvent]) -> list[dict]:
    """Events as the API and the chart data show them."""
    return [{"date": e.day, "label": e.label, "scope": "question" if e.question_id is not None else "race"}
            for e in events]
