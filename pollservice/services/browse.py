"""What readers browse: the front page, races by cycle / office / place, topic questions and
ranked search. Every list is paginated in the database and built from the catalogue columns
(``Question.poll_count``, ``last_poll_end``, ``Race.cycle``) and the stored averages, read for
a whole page in one query (``readmodel.series.stored_averages``): no list counts polls or
fits a model on request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, String, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import defer, selectinload

from ..domain.errors import BadRequest
from ..domain.review import PUBLISHED
from ..domain.vocabulary import (
    NATIONAL,
    OFFICES,
    STAGES,
    geography_code,
    geography_name,
    party_colours,
)
from ..extensions import db
from ..models import Question, Race
from ..readmodel.catalogue import search_ranked
from ..readmodel.series import StoredAverage, stored_averages
from .averages import exclusions
from .paging import paginate

FRONT_PAGE_RACES = 12
# Race.cycle's check constraint: the years a race may be in.
FIRST_CYCLE, LAST_CYCLE = 1789, 2200
FRONT_PAGE_TOPICS = 12
SHOWN_CHOICES = 4


@dataclass(frozen=True)
class RaceFilters:
    """Which races a list holds; each ``None`` is no filter. ``geography`` is a vocabulary
    code; a state's code also takes in its districts (``PA`` holds ``PA-07``)."""

    cycle: int | None = None
    office: str | None = None
    geography: str | None = None
    stage: str | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if self.cycle is not None:
            conditions.append(Race.cycle == self.cycle)
        if self.office:
            conditions.append(Race.office == self.office)
        if self.stage:
            conditions.append(Race.stage == self.stage)
        if self.geography:
            conditions.append(or_(Race.geography == self.geography,
                                  Race.geography.startswith(self.geography + "-", autoescape=True)))
        return conditions

    def query(self) -> dict[str, Any]:
        """The filters as query-string values (what page links carry)."""
        return {k: v for k, v in (("cycle", self.cycle), ("office", self.office),
                                  ("geography", self.geography), ("stage", self.stage)) if v}


def parse_race_filters(cycle: str | None = None, office: str | None = None,
                       geography: str | None = None, stage: str | None = None) -> RaceFilters:
    """Filters from a query string; ``BadRequest`` naming the field for a bad value."""
    fields: dict[str, str] = {}
    year = None
    if (cycle or "").strip():
        text = cycle.strip()  # type: ignore[union-attr]
        year = int(text) if text.isdigit() and len(text) <= 4 else None
        if year is None or not FIRST_CYCLE <= year <= LAST_CYCLE:
            fields["cycle"] = f"must be a year from {FIRST_CYCLE} to {LAST_CYCLE}, e.g. 2020"
            year = None
    office = (office or "").strip().lower() or None
    if office and office not in OFFICES:
        fields["office"] = f"must be one of {', '.join(OFFICES)}"
    stage = (stage or "").strip().lower() or None
    if stage and stage not in STAGES:
        fields["stage"] = f"must be one of {', '.join(STAGES)}"
    code = None
    if (geography or "").strip():
        code = geography_code(geography.strip())  # type: ignore[union-attr]
        if not code:
            fields["geography"] = ("must be a place: US, a state (PA or Pennsylvania), a district "
                                   "(PA-07) or a country code")
    if fields:
        raise BadRequest("Unknown filter value: " + "; ".join(f"{k} {v}" for k, v in fields.items()) + ".",
                         fields=fields)
    return RaceFilters(year, office, code, stage)


@dataclass
class ChoiceAverage:
    name: str
    party: str | None
    colour: str | None
    status: str
    average: dict | None
    swatch: str  # the CSS class of its colour: party-DEM, or choice-N for the N-th position


@dataclass
class Card:
    """One question as a list shows it: its race (if any), its choices' stored averages
    (leaders first, withdrawn candidates left out), the margin, and how fresh they are."""

    question: Question
    choices: list[ChoiceAverage]
    more_choices: int
    margin: tuple[str, float] | None
    status: str  # "fresh", "updating" (a newer version is being computed), "missing", "no-polls"
    as_of: str | None = None
    race: Race | None = field(default=None)


