"""Why the average moved (``GET /api/v1/questions/<slug>/changes``, the question page): the
change of each choice's real-time average between two days split into each poll's part
(``stats.changes``). A worker computes it (two fits per choice) and stores the JSON under
a key naming the question, method, days and data version (``jobs.changes``); the recompute
job does the default (the default method, the week up to the last poll) ahead, which the
page reads without waiting.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import current_app

from ..domain import methods
from ..domain.errors import BadRequest, NotFound
from ..extensions import db
from ..jobs.queue import jobs
from ..readmodel import QuestionView
from .charts import wait_for_drawing
from .race_map import stored_map

DEFAULT_DAYS = 7
MAX_DAYS = 3 * 366


def changes_spec(question_id: int, version: int, method: str, start: dt.date,
                 end: dt.date) -> dict[str, Any]:
    return {"kind": "changes", "question_id": question_id, "data_version": version, "method": method,
            "from": start.isoformat(), "to": end.isoformat()}


def default_changes_spec(question_id: int, version: int, last_poll_end: dt.date) -> dict[str, Any]:
    """The page's: the default method, the ``DEFAULT_DAYS`` up to the last poll."""
    return changes_spec(question_id, version, methods.DEFAULT_METHOD,
                        last_poll_end - dt.timedelta(days=DEFAULT_DAYS), last_poll_end)


def changes_key(spec: dict[str, Any]) -> str:
    """The stored key; the version last, so that a new version replaces the old one's."""
    return "|".join(("changes", str(spec["question_id"]), spec["method"], spec["from"], spec["to"],
                     str(spec["data_version"])))


def _window(view: QuestionView, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    last = view.question.last_poll_end
    if last is None:
        raise NotFound("This question has no polls yet: nothing has moved.", fields={"slug": "no polls"})
    end = end or last
    if end > last:
        raise BadRequest(f"to must be on or before the last poll's end, {last.isoformat()}.",
                         fields={"to": f"must be on or before {last.isoformat()}, when the last poll ended"})
    start = start or end - dt.timedelta(days=DEFAULT_DAYS)
    if start >= end:
        raise BadRequest("from must be before to.",
                         fields={"from": "must be before to", "to": "must be after from"})
    if (end - start).days > MAX_DAYS:
        raise BadRequest(f"Explain at most {MAX_DAYS} days at once.",
                         fields={"from": f"at most {MAX_DAYS} days before to"})
    return start, end


def question_changes(view: QuestionView, method: str, start: dt.date | None = None,
                     end: dt.date | None = None) -> dict[str, Any]:
    """Why each choice's ``method`` average moved from ``start`` (default: a week before
    ``end``) to ``end`` (default: the last poll's end): stored, or computed now by a worker
    (``NotReady`` when none has within the charts' wait)."""
    start, end = _window(view, start, end)
    spec = changes_spec(view.state.id, view.state.version, method, start, end)
    key = changes_key(spec)
    body = stored_map(db.session, key)
    if body is None:
        jobs(current_app).send_render_map(key, spec)
        body = wait_for_drawing(db.session, lambda session: stored_map(session, key))
    return json.loads(body)


def stored_default_changes(view: QuestionView) -> dict[str, Any] | None:
    """The page's explanation if a worker has stored it for the current version (no wait)."""
    if view.question.last_poll_end is None:
        return None
    body = stored_map(db.session, changes_key(default_changes_spec(
        view.state.id, view.state.version, view.question.last_poll_end)))
    return None if body is None else json.loads(body)
