"""Editions: the average as published on a day, frozen once the day is over, and the
daily averages as published or as revised (``services.editions``)."""

from __future__ import annotations

from flask import Response

from ..services import editions
from .blueprint import bp
from .schemas import AveragesExportArgs, EditionArgs, EditionSchema, ErrorSchema


@bp.get("/questions/<slug>/editions")
@bp.arguments(EditionArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, EditionSchema)
@bp.alt_response(400, schema=ErrorSchema)
@bp.alt_response(404, schema=ErrorSchema)
def edition(slug: str, date):
    """The question's real-time average as published on ``date`` (UTC), with the data
    version it was computed from: the last version stored that day, or the edition still
    showing that day. A past day's edition is final: later corrections never revise it."""
    return editions.edition_on(slug, date)


@bp.get("/questions/<slug>/averages.csv")
@bp.arguments(AveragesExportArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, content_type="text/csv",
             description="date, choice, estimate, lower, upper, n_polls, data_version, final")
@bp.alt_response(400, schema=ErrorSchema)
@bp.alt_response(404, schema=ErrorSchema)
def averages_csv(slug: str, as_: str):
    """The question's daily real-time average (default method) as published (each day's
    frozen edition) or as revised (the real-time line recomputed with every correction)."""
    text = editions.averages_csv(slug, as_)
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{slug}-averages-{as_}.csv"'})
