"""Atom feeds of new and changed polls and of each question's published averages
(``services.feeds``). A question's feeds are cached per data version like its other reads
(``versioned``); the site, race and pollster feeds carry an ETag of their body (the
blueprint's ``cacheable_reads``)."""

from __future__ import annotations

from flask import Response

from ..readmodel.http import versioned
from ..services import feeds
from .blueprint import bp
from .schemas import ErrorSchema

ATOM_DOC = {"description": "An Atom 1.0 feed of at most 50 entries, newest first."}


def atom(body: bytes) -> Response:
    return Response(body, mimetype=feeds.ATOM)


@bp.get("/feeds/polls.atom")
@bp.response(200, content_type=feeds.ATOM, **ATOM_DOC)
def site_polls_feed():
    """New and changed polls of every question, newest first."""
    return atom(feeds.site_polls_feed())


@bp.get("/questions/<slug>/polls.atom")
@versioned()
@bp.response(200, content_type=feeds.ATOM, **ATOM_DOC)
@bp.alt_response(404, schema=ErrorSchema)
def question_polls_feed(slug: str):
    """New and changed polls of the question, newest first."""
    return atom(feeds.question_polls_feed(slug))


@bp.get("/questions/<slug>/averages.atom")
@versioned()
@bp.response(200, content_type=feeds.ATOM, **ATOM_DOC)
@bp.alt_response(404, schema=ErrorSchema)
def averages_feed(slug: str):
    """The question's real-time average as published each day (one entry per day's
    edition, see ``/editions``), newest first."""
    return atom(feeds.averages_feed(slug))


@bp.get("/races/<slug>/polls.atom")
@bp.response(200, content_type=feeds.ATOM, **ATOM_DOC)
@bp.alt_response(404, schema=ErrorSchema)
def race_polls_feed(slug: str):
    """New and changed polls of the race's questions, newest first."""
    return atom(feeds.race_polls_feed(slug))


@bp.get("/pollsters/<slug>/polls.atom")
@bp.response(200, content_type=feeds.ATOM, **ATOM_DOC)
@bp.alt_response(404, schema=ErrorSchema)
def pollster_polls_feed(slug: str):
    """New and changed polls by the pollster, newest first."""
    return atom(feeds.pollster_polls_feed(slug))
