"""The race page (``/races/<slug>``) and the image of the state map of an office in a
cycle (``/charts/races/<cycle>/<office>.png|svg``; the map's page is the list of those
races, ``web.browse.races_of_office``)."""

from __future__ import annotations

from flask import Response, current_app, render_template, request

from ..domain import methods
from ..domain.errors import BadRequest, NotFound
from ..readmodel import question_view
from ..services import averages, margins
from ..services import race_map as state_map
from ..services.charts import FORMATS, chart_alt_text, choice_colours
from ..services.races import get_race, ordered_questions, race_detail
from .blueprint import bp
from .query import parse_size, parse_theme


@bp.get("/races/<slug>")
def race(slug: str):
    found = get_race(slug)
    detail = race_detail(found)
    questions = ordered_questions(found)
    main = questions[0] if questions else None
    view = question_view(main.slug, main) if main is not None else None
    return render_template(
        "race.html", race=detail, main=main,
        latest=averages.latest_averages(view) if view else {},
        margin=margins.average_margin(view, methods.DEFAULT_METHOD) if view else None,
        excluded=averages.current_exclusions(view) if view else {},
        colours=choice_colours(view) if view else {},
        alt_text=chart_alt_text(view, methods.DEFAULT_METHOD) if view and main and main.poll_count else "",
        computed=view.computed() if view else None,
    )


@bp.get("/charts/races/<int:cycle>/<office>.<fmt>")
def race_map_chart(cycle: int, office: str, fmt: str):
    if fmt not in FORMATS:
        raise NotFound(f"Maps come as {' or '.join(FORMATS)}.", fields={"format": "unknown"})
    size = parse_size(request.args.get("size"))
    if size not in state_map.MAP_WIDTHS:
        raise BadRequest("size must be full or small.", fields={"size": "must be full or small"})
    scale = request.args.get("scale", "1")
    if scale not in ("1", "2"):
        raise BadRequest("scale must be 1 or 2.", fields={"scale": "must be 1 or 2"})
    image, mimetype = state_map.map_image(cycle, office, fmt, size, int(scale),
                                          parse_theme(request.args.get("theme")))
    response = Response(image, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["IMAGE_MAX_AGE"]
    return response
