"""The read model: what reads serve, kept in step with the store.

- ``versions``: each question's data version, per app, kept fresh by Redis or a bound;
- ``series``: the stored averages (table ``computed_series``), by computed version;
- ``frames``: a question's polls as the statistics' input frames;
- ``bodies``: serialized responses and derived objects, keyed by data version;
- ``http``: the ``versioned`` decorator (ETag, Last-Modified, 304, gzip, shared cache);
- ``view``: ``question_view(slug)``, one request's reads of one question;
- ``events``: the write hook (session events bump versions, refresh, publish).

All state lives in ``app.extensions["pollservice.readmodel"]`` (``state.read_model``).
"""

from __future__ import annotations

from flask import Flask, current_app, g, request

from ..domain.errors import NotReady, ServiceError
from ..extensions import db
from . import events
from .series import StaleRead
from .state import EXTENSION, ReadModel, read_model
from .view import QuestionView, question_view

__all__ = ["QuestionView", "ReadModel", "init_app", "mark_changed", "question_view", "read_model"]

mark_changed = events.mark_changed


def start_again(error: StaleRead):
    """A request whose computed version was replaced twice while it ran starts again,
    once, on the current one: it serves one version throughout."""
    if g.get("started_again"):
        raise NotReady("The averages are being updated; try again in a moment.") from error
    g.started_again = True
    model = read_model()
    for slug in g.pop("question_views", {}):
        model.versions.drop(slug)
    db.session.rollback()
    try:
        view = current_app.view_functions[request.endpoint or ""]
        return current_app.make_response(current_app.ensure_sync(view)(**(request.view_args or {})))
    except (ServiceError, StaleRead) as again:
        return current_app.handle_user_exception(again)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = ReadModel.for_app(app)
    app.register_error_handler(StaleRead, start_again)
    events.install(db.session)
