"""Thin views: parse the query, call the services, render a template or image."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, send_from_directory, url_for
from flask_login import current_user

from ..domain import methods
from ..domain.errors import BadRequest, NotFound
from ..domain.methods import METHOD_LABELS, METHOD_PARAMS
from ..domain.poll_fields import POPULATIONS
from ..readmodel import question_view
from ..readmodel.http import versioned
from ..services import averages, margins
from ..services.audit import history
from ..services.calibration import latest_run
from ..services.changes import stored_default_changes
from ..services.chart_data import chart_data
from ..services.charts import (
    FORMATS,
    RANGES,
    ChartVariant,
    chart_alt_text,
    choice_colours,
    question_chart,
    range_dates,
    source_line,
)
from ..services.corrections import report_counts
from ..services.polls import count_polls, get_poll, list_polls, question_pollsters
from ..services.pollster_identity import list_aliases
from ..services.pollsters import (
    excluded_pollsters,
    get_public_pollster,
    page_of_pollster_polls,
    page_of_pollsters,
    pollster_house_effects,
    pollster_question_count,
)
from ..services.ratings import RATING_RULE, rating_of
from ..services.robustness import question_robustness
from .blueprint import bp
from .query import (
    parse_date,
    parse_flag,
    parse_method,
    parse_page,
    parse_range,
    parse_size,
    parse_subject,
    parse_theme,
)

FAVICON_MAX_AGE = 86400  # seconds

# Public API files of a question, built by the import/export area.
DOWNLOADS = (("CSV", "/api/v1/questions/{slug}/polls.csv"),
             ("JSON", "/api/v1/questions/{slug}/export.json"))


def chart_query(method: str, start, end) -> dict[str, str]:
    """The chart endpoint's query for a page's method and date range."""
    query = {"method": method}
    if start is not None:
        query["from"] = start.isoformat()
    if end is not None:
        query["to"] = end.isoformat()
    return query


POLLS_PER_PAGE = 50
POLL_SORTS = {"newest": "Newest first", "oldest": "Oldest first", "sample": "Largest sample first",
              "pollster": "Pollster A–Z"}


def poll_table(question) -> dict:
    """One page of the question's poll table, filtered and sorted on the server (``pollster``
    slug, ``population``, ``sort``, ``page``): the template's values."""
    pollsters = question_pollsters(question)
    by_slug = {slug: name for name, slug in pollsters}
    # Filter only by values the selects can show; anything else is no filter, so the
    # table never disagrees with the selects above it.
    pollster = request.args.get("pollster", "").strip()
    pollster = pollster if pollster in by_slug else ""
    population = request.args.get("population", "").strip().lower()
    population = population if population in POPULATIONS else ""
    order = request.args.get("sort", "newest").strip().lower()
    order = order if order in POLL_SORTS else "newest"
    page = parse_page(request.args.get("page"))
    filters = {"pollster": by_slug.get(pollster), "population": population or None}
    total = count_polls(question, filters["pollster"], filters["population"])
    pages = max(-(-total // POLLS_PER_PAGE), 1)
    polls = list_polls(question, filters["pollster"], filters["population"], order=order,
                       offset=(min(page, pages) - 1) * POLLS_PER_PAGE,
                       limit=POLLS_PER_PAGE)
    return {"polls": polls, "total_polls": total, "page": min(page, pages), "pages": pages,
            "pollster_filter": pollster, "population_filter": population, "sort": order,
            "sorts": POLL_SORTS, "pollster_slugs": {name: slug for name, slug in pollsters}}


@bp.get("/questions/<slug>")
def question(slug: str):
    method = parse_method(request.args.get("method"))
    preset = parse_range(request.args.get("range"))
    view = question_view(slug)
    q = view.question
    start, end = range_dates(view, preset)
    return render_template(
        "question.html",
        question=q,
        method=method,
        chart_query=chart_query(method, start, end),
        methods=methods.METHODS,
        method_labels=METHOD_LABELS,
        preset=preset,
        ranges=RANGES,
        start=start,
        end=end,
        alt_text=chart_alt_text(view, method),
        computed=view.computed(),
        latest=averages.latest_averages(view, method),
        margin=margins.average_margin(view, method),
        changes=stored_default_changes(view),
        robustness=question_robustness(view, wait=False),
        excluded=averages.current_exclusions(view, method),
        colours=choice_colours(view),
        house_effects=averages.house_effects(view),
        embed_url=url_for("web.embed", slug=q.slug, _external=True,
                          **{k: v for k, v in (("method", method), ("range", preset))
                             if v not in (methods.DEFAULT_METHOD, "all")}),
        populations=POPULATIONS,
        downloads=[(label, url.format(slug=q.slug)) for label, url in DOWNLOADS],
        source=source_line(view),
        **poll_table(q),
    )


POLLSTERS_PER_PAGE = 50


@bp.get("/pollsters")
def pollsters():
    text = request.args.get("q", "").strip()[:200]
    page = parse_page(request.args.get("page"))
    found, total = page_of_pollsters(text, page, POLLSTERS_PER_PAGE, published_only=True)
    return render_template("pollsters.html", pollsters=found, total=total, text=text, page=page,
                           pages=max(-(-total // POLLSTERS_PER_PAGE), 1))


@bp.get("/pollsters/<slug>")
def pollster(slug: str):
    found = get_public_pollster(slug)  # a merged or renamed pollster's slug: web.old_slugs
    page = parse_page(request.args.get("page"))
    polls, total = page_of_pollster_polls(found, page, POLLS_PER_PAGE)
    # the house effects shown are those of the questions on this page of polls
    questions = list({p.question.id: p.question for p in polls}.values())
    return render_template(
        "pollster.html",
        rating=rating_of(found),
        rating_rule=RATING_RULE,
        pollster=found,
        aliases=list_aliases(found),
        polls=polls,
        total_polls=total,
        question_count=pollster_question_count(found),
        page=page,
        pages=max(-(-total // POLLS_PER_PAGE), 1),
        questions=questions,
        house_effects=pollster_house_effects(found, questions),
        populations=POPULATIONS,
    )


@bp.get("/polls/<int:poll_id>")
def poll(poll_id: int):
    # The newsroom sees deleted and held polls (marked so); others get a 404.
    found = get_poll(poll_id, include_deleted=current_user.is_authenticated,
                     published_only=not current_user.is_authenticated)
    weights = {}
    if found.deleted_at is None:
        view = question_view(found.question.slug, found.question, drafts=current_user.is_authenticated)
        for choice, in_average in averages.poll_weights(view, methods.DEFAULT_METHOD).items():
            if found.id in in_average:
                weights[choice] = in_average[found.id]
    return render_template(
        "poll.html",
        poll=found,
        weights=weights,
        history=history(found.id),
        populations=POPULATIONS,
        reports=report_counts(poll_id=found.id),
    )


@bp.get("/embed/<slug>")
def embed(slug: str):
    method = parse_method(request.args.get("method"))
    preset = parse_range(request.args.get("range"))
    view = question_view(slug)
    start, end = range_dates(view, preset)
    return render_template(
        "embed.html", question=view.question, chart_query=chart_query(method, start, end),
        alt_text=chart_alt_text(view, method), source=source_line(view),
    )


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever a page links (feed readers, the JSON and
    CSV answers): the site's SVG icon, kept a day."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml",
                               max_age=FAVICON_MAX_AGE)


@bp.get("/methodology")
def methodology():
    return render_template("methodology.html", method_labels=METHOD_LABELS, params=METHOD_PARAMS,
                           unknown_sample_size=methods.UNKNOWN_SAMPLE_SIZE,
                           population_labels=POPULATIONS, excluded_pollsters=excluded_pollsters(),
                           rating_rule=RATING_RULE, calibration=latest_run(),
                           default_method=methods.DEFAULT_METHOD)


@bp.get("/charts/<slug>/data.json")
@versioned(args=("method", "from", "to"))
def chart_data_json(slug: str):
    """What the question page's interactive chart (static/chart.js) draws."""
    method = parse_method(request.args.get("method"))
    start = parse_date(request.args.get("from"), "from")
    end = parse_date(request.args.get("to"), "to")
    data = chart_data(question_view(slug), method, start, end)
    for poll in data["polls"]:
        poll["url"] = url_for("web.poll", poll_id=poll["id"])
    return data


@bp.get("/charts/<slug>.<fmt>")
@versioned("IMAGE_MAX_AGE", shared=True,
           args=("method", "from", "to", "realtime", "size", "scale", "subject", "theme"))
def chart(slug: str, fmt: str):
    if fmt not in FORMATS:
        raise NotFound(f"Charts come as {' or '.join(FORMATS)}.", fields={"format": "unknown"})
    method = parse_method(request.args.get("method"))
    start = parse_date(request.args.get("from"), "from")
    end = parse_date(request.args.get("to"), "to")
    realtime = parse_flag(request.args.get("realtime"), "realtime")
    size = parse_size(request.args.get("size"))
    scale = request.args.get("scale", "1")
    if scale not in ("1", "2"):
        raise BadRequest("scale must be 1 or 2.", fields={"scale": "must be 1 or 2"})
    subject = parse_subject(request.args.get("subject"))
    variant = ChartVariant(fmt, size, int(scale), method, start, end, realtime, subject,
                           parse_theme(request.args.get("theme")))
    return Response(question_chart(question_view(slug), variant), mimetype=variant.mimetype)
