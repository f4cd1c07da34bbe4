"""A comparison of several questions (``/compare?q=slug&q=slug``): each question's stored
margin line (its default pair, ``services.margins.margin_trend``; a race's as the Democrat
minus the other, whichever leads) on one chart, by date or by
days since each line starts (``mode=days``: from ``start`` if given, else from the question's
first day with an average, e.g. two presidents' approval by days in office). Nothing is
fitted; the image is drawn by a worker and stored like a state map (``services.race_map``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask import current_app

from ..domain import methods
from ..domain.errors import BadRequest, NotFound, NotReady
from ..domain.margins import Pair
from ..extensions import db
from ..jobs.queue import jobs
from ..readmodel import question_view
from .charts import ATTRIBUTION, MIMETYPES, wait_for_drawing
from .margins import margin_trend
from .race_map import stored_map

MAX_QUESTIONS = 6
MODES = ("date", "days")


def _views(slugs: list[str]):
    wanted = list(dict.fromkeys(s.strip().lower() for s in slugs if s.strip()))
    if not wanted:
        raise BadRequest("Name the questions to compare: ?q=slug&q=slug.", fields={"q": "is required"})
    if len(wanted) > MAX_QUESTIONS:
        raise BadRequest(f"Compare at most {MAX_QUESTIONS} questions.",
                         fields={"q": f"at most {MAX_QUESTIONS} questions, not {len(wanted)}"})
    views = []
    for slug in wanted:
        try:
            views.append(question_view(slug))
        except NotFound:
            raise BadRequest(f"No question {slug!r}.", fields={"q": f"unknown question {slug!r}"}) from None
    return views


def _line(view, method: str, mode: str, start: dt.date | None) -> dict[str, Any]:
    if view.state.computed_version == 0:
        raise NotReady("A question's averages are being computed; try again in a moment.",
                       fields={"q": f"{view.slug} not computed yet"}, retry_after=5)
    found = margin_trend(view, method)
    if found is None or found[1].empty:
        raise BadRequest(f"{view.slug!r} has no margin to compare.",
                         fields={"q": f"{view.slug} has no margin (fewer than two choices polled)"})
    pair, line = found
    line = line.dropna(subset=["estimate"])
    parties = {c.name: c.party for c in view.question.choices}
    if parties.get(pair.b) == "DEM" and parties.get(pair.a) != "DEM":
        # one orientation for every race (Democrat minus the other), so that states compare
        pair = Pair(pair.b, pair.a, pair.net)
        line = line.assign(estimate=-line["estimate"], lower=-line["upper"], upper=-line["lower"])
    origin = start or line["date"].iloc[0].date()
    if mode == "days":
        xs = [(day.date() - origin).days for day in line["date"]]
    else:
        xs = [day.date().isoformat() for day in line["date"]]
    points = [[x, round(float(e), 2), round(float(lo), 2), round(float(hi), 2)]
              for x, e, lo, hi in zip(xs, line["estimate"], line["lower"], line["upper"], strict=True)]
    name = f"{view.question.title}: {pair.a} \u2212 {pair.b}"
    return {"slug": view.slug, "title": view.question.title, "a": pair.a, "b": pair.b, "name": name,
            "origin": origin, "points": points}


def comparison(slugs: list[str], mode: str = "date", start: dt.date | None = None,
               method: str = methods.DEFAULT_METHOD) -> dict[str, Any]:
    """The questions' margin lines as plain values; ``BadRequest`` naming ``q`` for none, more
    than ``MAX_QUESTIONS``, an unknown question or one without a margin, naming ``mode`` for
    another mode."""
    if mode not in MODES:
        raise BadRequest(f"mode must be one of {', '.join(MODES)}.", fields={"mode": "must be date or days"})
    lines = [_line(view, method, mode, start) for view in _views(slugs)]
    return {"mode": mode, "start": start, "method": method, "lines": lines}


def _drawing(found: dict[str, Any], fmt: str, scale: int, theme: str) -> dict[str, Any]:
    days = found["mode"] == "days"
    return {"kind": "compare", "fmt": fmt, "scale": scale, "theme": theme, "x_kind": found["mode"],
            "title": "Margins compared" + (" by days since the start" if days else ""),
            "x_label": (f"days since {found['start'].isoformat()}" if found["start"] else
                        "days since each line's first day") if days else "",
            "lines": [{"name": line["name"], "points": line["points"]} for line in found["lines"]],
            "source_line": "pollservice | " + ATTRIBUTION["fivethirtyeight"],
            "description": "Margins of " + "; ".join(line["name"] for line in found["lines"])}


def comparison_image(slugs: list[str], mode: str, start: dt.date | None, fmt: str, scale: int = 1,
                     theme: str = "light") -> tuple[bytes, str]:
    """The comparison chart's bytes and mimetype, stored or drawn now by a worker."""
    drawing = _drawing(comparison(slugs, mode, start), fmt, scale, theme)
    which = hashlib.sha256(json.dumps([[line["name"] for line in drawing["lines"]], mode, str(start)])
                           .encode()).hexdigest()[:16]
    digest = hashlib.sha256(json.dumps(drawing, sort_keys=True).encode()).hexdigest()[:32]
    key = "|".join(("compare", which, fmt, str(scale), theme, digest))
    image = stored_map(db.session, key)
    if image is None:
        jobs(current_app).send_render_map(key, drawing)
        image = wait_for_drawing(db.session, lambda session: stored_map(session, key))
    return image, MIMETYPES[fmt]
