"""Exports (canonical CSV and JSON, re-importable) and a poll's audit history."""

from __future__ import annotations

from flask import Response, stream_with_context
from werkzeug.wrappers import Response as BaseResponse

from ..readmodel.http import versioned_stream
from ..services import audit, exporting
from ..services.polls import get_poll
from .blueprint import bp
from .schemas import ErrorSchema, HistoryEntrySchema


def _streamed_export(slug: str, kind: str, mimetype: str, chunks, headers=()) -> BaseResponse:
    """An export streamed in chunks (the polls read in batches), validated by the
    question's data and computed version (the weights): a client that has this version
    gets a 304 and nothing is read or built."""
    return versioned_stream(slug, kind, lambda: Response(
        stream_with_context(chunks(slug)), mimetype=mimetype, headers=dict(headers)))


@bp.get("/questions/<slug>/polls.csv")
@bp.response(200, content_type="text/csv",
             description="The canonical CSV (see README), with each poll's weight and "
                         "house adjustment per choice in the current kalman average. "
                         "Streamed; its ETag follows the question's data version (304 "
                         "to a client that has it).")
@bp.alt_response(404, schema=ErrorSchema)
def polls_csv(slug: str):
    """The question's polls as canonical CSV (deleted polls left out)."""
    return _streamed_export(slug, "csv", "text/csv", exporting.iter_csv, {
        "Content-Disposition": f'attachment; filename="{slug}-polls.csv"'})


@bp.get("/questions/<slug>/export.json")
@bp.response(200, description="The question with its polls in the canonical JSON layout "
                              "(the canonical-json import format). Streamed; its ETag "
                              "follows the question's data version.")
@bp.alt_response(404, schema=ErrorSchema)
def export_json(slug: str):
    """The question and its polls as canonical JSON (deleted polls left out)."""
    return _streamed_export(slug, "json", "application/json", exporting.iter_json)


@bp.get("/polls/<int:poll_id>/history")
@bp.response(200, HistoryEntrySchema(many=True))
@bp.alt_response(404, schema=ErrorSchema)
def poll_history(poll_id: int):
    """Every create, update, delete and restore of the poll, oldest first: when, by whom
    (``user:NAME``, ``token:NAME``, ``import:FILE``), old and new values. A deleted poll
    keeps its history; a published poll once held for review shows its ``hold`` and
    ``publish``. A poll held or rejected in review is a 404."""
    get_poll(poll_id, include_deleted=True, published_only=True)  # 404 for an unknown poll
    return audit.history(poll_id)
