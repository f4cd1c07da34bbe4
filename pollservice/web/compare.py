"""The comparison of several questions: ``/compare?q=slug&q=slug`` (up to six; ``mode=days``
with an optional ``start``) and its image ``/charts/compare.png|svg``."""

from __future__ import annotations

import datetime as dt

from flask import Response, current_app, render_template, request

from ..domain.errors import NotFound
from ..services import compare as comparing
from ..services.charts import FORMATS
from .blueprint import bp
from .query import parse_date, parse_theme


def _query() -> tuple[list[str], str, dt.date | None]:
    return (request.args.getlist("q"), (request.args.get("mode") or "date").strip().lower(),
            parse_date(request.args.get("start"), "start"))


@bp.get("/compare")
def compare():
    """The chart and the lines' latest margins; without ``q``, how to ask."""
    slugs, mode, start = _query()
    found = comparing.comparison(slugs, mode, start) if slugs else None
    return render_template("compare.html", found=found, slugs=slugs, mode=mode, start=start,
                           limit=comparing.MAX_QUESTIONS)


@bp.get("/charts/compare.<fmt>")
def compare_chart(fmt: str):
    if fmt not in FORMATS:
        raise NotFound(f"Charts come as {' or '.join(FORMATS)}.", fields={"format": "unknown"})
    slugs, mode, start = _query()
    image, mimetype = comparing.comparison_image(slugs, mode, start, fmt,
                                                 theme=parse_theme(request.args.get("theme")))
    response = Response(image, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["IMAGE_MAX_AGE"]
    return response
