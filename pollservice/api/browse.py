"""Read endpoints for browsing at scale: races (filtered, paginated), ranked search over
questions and races, and pollsters with their aliases."""

from __future__ import annotations

from flask import Response

from ..domain.methods import DEFAULT_METHOD
from ..domain.vocabulary import geography_name
from ..services import browse
from ..services.calibration import latest_run
from ..services.compare import comparison
from ..services.pollsters import (
    get_public_pollster,
    page_of_pollster_polls,
    page_of_pollsters,
    pollster_question_count,
)
from ..services.ratings import rating_of, ratings_csv
from .blueprint import bp
from .schemas import (
    CalibrationSchema,
    CompareArgs,
    CompareSchema,
    ErrorSchema,
    PollsterDetailSchema,
    PollsterListArgs,
    PollsterSummarySchema,
    RaceListArgs,
    RaceSummarySchema,
    SearchArgs,
    SearchSchema,
)


def race_summary(race, questions=None) -> dict:
    return {"slug": race.slug, "title": race.title, "cycle": race.cycle, "office": race.office,
            "geography": race.geography, "geography_name": geography_name(race.geography),
            "stage": race.stage, "party": race.party, "seat": race.seat,
            "election_date": race.election_date,
            "questions": questions if questions is not None else [q.slug for q in race.questions]}


@bp.get("/races")
@bp.arguments(RaceListArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, RaceSummarySchema(many=True))
@bp.paginate(page_size=100, max_page_size=1000)
def races(pagination_parameters, cycle=None, office=None, geography=None, stage=None):
    """Races, newest cycle first, national before the states; filter by cycle, office,
    place and stage."""
    filters = browse.RaceFilters(cycle, office, geography, stage)
    rows, pagination_parameters.item_count = browse.page_of_races(
        filters, pagination_parameters.page, pagination_parameters.page_size)
    return [race_summary(row.race, row.question_slugs) for row in rows]


@bp.get("/search")
@bp.arguments(SearchArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, SearchSchema)
def search(q: str, limit: int):
    """Questions and races matching the words of ``q``, best first (full-text relevance,
    then the race as run, the recent and much-polled question)."""
    found, total = browse.search(q, 1, limit)
    questions = [{"slug": x.slug, "title": x.title, "race": x.race.slug if x.race else None,
                  "geography": x.geography, "subject": x.subject, "hypothetical": x.hypothetical,
                  "poll_count": x.poll_count, "last_poll_end": x.last_poll_end} for x in found]
    return {"query": q, "total": total, "questions": questions,
            "races": [race_summary(race) for race in browse.search_races(q, limit)]}


@bp.get("/pollsters")
@bp.arguments(PollsterListArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, PollsterSummarySchema(many=True))
@bp.paginate(page_size=100, max_page_size=1000)
def pollsters(pagination_parameters, q: str = ""):
    """Pollsters with published polls, by name, with their other spellings and number of
    polls; ``q`` searches names and aliases."""
    found, pagination_parameters.item_count = page_of_pollsters(
        q, pagination_parameters.page, pagination_parameters.page_size, published_only=True)
    return [pollster_summary(p, n) for p, n in found]


def pollster_summary(pollster, polls: int) -> dict:
    return {"slug": pollster.slug, "name": pollster.name, "fte_pollster_id": pollster.fte_pollster_id,
            "aliases": [a.name for a in pollster.aliases if a.name != pollster.name], "polls": polls,
            "excluded_from_averages": pollster.excluded_from_averages,
            "exclusion_reason": pollster.exclusion_reason or None}


@bp.get("/pollsters/<slug>")
@bp.response(200, PollsterDetailSchema)
@bp.alt_response(404, schema=ErrorSchema)
def pollster(slug: str):
    """One pollster with published polls: its spellings, polls and questions, whether it
    counts in the averages, and its rating from decided races (null when it has too few
    polls of them; ``/api/v1/pollster-ratings.csv`` lists every rated pollster)."""
    found = get_public_pollster(slug)
    _, total = page_of_pollster_polls(found, 1, 1)
    return {**pollster_summary(found, total), "questions": pollster_question_count(found),
            "rating": rating_of(found)}


@bp.get("/pollster-ratings.csv")
@bp.response(200, content_type="text/csv",
             description="Every rated pollster, best relative error first: pollster, slug, polls, "
                         "races, first and last cycle, verdict, mean absolute error, bias toward "
                         "the Democrat and relative error, each with its 95% interval, and when "
                         "they were computed (`flask rate-pollsters`).")
def pollster_ratings_csv():
    """The stored pollster ratings as CSV."""
    return Response(ratings_csv(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="pollster-ratings.csv"'})


@bp.get("/compare")
@bp.arguments(CompareArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, CompareSchema)
@bp.alt_response(400, schema=ErrorSchema)
def compare(q: list[str], mode: str = "date", start=None, method: str = DEFAULT_METHOD):
    """Several questions' stored margin lines (as ``/compare`` and its chart draw them), by
    date or by days since each line's start: e.g. two presidents' approval by days in
    office, or several states of one race. 400 naming ``q`` for an unknown question, one
    without a margin, or more than six; 503 while a question's averages are computed."""
    return comparison(q, mode, start, method)


@bp.get("/calibration")
@bp.response(200, CalibrationSchema)
def calibration():
    """The calibration scoreboard: for each method, how far its final average of the margin
    was from the result of each decided race, and how often its 95% band and its election-day
    interval held the result, by method, office and cycle, as the newest ``flask evaluate``
    computed it (``computed_at`` null before the first)."""
    return latest_run()
