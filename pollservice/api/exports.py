"""Exports (canonical CSV and JSON, re-importable) and a poll's audit history."""

from __future__ import annotations

from flask import Response

from ..services import audit, exporting
from ..services.polls import get_poll
from .blueprint import bp
from .schemas import ErrorSchema, HistoryEntrySchema


@bp.get("/questions/<slug>/polls.csv")
@bp.response(200, content_type="text/csv",
             description="The canonical CSV (see README), with each poll's weight and "
                         "house adjustment per choice in the current kalman average.")
@bp.alt_response(404, schema=ErrorSchema)
def polls_csv(slug: str):
    """The question's polls as canonical CSV (deleted polls left out)."""
    text = exporting.export_csv(slug)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{slug}-polls.csv"'})


@bp.get("/questions/<slug>/export.json")
@bp.response(200, description="The question with its polls in the canonical JSON layout "
                              "(the canonical-json import format).")
@bp.alt_response(404, schema=ErrorSchema)
def export_json(slug: str):
    """The question and its polls as canonical JSON (deleted polls left out)."""
    return Response(exporting.dumps(exporting.export_json(slug)), mimetype="application/json")


@bp.get("/polls/<int:poll_id>/history")
@bp.response(200, HistoryEntrySchema(many=True))
@bp.alt_response(404, schema=ErrorSchema)
def poll_history(poll_id: int):
    """Every create, update, delete and restore of the poll, oldest first: when, by whom
    (``user:NAME``, ``token:NAME``, ``import:FILE``), old and new values. A deleted poll
    keeps its history."""
    get_poll(poll_id, include_deleted=True)  # 404 for an unknown poll
    return audit.history(poll_id)