def _card(question: Question, stored: StoredAverage) -> Card:
    # Candidates who withdrew, or whom no poll included in the last 60 days of the
    # question's polling, are not in the current average (averages.exclusions).
    last_polls: dict[str, dt.date | None] = {c.name: dt.date.fromisoformat(average["as_of"])
                  for c in question.choices if (average := stored.averages.get(c.id))}
    left = exclusions(question, last_polls)
    running = [c for c in question.choices if c.name not in left]
    # The swatch of each choice is its colour in the question's charts.
    colours = party_colours((c.name, c.party) for c in question.choices)
    position = {c.name: i for i, c in enumerate(question.choices)}
    rows = [ChoiceAverage(c.name, c.party, colours.get(c.name), c.status, stored.averages.get(c.id),
                          f"party-{c.party}" if c.name in colours else f"choice-{position[c.name] % 8}")
            for c in running]
    if question.race_id is not None:  # candidates: the leader first; other answers keep their order
        rows.sort(key=lambda row: -(row.average or {}).get("estimate", -1.0))
    known = sorted((row for row in rows if row.average), key=lambda row: -row.average["estimate"])  # type: ignore[index]
    margin = None
    if len(known) >= 2:
        margin = (known[0].name, round(known[0].average["estimate"] - known[1].average["estimate"], 1))  # type: ignore[index]
    if question.poll_count == 0:
        status = "no-polls"
    elif not stored.computed:
        status = "missing"
    else:
        status = "fresh" if stored.fresh else "updating"
    as_of = max((row.average["as_of"] for row in known), default=None)  # type: ignore[index]
    return Card(question, rows[:SHOWN_CHOICES], max(len(rows) - SHOWN_CHOICES, 0), margin, status,
                as_of, question.race)


def cards(questions: list[Question]) -> list[Card]:
    """The cards of these questions (choices and races loaded), with one query for all
    their stored averages."""
    stored = stored_averages(db.session, questions)
    return [_card(q, stored[q.id]) for q in questions]


def _questions() -> Select:
    """The published questions (a draft is on no public list), with what cards show."""
    return select(Question).where(Question.status == PUBLISHED).options(
        selectinload(Question.choices), selectinload(Question.race),
        defer(Question.search_document), defer(Question.description))


def front_page() -> dict[str, Any]:
    """The latest cycle's most-polled races and the most recently polled topic questions,
    a screenful of each (the browse pages list them all)."""
    latest = (select(func.max(Race.cycle)).join(Question, Question.race_id == Race.id)
              .where(Question.poll_count > 0).scalar_subquery())
    races = list(db.session.scalars(
        _questions().join(Race, Question.race_id == Race.id)
        .where(Race.cycle == latest, Question.hypothetical.is_(False), Question.poll_count > 0)
        .order_by(Question.poll_count.desc(), case((Race.geography == NATIONAL, 0), else_=1), Question.id)
        .limit(FRONT_PAGE_RACES)))
    topics = list(db.session.scalars(
        _questions().where(Question.race_id.is_(None))
        .order_by(Question.last_poll_end.desc().nulls_last(), Question.poll_count.desc(), Question.id)
        .limit(FRONT_PAGE_TOPICS)))
    shown = cards(races + topics)  # one query for all their stored averages
    return {"cycle": races[0].race.cycle if races and races[0].race else None,
            "races": shown[:len(races)], "topics": shown[len(races):]}


def page_of_topics(page: int, per_page: int) -> tuple[list[Card], int]:
    """Topic questions (no race), most recently polled first."""
    found, total = paginate(_questions().where(Question.race_id.is_(None)).order_by(
        Question.last_poll_end.desc().nulls_last(), Question.poll_count.desc(), Question.id), page, per_page)
    return cards(found), total


@dataclass
class RaceRow:
    race: Race
    card: Card | None  # its main question (the most-polled one that is not hypothetical)
    question_slugs: list[str]

    @property
    def questions(self) -> int:
        return len(self.question_slugs)


def _race_order() -> list:
    return [Race.cycle.desc(), Race.office, case((Race.geography == NATIONAL, 0), else_=1),
            Race.geography, Race.stage, Race.party, Race.seat, Race.id]


def page_of_races(filters: RaceFilters, page: int, per_page: int) -> tuple[list[RaceRow], int]:
    """Races matching ``filters`` (national first, then by place), each with its main
    question's stored average and margin."""
    statement = select(Race).where(Race.status == PUBLISHED, *filters.conditions()).order_by(*_race_order())
    found, total = paginate(statement, page, per_page)
    return race_rows(found), total


