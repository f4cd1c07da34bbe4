"""The read model: what reads serve, kept in step with the store.

- ``versions``: each question's data version, per app, kept fresh by Redis or a bound;
- ``series``: the stored averages (table ``computed_series``), keyed by data version;
- ``frames``: a question's polls as the statistics' input frames;
- ``bodies``: serialized responses and derived objects, keyed by data version;
- ``http``: the ``versioned`` decorator (ETag, Last-Modified, 304, gzip, shared cache);
- ``view``: ``question_view(slug)``, one request's reads of one question;
- ``events``: the write hook (session events bump versions, refresh, publish).

All state lives in ``app.extensions["pollservice.readmodel"]`` (``state.read_model``).
"""

from __future__ import annotations

from flask import Flask

from ..extensions import db
from . import events
from .state import EXTENSION, ReadModel, read_model
from .view import QuestionView, question_view

__all__ = ["QuestionView", "ReadModel", "init_app", "mark_changed", "question_view", "read_model"]

mark_changed = events.mark_changed


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = ReadModel.for_app(app)
    events.install(db.session)
