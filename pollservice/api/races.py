"""Race reads: one race with its questions, candidates and, once known, its result beside
the final pre-election average."""

from __future__ import annotations

from ..services.races import get_race, race_detail
from .blueprint import bp
from .schemas import ErrorSchema, RaceDetailSchema


@bp.get("/races/<slug>")
@bp.response(200, RaceDetailSchema)
@bp.alt_response(404, schema=ErrorSchema)
def race(slug: str):
    """One race: cycle, office, place, stage, election date; its questions (main first,
    hypothetical match-ups flagged); its candidates with party and status; and once the
    result is known, each candidate's final pre-election average beside it with the error."""
    return race_detail(get_race(slug))
