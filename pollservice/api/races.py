"""Race reads: one race with its questions, candidates and, once known, its result beside
the final pre-election average."""

from __future__ import annotations

from ..services.race_map import state_map
from ..services.races import get_race, race_detail
from .blueprint import bp
from .schemas import ErrorSchema, RaceDetailSchema, RaceMapSchema


@bp.get("/races/<slug>")
@bp.response(200, RaceDetailSchema)
@bp.alt_response(404, schema=ErrorSchema)
def race(slug: str):
    """One race: cycle, office, place, stage, election date; its questions (main first,
    hypothetical match-ups flagged); its candidates with party and status; and once the
    result is known, each candidate's final pre-election average beside it with the error."""
    return race_detail(get_race(slug))


@bp.get("/races/<int:cycle>/<office>/map")
@bp.response(200, RaceMapSchema)
@bp.alt_response(404, schema=ErrorSchema)
def race_map(cycle: int, office: str):
    """The state map of an office in a cycle: per state and D.C., its tile-grid position,
    its general-election race and the latest margin of the race's main question in the
    stored average (leader, runner-up, lead, colour on ColorBrewer's RdBu scale, the
    legend bin), or "No polls". 404 naming ``office`` for an unknown office or a cycle
    without its races."""
    return state_map(cycle, office)
