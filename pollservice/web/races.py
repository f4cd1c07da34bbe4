"""The race page: ``/races/<slug>``."""

from __future__ import annotations

from flask import render_template

from ..domain import methods
from ..readmodel import question_view
from ..services import averages, margins
from ..services.charts import chart_alt_text, choice_colours
from ..services.races import get_race, ordered_questions, race_detail
from .blueprint import bp


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
