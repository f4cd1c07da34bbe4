"""The state map of one office in one cycle (``/races/<cycle>/<office>``): per state on the
tile grid (``domain.state_map``), the latest margin of its general-election race, read from
the margins the workers store (``services.margins.average_margin``: the main question's
default pair, the leader first); a state without a race or a poll is "no polls".

Its PNG and SVG are drawn by a worker (the web process draws nothing): the request names
the drawing by a digest of what it shows, a stored one is served, else a worker is asked
to draw it (``Engine.render_map``) while the reader waits, as for a question's chart.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from ..domain import methods
from ..domain.errors import BadRequest, NotFound
from ..domain.state_map import NO_POLLS, TILES, legend_bins, margin_bin
from ..domain.vocabulary import OFFICES, PARTIES, geography_name
from ..extensions import SessionArg, db
from ..jobs.queue import jobs
from ..models import Question, Race, StoredMap
from ..readmodel import question_view
from .browse import FIRST_CYCLE, LAST_CYCLE
from .bulk import insert_ignoring_conflicts
from .charts import ATTRIBUTION, MIMETYPES, wait_for_drawing
from .margins import average_margin
from .races import ordered_questions

MAP_STAGE = "general"
MAP_WIDTHS = {"full": 8.0, "small": 4.4}


def _races(cycle: int, office: str) -> list[Race]:
    if not FIRST_CYCLE <= cycle <= LAST_CYCLE:  # also keeps a huge number out of the query
        raise BadRequest(f"cycle must be a year from {FIRST_CYCLE} to {LAST_CYCLE}, not {cycle}.",
                         fields={"cycle": f"must be a year from {FIRST_CYCLE} to {LAST_CYCLE}, e.g. 2020"})
    if office not in OFFICES:
        raise NotFound(f"No office {office!r}.", fields={"office": "must be one of: " + ", ".join(OFFICES)})
    races = list(db.session.execute(
        select(Race).where(Race.cycle == cycle, Race.office == office)
        .options(selectinload(Race.questions).selectinload(Question.choices))).scalars())
    if not races:
        raise NotFound(f"No {OFFICES[office].lower()} races in {cycle}.",
                       fields={"office": f"no {office} races in {cycle}"})
    return races


def _state_races(races: list[Race]) -> dict[str, Race]:
    """Per state, its general-election race (the regular seat before a special one, then
    the most polled)."""
    chosen: dict[str, Race] = {}
    ranked = sorted((r for r in races if r.stage == MAP_STAGE and r.geography in TILES),
                    key=lambda r: (r.seat != "", -sum(q.poll_count or 0 for q in r.questions), r.id))
    for race in ranked:
        chosen.setdefault(race.geography, race)
    return chosen


def _lead(main: Question, margin: dict[str, Any]) -> dict[str, Any]:
    """The leader, runner-up, the lead in points and its colour."""
    estimate = float(margin["estimate"])
    leader, runner_up = (margin["a"], margin["b"]) if estimate >= 0 else (margin["b"], margin["a"])
    party = next((c.party for c in main.choices if c.name == leader), None)
    colour = margin_bin(party, estimate)
    letter = party[0] if party in ("DEM", "REP") else leader[:1]
    return {"leader": leader, "leader_party": party, "runner_up": runner_up,
            "lead": round(abs(estimate), 1), "label": margin["label"], "bin": colour.key,
            "fill": colour.fill, "ink": colour.ink,
            "text": "Tied" if margin["label"] == "Tied" else f"{letter}+{abs(estimate):.1f}"}


def _tile(code: str, race: Race | None, method: str) -> dict[str, Any]:
    row, col = TILES[code]
    name = geography_name(code)
    questions = ordered_questions(race) if race is not None else []
    main = questions[0] if questions else None
    polls = (main.poll_count or 0) if main is not None else 0
    tile: dict[str, Any] = {
        "code": code, "name": name, "row": row, "col": col,
        "race": race.slug if race is not None else None, "question": main.slug if main else None,
        "poll_count": polls, "leader": None, "leader_party": None, "runner_up": None, "lead": None,
        "label": NO_POLLS.label, "bin": NO_POLLS.key, "fill": None, "ink": NO_POLLS.ink, "text": ""}
    margin = None
    if main is not None and polls:
        view = question_view(main.slug, main)
        margin = average_margin(view, method) if view.state.computed_version else None
    if main is not None and margin is not None:
        tile.update(_lead(main, margin))
        tile["accessible_name"] = f"{name}: {tile['label']} ({polls} poll{'s' if polls != 1 else ''})"
    elif polls:
        tile.update(label="No average yet", accessible_name=f"{name}: {polls} polls, no average yet")
    else:
        tile["accessible_name"] = f"{name}: no polls"
    return tile


def state_map(cycle: int, office: str, method: str = methods.DEFAULT_METHOD) -> dict[str, Any]:
    """The map as plain values: its title, one tile per state and D.C. (grid position,
    race, main question, polls, leader, lead, colour, accessible name) and the legend.
    ``NotFound`` naming ``office`` for an unknown office or one without races that cycle."""
    races = _races(cycle, office)
    by_state = _state_races(races)
    tiles = [_tile(code, by_state.get(code), method) for code in TILES]
    office_name = OFFICES[office]
    return {"cycle": cycle, "office": office, "office_name": office_name, "method": method,
            "title": f"{cycle} {office_name}: the latest polling margin by state",
            "tiles": tiles, "legend": [{"key": b.key, "side": b.side, "label": b.label,
                                        "fill": b.fill if b.side else None} for b in legend_bins()],
            "polled_states": sum(1 for t in tiles if t["lead"] is not None)}


def legend_text(entry: dict[str, Any]) -> str:
    """A legend entry in words: "Republican ahead by 10+", "No polls"."""
    if not entry["side"]:
        return entry["label"]
    if entry["side"] == "OTHER":
        return "Another party ahead"
    return f"{PARTIES[entry['side']].name} ahead by {entry['label']}"


def _drawing(found: dict[str, Any], fmt: str, size: str, scale: int, theme: str) -> dict[str, Any]:
    """What the worker draws: the tiles frame's rows and the words around them."""
    tiles = [{key: t[key] for key in ("code", "row", "col", "fill", "ink", "text")} for t in found["tiles"]]
    legend = [(("R " if e["side"] == "REP" else "D " if e["side"] == "DEM" else "") + e["label"]
               if e["side"] != "OTHER" else "Other party", e["fill"] or "") for e in found["legend"]]
    polled = found["polled_states"]
    return {"tiles": tiles, "legend": legend, "title": found["title"], "fmt": fmt, "theme": theme,
            "scale": scale, "width": MAP_WIDTHS[size],
            "subtitle": "Leader's margin in the polling average, points (D: Democrat, R: Republican)",
            "source_line": "pollservice | " + ATTRIBUTION["fivethirtyeight"],
            "description": f"Tile map of {polled} states with a polling average: "
                           + "; ".join(t["accessible_name"] for t in found["tiles"] if t["lead"] is not None)}


