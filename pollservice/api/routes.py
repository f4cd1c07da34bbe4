"""Read endpoints. Thin views: parse the query (schemas), call one service, return what
it gives; the response schema dumps it to JSON."""

from __future__ import annotations

from flask import Response, current_app, g

from ..readmodel import question_view
from ..readmodel.http import versioned
from ..services import averages, health, margins
from ..services.changes import question_changes
from ..services.chart_events import event_rows, question_events
from ..services.polls import count_polls, get_poll, list_polls
from ..services.pollsters import find_pollster
from ..services.questions import page_of_questions
from ..services.races import find_race
from ..services.robustness import question_robustness
from .blueprint import bp, service_bp
from .schemas import (
    AverageArgs,
    AverageSchema,
    ChangesArgs,
    ChangesSchema,
    ErrorSchema,
    HealthSchema,
    HouseEffectsSchema,
    LivenessSchema,
    MarginArgs,
    PollDetailSchema,
    PollListArgs,
    PollSchema,
    QuestionDetailSchema,
    QuestionListArgs,
    QuestionMarginSchema,
    QuestionSummarySchema,
    RobustnessSchema,
    TrendArgs,
    TrendSchema,
)


def question_summary(question) -> dict:
    return {
        "slug": question.slug,
        "title": question.title,
        "region": question.region,
        "description": question.description,
        "choices": [choice.name for choice in question.choices],
    }


@bp.get("/questions")
@bp.arguments(QuestionListArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, QuestionSummarySchema(many=True))
@bp.alt_response(404, schema=ErrorSchema)
@bp.paginate(page_size=100, max_page_size=1000)
def questions(pagination_parameters, race=None):
    """List the questions with each one's current average per choice; filter by race."""
    race_id = find_race(race).id if race else None  # 404 for an unknown race
    page, pagination_parameters.item_count = page_of_questions(
        pagination_parameters.page, pagination_parameters.page_size, race_id)
    views = [question_view(q.slug, q) for q in page]
    return [{**question_summary(view.question), "latest": averages.latest_averages(view),
             "computed": view.computed()} for view in views]


@bp.get("/questions/<slug>")
@versioned()  # outermost: a cached answer skips query parsing and serialisation
@bp.response(200, QuestionDetailSchema)
@bp.alt_response(404, schema=ErrorSchema)
def question(slug: str):
    """One question with its answer choices in order, and the events marked on its charts."""
    found = question_view(slug).question
    return {**question_summary(found), "events": event_rows(question_events(found))}


@bp.get("/questions/<slug>/polls")
@bp.arguments(PollListArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, PollSchema(many=True))
@bp.alt_response(404, schema=ErrorSchema)
@bp.paginate(page_size=100, max_page_size=1000)
def polls(slug: str, pagination_parameters, pollster=None, population=None, from_=None, to=None):
    """The question's polls, newest first; filter by pollster (slug or name, any case),
    population and end date."""
    q = question_view(slug).question  # 404 for an unknown or draft question
    name = find_pollster(pollster).name if pollster else None  # 404 for an unknown one
    filters = {"pollster": name, "population": population, "start": from_, "end": to}
    total = pagination_parameters.item_count = count_polls(q, **filters)
    if pagination_parameters.first_item >= total:
        return []  # past the last page (also keeps huge offsets out of SQL)
    return list_polls(q, **filters, offset=pagination_parameters.first_item,
                      limit=pagination_parameters.page_size)


@bp.get("/questions/<slug>/average")
@versioned(args=("method", "as_of"))  # outermost: a hit skips query parsing and serialisation
@bp.arguments(AverageArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, AverageSchema)
@bp.alt_response(400, schema=ErrorSchema)
@bp.alt_response(404, schema=ErrorSchema)
@bp.alt_response(422, schema=ErrorSchema)
def average(slug: str, method: str, as_of=None):
    """Per choice, the average with its 95% interval, using polls ended by ``as_of``."""
    view = question_view(slug)
    return {**averages.question_average(view, method, as_of), "computed": view.computed(),
            "margin": margins.average_margin(view, method, as_of)}


