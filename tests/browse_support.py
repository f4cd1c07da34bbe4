"""Races shaped like the real data, for the list, search and pagination tests: 2020
presidential polls of Pennsylvania, Ohio and the nation (the race as run, Biden vs Trump,
and the hypothetical Sanders vs Trump match-up), copied from FiveThirtyEight's polls page
(``tests/data/fte_president_polls_2020_excerpt.csv``, 26 questions of
``president_polls.csv``; Data: FiveThirtyEight (ABC News), CC BY 4.0,
https://github.com/fivethirtyeight/data), plus a 2016 race with no polls yet."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pollservice.extensions import db
from pollservice.models import Choice, Poll, Question, Race, Result
from pollservice.services.polls import get_or_create_pollster

EXCERPT = Path(__file__).parent / "data" / "fte_president_polls_2020_excerpt.csv"
PLACES = {"Pennsylvania": "PA", "Ohio": "OH", "": "US"}
NAMES = {"Biden": ("Joe Biden", "Joseph R. Biden Jr.", "DEM"),
         "Trump": ("Donald Trump", "Donald Trump", "REP"),
         "Sanders": ("Bernie Sanders", "Bernard Sanders", "DEM")}


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%m/%d/%y").date()


def _question(race: Race, place: str, answers: tuple[str, ...]) -> Question:
    hypothetical = "Sanders" in answers
    names = " vs. ".join(NAMES[a][0].split()[-1] for a in answers)
    where = place or "national"
    slug = f"2020-president-{race.geography.lower()}-{'-'.join(a.lower() for a in answers)}"
    return Question(slug=slug, title=f"2020 U.S. President: {where} ({names})", race=race,
                    geography=race.geography, hypothetical=hypothetical,
                    choices=[Choice(name=NAMES[a][0], full_name=NAMES[a][1], party=NAMES[a][2],
                                    status="hypothetical" if hypothetical else "running", position=i)
                             for i, a in enumerate(answers)])


def load_races(places: set[str] | None = None) -> dict[str, Question]:
    """Store the excerpt's races, questions and polls (one commit: the write hook fills the
    catalogue and the stored averages); the questions by slug. ``places``: only the races of
    these geography codes (and the 2016 race), e.g. ``{"PA", "OH"}`` beside another national race."""
    with EXCERPT.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_poll: dict[str, list[dict]] = {}
    for row in rows:
        by_poll.setdefault(row["question_id"], []).append(row)
    races: dict[str, Race] = {}
    questions: dict[tuple[str, tuple], Question] = {}
    for poll_rows in by_poll.values():
        first = poll_rows[0]
        code = PLACES[first["state"]]
        if places is not None and code not in places:
            continue
        race = races.get(code)
        if race is None:
            where = first["state"] or "national"
            race = races[code] = Race(slug=f"2020-president-general-{code.lower()}", cycle=2020,
                                      office="president", geography=code, stage="general",
                                      title=f"2020 U.S. President: {where}",
                                      election_date=day(first["election_date"]))
        answers = tuple(sorted(r["answer"] for r in poll_rows))
        question = questions.get((code, answers))
        if question is None:
            question = questions[(code, answers)] = _question(race, first["state"], answers)
            db.session.add(question)
        by_name = {c.name: c for c in question.choices}
        poll = Poll(question=question, pollster=get_or_create_pollster(first["pollster"]),
                    start_date=day(first["start_date"]), end_date=day(first["end_date"]),
                    sample_size=int(first["sample_size"]) if first["sample_size"] else None,
                    population=first["population"], source="fte-excerpt", source_id=first["question_id"])
        poll.results = [Result(choice=by_name[NAMES[r["answer"]][0]], pct=float(r["pct"])) for r in poll_rows]
        db.session.add(poll)
    old = Race(slug="2016-president-general-pa", cycle=2016, office="president", geography="PA",
               stage="general", title="2016 U.S. President: Pennsylvania", election_date=dt.date(2016, 11, 8))
    db.session.add(Question(slug="2016-president-pa", title="2016 U.S. President: Pennsylvania", race=old,
                            geography="PA", choices=[Choice(name="Hillary Clinton", party="DEM", position=0),
                                                     Choice(name="Donald Trump", party="REP", position=1)]))
    db.session.commit()
    return {q.slug: q for q in db.session.scalars(db.select(Question))}