def map_key(cycle: int, office: str, drawing: dict[str, Any]) -> str:
    digest = hashlib.sha256(json.dumps(drawing, sort_keys=True).encode()).hexdigest()[:32]
    return "|".join((str(cycle), office, drawing["fmt"], str(drawing["scale"]), str(drawing["width"]),
                     drawing["theme"], digest))


def stored_map(session: SessionArg, key: str) -> bytes | None:
    return session.execute(select(StoredMap.content).where(StoredMap.key == key)).scalar_one_or_none()


def map_image(cycle: int, office: str, fmt: str, size: str = "full", scale: int = 1,
              theme: str = "light") -> tuple[bytes, str]:
    """The map's bytes and mimetype: stored, or drawn now by a worker (``NotReady`` when
    none has within ``CHART_WAIT_SECONDS``)."""
    drawing = _drawing(state_map(cycle, office), fmt, size, scale, theme)
    key = map_key(cycle, office, drawing)
    image = stored_map(db.session, key)
    if image is None:
        jobs(current_app).send_render_map(key, drawing)
        image = wait_for_drawing(db.session, lambda session: stored_map(session, key))
    return image, MIMETYPES[fmt]


# Comparisons (services.compare) are any set of questions a reader names: only the newest
# this many drawings of them are kept, so requests cannot fill the table.
MAX_STORED_COMPARISONS = 200
# The stored kinds whose keys come from any query (several questions; two dates), kept to
# the newest MAX_STORED_COMPARISONS each.
BOUNDED_KINDS = ("compare|", "changes|")


def store_map(session: SessionArg, key: str, mimetype: str, image: bytes) -> None:
    """Keep ``image`` under ``key`` and drop the older drawings of the same variant (same
    cycle, office, format, scale, width and theme, or the same comparison; another digest),
    and the comparisons (and explanations of a change) past the newest ``MAX_STORED_COMPARISONS``."""
    prefix = key.rsplit("|", 1)[0] + "|"
    session.execute(delete(StoredMap).where(StoredMap.key.startswith(prefix), StoredMap.key != key))
    insert_ignoring_conflicts(session, StoredMap, [dict(key=key, mimetype=mimetype, content=image)])
    kind = key.split("|", 1)[0] + "|"
    if kind in BOUNDED_KINDS:  # any query makes one: only the newest stay
        newest = (select(StoredMap.id).where(StoredMap.key.startswith(kind))
                  .order_by(StoredMap.drawn_at.desc(), StoredMap.id.desc()).limit(MAX_STORED_COMPARISONS))
        session.execute(delete(StoredMap).where(StoredMap.key.startswith(kind),
                                                StoredMap.id.not_in(newest.scalar_subquery())))
    session.commit()
