"""The reader's way in: the front page, races by cycle, office and place, topic questions
and ranked search; every list paginated (``page``), and every page link keeps the filters."""

from __future__ import annotations

from flask import render_template, request

from ..domain.state_map import GRID_COLUMNS, GRID_ROWS
from ..domain.vocabulary import OFFICES, STAGES, geography_name
from ..services import browse, race_map
from .blueprint import bp
from .query import parse_page

PER_PAGE = 25


def pages(total: int) -> int:
    return max(-(-total // PER_PAGE), 1)


@bp.get("/")
def index():
    if request.args.get("q", "").strip():  # the old home page's search box
        return search()
    return render_template("index.html", front=browse.front_page(), options=browse.browse_options(),
                           geography_name=geography_name)


@bp.get("/races")
def races():
    filters = browse.parse_race_filters(request.args.get("cycle"), request.args.get("office"),
                                        request.args.get("geography"), request.args.get("stage"))
    return _race_list(filters)


@bp.get("/races/<int:cycle>/<office>")
def races_of_office(cycle: int, office: str):
    """The races of an office in a cycle, under their state map (a tile grid coloured by
    each state's latest margin, and the same as a table); 404 when there are none."""
    filters = browse.parse_race_filters(str(cycle), office, request.args.get("geography"),
                                        request.args.get("stage"))
    found = None
    if not (filters.geography or filters.stage):
        found = race_map.state_map(cycle, office)
    return _race_list(filters, found)


def _race_list(filters: browse.RaceFilters, found_map: dict | None = None):
    page = parse_page(request.args.get("page"))
    rows, total = browse.page_of_races(filters, page, PER_PAGE)
    words = [OFFICES.get(filters.office or "", ""), STAGES.get(filters.stage or "", ""),
             geography_name(filters.geography) if filters.geography else "", str(filters.cycle or "")]
    heading = " · ".join(w for w in words if w) or "All races"
    return render_template("races.html", rows=rows, total=total, page=page, pages=pages(total),
                           filters=filters, heading=heading, options=browse.browse_options(),
                           geography_name=geography_name, state_map=found_map, map_rows=GRID_ROWS,
                           map_columns=GRID_COLUMNS, legend_text=race_map.legend_text)


@bp.get("/topics")
def topics():
    page = parse_page(request.args.get("page"))
    found, total = browse.page_of_topics(page, PER_PAGE)
    return render_template("topics.html", cards=found, total=total, page=page, pages=pages(total),
                           geography_name=geography_name)


@bp.get("/search")
def search():
    text = request.args.get("q", "").strip()[:200]
    page = parse_page(request.args.get("page"))
    found, total = browse.search(text, page, PER_PAGE) if text else ([], 0)
    return render_template("search.html", text=text, cards=browse.cards(found), total=total, page=page,
                           pages=pages(total), geography_name=geography_name)