@bp.get("/questions/<slug>/margin")
@versioned(args=("method", "from", "to", "realtime", "a", "b"))  # outermost, as above
@bp.arguments(MarginArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, QuestionMarginSchema)
@bp.alt_response(400, schema=ErrorSchema)
@bp.alt_response(404, schema=ErrorSchema)
@bp.alt_response(422, schema=ErrorSchema)
@bp.alt_response(503, schema=ErrorSchema)
def margin(slug: str, method: str, realtime: bool, from_=None, to=None, a=None, b=None):
    """The margin ``a - b`` of two choices (default: the question's pair, its two leading
    choices or approve minus disapprove) with its own 95% interval, from each poll's
    variance of a difference of two shares of one sample: its current value and daily line.
    The workers store the question's pair; ``a``/``b`` may name it in either order."""
    view = question_view(slug)
    return margins.question_margin(view, method, a, b, realtime, from_, to)


@bp.get("/questions/<slug>/changes")
@versioned(args=("method", "from", "to"))  # outermost, as above
@bp.arguments(ChangesArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, ChangesSchema)
@bp.alt_response(400, schema=ErrorSchema)
@bp.alt_response(404, schema=ErrorSchema)
def changes(slug: str, method: str, from_=None, to=None):
    """Why each choice's real-time average moved from ``from`` to ``to``: the change split
    into the polls that arrived (each one's pull), older polls fading and house effects
    estimated again (they add up to it), with the largest contributions and a sentence."""
    return question_changes(question_view(slug), method, from_, to)


@bp.get("/questions/<slug>/robustness")
@versioned()  # outermost, as above
@bp.response(200, RobustnessSchema)
@bp.alt_response(404, schema=ErrorSchema)
def robustness(slug: str):
    """Per choice, the robustness band of the current average: the lowest and highest it
    would be across defensible choices (each method; without partisan polls; likely voters
    only; registered or likely voters only; without each pollster in turn, its weight spread
    over the other polls), the variants that move it most, and the most influential
    pollster. Not a statistical interval: how much the choices matter."""
    return question_robustness(question_view(slug))


@bp.get("/questions/<slug>/trend")
@versioned(args=("method", "from", "to", "realtime"))  # outermost, as above
@bp.arguments(TrendArgs, location="query", as_kwargs=True, error_status_code=400)
@bp.response(200, TrendSchema)
@bp.alt_response(400, schema=ErrorSchema)
@bp.alt_response(404, schema=ErrorSchema)
def trend(slug: str, method: str, realtime: bool, from_=None, to=None):
    """Per choice, a daily series of the estimate with its 95% interval."""
    view = question_view(slug)
    trends = averages.question_trend(view, method, from_, to, realtime)
    return {"computed": view.computed(), "question": view.slug, "method": method, "realtime": realtime,
            "from_": from_, "to": to,
            "choices": {name: averages.trend_as_records(frame) for name, frame in trends.items()}}


@bp.get("/questions/<slug>/house-effects")
@versioned()  # outermost: a cached answer skips query parsing and serialisation
@bp.response(200, HouseEffectsSchema)
@bp.alt_response(404, schema=ErrorSchema)
def house_effects(slug: str):
    """Per choice, each pollster's house effect with its 95% interval (kalman fit)."""
    view = question_view(slug)
    return {"computed": view.computed(), "question": view.slug, "choices": averages.house_effects(view)}


@bp.get("/polls/<int:poll_id>")
@bp.response(200, PollDetailSchema)
@bp.alt_response(404, schema=ErrorSchema)
def poll(poll_id: int):
    """One poll (a 404 while it is held for review, or rejected), whether it counts in the
    averages, and how many problems readers have reported with it."""
    return get_poll(poll_id, published_only=True)


@service_bp.get("/healthz")
@service_bp.response(200, HealthSchema)
@service_bp.alt_response(503, schema=HealthSchema)
def healthz():
    """Database reachability and the migration version it is at."""
    report = health.check_within(current_app.config["HEALTH_TIMEOUT"])
    return report, (200 if report["status"] == "ok" else 503)



# What jsonify({"status": "ok"}) writes, made once (LivenessSchema documents it).
LIVENESS_BODY = b'{"status":"ok"}\n'


@service_bp.get("/livez")
@service_bp.response(200, LivenessSchema)
def livez():
    """Liveness: the worker answers. A constant body that touches nothing (no database,
    no cache, no session: a probe's answer depends on no cookie, so it sets none)."""
    g.cookie_independent = True
    return Response(LIVENESS_BODY, mimetype="application/json")
