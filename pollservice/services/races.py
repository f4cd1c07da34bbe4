"""One race as its page and ``GET /api/v1/races/<slug>`` show it: the contest (cycle,
office, place, stage, election date), its questions (the main one first, hypothetical
match-ups flagged), its candidates with party and status and, once the result is known,
each candidate's final pre-election average beside the result and the error.

The final average is the average as of Election Day. Polls that ended after it never
enter it (``readmodel.frames`` leaves them out of every average of a race with an
election date), so it is the stored current average of the race's main question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain import methods
from ..domain.errors import NotFound, ValidationFailed
from ..domain.review import PUBLISHED
from ..domain.vocabulary import OFFICES, PARTIES, STAGES, STATUSES, geography_name
from ..extensions import db
from ..models import Question, Race
from ..readmodel import QuestionView, question_view
from .averages import question_average
from .chart_events import event_rows, race_events
from .margins import average_margin
from .slug_redirects import remember, slug_problem
from .transaction import transaction


def find_race(text: str) -> Race:
    """The race a filter names by its slug, in any case (``2020-President-US-General``);
    ``NotFound`` naming ``race`` otherwise."""
    wanted = text.strip().lower()
    race = db.session.execute(select(Race).where(Race.slug == wanted)).scalar_one_or_none()
    if race is None:
        raise NotFound(f"No race {text.strip()!r}: give its slug (see /api/v1/races).",
                       fields={"race": f"unknown race {text.strip()!r}"})
    return race


def get_race(slug: str) -> Race:
    race = db.session.execute(
        select(Race).where(Race.slug == slug).options(
            selectinload(Race.questions).selectinload(Question.choices), selectinload(Race.results))
    ).scalar_one_or_none()
    if race is None or race.status != PUBLISHED:  # a draft race has no public page
        raise NotFound(f"No race with slug {slug!r}.", fields={"slug": "unknown race"})
    return race


def rename_race(slug: str, new_slug: str) -> Race:
    """Give a race (draft or published) a new slug; the old one redirects (301) to it.
    ``NotFound`` naming ``slug``; ``ValidationFailed`` naming ``new_slug`` if it is empty,
    taken, or the old slug of another race."""
    race = db.session.execute(select(Race).where(Race.slug == slug)).scalar_one_or_none()
    if race is None:
        raise NotFound(f"No race with slug {slug!r}.", fields={"slug": "unknown race"})
    target = slugify(new_slug, max_length=120, word_boundary=True)
    problem = None
    if not target:
        problem = "must contain at least one letter or digit"
    else:
        problem = slug_problem("race", target, race.id)
    if problem:
        raise ValidationFailed("The new slug cannot be used.", fields={"new_slug": problem})
    with transaction():
        remember("race", race.slug, race.id, target)
        race.slug = target
    return race


def ordered_questions(race: Race) -> list[Question]:
    """The race's published questions: the main question first (the race as it is run,
    with the most polls), hypothetical match-ups last."""
    return sorted((q for q in race.questions if q.status == PUBLISHED),
                  key=lambda q: (q.hypothetical, -(q.poll_count or 0), q.title, q.id))


def election_results(view: QuestionView) -> dict[str, float]:
    """Per choice, its share of the vote in the race the question asks about, once known
    (by name, any case; none for a hypothetical match-up: its candidates ran another race)."""
    race = view.question.race
    if race is None or race.election_date is None or view.question.hypothetical:
        return {}
    by_name = {result.candidate.casefold(): result.vote_share for result in race.results}
    return {c.name: by_name[c.name.casefold()] for c in view.question.choices if c.name.casefold() in by_name}


def _party(code: str | None) -> dict[str, Any] | None:
    party = PARTIES.get(code or "")
    return None if party is None else {"code": party.code, "name": party.name, "colour": party.colour}


def candidates(question: Question | None) -> list[dict[str, Any]]:
    if question is None:
        return []
    return [{"name": c.name, "full_name": c.full_name, "party": _party(c.party), "status": c.status,
             "status_name": STATUSES.get(c.status, c.status), "withdrew_on": c.withdrew_on}
            for c in question.choices]


def race_detail(race: Race, method: str = methods.DEFAULT_METHOD) -> dict[str, Any]:
    """Everything the race page and its JSON show, as plain values."""
    questions = ordered_questions(race)
    main = questions[0] if questions else None
    detail: dict[str, Any] = {
        "slug": race.slug, "title": race.title, "cycle": race.cycle,
        "office": race.office, "office_name": OFFICES.get(race.office, race.office),
        "geography": race.geography, "geography_name": geography_name(race.geography),
        "stage": race.stage, "stage_name": STAGES.get(race.stage, race.stage),
        "party": _party(race.party), "seat": race.seat, "election_date": race.election_date,
        "questions": [{"slug": q.slug, "title": q.title, "hypothetical": q.hypothetical,
                       "main": q is main, "poll_count": q.poll_count or 0, "last_poll_end": q.last_poll_end}
                      for q in questions],
        "candidates": candidates(main),
        "result": None,
        "events": event_rows(race_events(race)),
    }
    if race.results and main is not None:
        detail["result"] = result_comparison(race, main, method)
    return detail


def result_comparison(race: Race, main: Question, method: str) -> dict[str, Any]:
    """Per candidate with a result, the share of the vote beside the final pre-election
    average of the main question and the error (average minus result, in points); and the
    same for the margin between the first two in the result, with the margin's own 95%
    interval when they are the question's pair (``services.margins``)."""
    as_of: dt.date | None = race.election_date
    view = question_view(main.slug, main)
    try:
        average = question_average(view, method, as_of)
    except ValidationFailed:  # no poll ended by Election Day
        average = {"as_of": as_of, "choices": {}, "excluded": {}}
    by_name = {name.casefold(): value for name, value in average["choices"].items()}
    rows = []
    for result in sorted(race.results, key=lambda r: -r.vote_share):
        final = by_name.get(result.candidate.casefold())
        rows.append({"candidate": result.candidate, "party": _party(result.party),
                     "vote_share": result.vote_share, "final_average": final,
                     "error": None if final is None else round(final["estimate"] - result.vote_share, 2)})
    return {"source": race.result_source, "as_of": average["as_of"], "method": method,
            "candidates": rows, "excluded": average["excluded"],
            "margin": _margin(rows, average_margin(view, method, average["as_of"]))}


def _margin(rows: list[dict[str, Any]], stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """The margin of the first two in the result; its interval (``lower``, ``upper``) that of
    the stored margin of those two (either way round), else None."""
    if len(rows) < 2:
        return None
    first, second = rows[0], rows[1]
    result = round(first["vote_share"] - second["vote_share"], 2)
    polled = None
    if first["final_average"] is not None and second["final_average"] is not None:
        polled = round(first["final_average"]["estimate"] - second["final_average"]["estimate"], 2)
    lower = upper = None
    names = (first["candidate"].casefold(), second["candidate"].casefold())
    if stored is not None and (stored["a"].casefold(), stored["b"].casefold()) in (names, names[::-1]):
        sign = 1 if stored["a"].casefold() == names[0] else -1
        lower, upper = sorted((sign * stored["lower"], sign * stored["upper"]))
    return {"leader": first["candidate"], "runner_up": second["candidate"], "result": result,
            "final_average": polled, "lower": lower, "upper": upper,
            "error": None if polled is None else round(polled - result, 2)}