def race_rows(races: list[Race]) -> list[RaceRow]:
    ids = [race.id for race in races]
    questions = list(db.session.scalars(
        _questions().where(Question.race_id.in_(ids))
        .order_by(Question.hypothetical, Question.poll_count.desc(), Question.id))) if ids else []
    main: dict[int, Question] = {}
    slugs: dict[int, list[str]] = {}
    for question in questions:
        main.setdefault(question.race_id, question)  # type: ignore[arg-type]
        slugs.setdefault(question.race_id, []).append(question.slug)  # type: ignore[arg-type]
    by_question = {card.question.id: card for card in cards(list(main.values()))}
    return [RaceRow(race, by_question.get(main[race.id].id) if race.id in main else None,
                    slugs.get(race.id, [])) for race in races]


def browse_options() -> dict[str, list[tuple[str, str]]]:
    """What the browse form offers: the cycles, offices and places that have races
    (places: national, states and countries by name; districts come with their state),
    read in one round trip."""
    kinds = union_all(
        select(literal("cycle").label("kind"), cast(Race.cycle, String).label("value")).distinct(),
        select(literal("office"), Race.office).distinct(),
        select(literal("geography"), Race.geography).distinct())
    found: dict[str, set[str]] = {"cycle": set(), "office": set(), "geography": set()}
    for kind, value in db.session.execute(kinds):
        found[kind].add(value)
    places = {code.split("-")[0] for code in found["geography"]}
    named = sorted(((code, geography_name(code)) for code in places), key=lambda p: (p[0] != NATIONAL, p[1]))
    return {"cycles": [(c, c) for c in sorted(found["cycle"], key=int, reverse=True)],
            "offices": [(code, label) for code, label in OFFICES.items() if code in found["office"]],
            "geographies": named}


def _year(day: dt.date | None) -> int:
    return day.year if day else 0


def ranked_ids(query: str) -> list[int]:
    """The ids of the questions matching ``query``, best first: full-text relevance
    (FTS5's bm25 on SQLite, ``ts_rank_cd`` on PostgreSQL) in steps of a tenth of the best
    match's, then, among near-equals, the race as run before a hypothetical match-up, the
    more recently polled (by year), the more polled."""
    ranked = search_ranked(db.session, query)
    if ranked is None:
        return []
    found = ranked.subquery()
    rows = db.session.execute(
        select(found.c.question_id, found.c.rank, Question.hypothetical, Question.last_poll_end,
               Question.poll_count).join(Question, Question.id == found.c.question_id)
        .where(Question.status == PUBLISHED)).all()
    best = min((row.rank for row in rows), default=0.0)

    def key(row) -> tuple:
        relevance = row.rank / best if best < 0 else 1.0
        return (-round(relevance, 1), bool(row.hypothetical), -_year(row.last_poll_end),
                -(row.poll_count or 0), row.rank, row.question_id)

    return [row.question_id for row in sorted(rows, key=key)]


def search(query: str, page: int, per_page: int) -> tuple[list[Question], int]:
    """One page of the questions matching ``query``, ranked (``ranked_ids``), and how many
    match in all."""
    ids = ranked_ids(query)
    chosen = ids[(page - 1) * per_page: page * per_page]
    loaded = {q.id: q for q in db.session.scalars(_questions().where(Question.id.in_(chosen)))}
    return [loaded[i] for i in chosen if i in loaded], len(ids)


def search_races(query: str, limit: int) -> list[Race]:
    """The races of the best-ranked matching questions, best first."""
    ids = ranked_ids(query)
    race_of = dict(db.session.execute(select(Question.id, Question.race_id).where(
        Question.id.in_(ids), Question.race_id.is_not(None))).all())
    order: list[int] = []
    for question_id in ids:
        race_id = race_of.get(question_id)
        if race_id is not None and race_id not in order:
            order.append(race_id)
        if len(order) >= limit:
            break
    races = {r.id: r for r in db.session.scalars(
        select(Race).where(Race.id.in_(order), Race.status == PUBLISHED).options(
            selectinload(Race.questions)))} if order else {}
    return [races[i] for i in order if i in races]
