"""A real race to test candidates and race pages on, built from rows (the import of 538's
race files is another change): the 2020 presidential general election, nationally, with
36 national polls of Biden, Trump and (in two of them) Justin Amash, from
``tests/data/fte_president_2020_amash.csv``.

That excerpt: Data: FiveThirtyEight (ABC News), CC BY 4.0,
https://github.com/fivethirtyeight/data, from ``president_polls.csv`` (the 538 polls page,
snapshot 2020-10-21). Changed: 2020 national general-election questions whose answers are
Biden, Trump and Amash only, ended 2020-03-01 to 2020-10-21, by seven pollsters (Morning
Consult only where it asked about Amash), one question per poll, in pollservice's canonical
CSV columns with ISO dates; values unchanged. The result (Biden 51.37, Trump 46.91) is 538's
``cand1_actual``/``cand2_actual`` for race ``2020_Pres-G_US`` in ``raw-polls.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Question, Race, RaceResult
from pollservice.services.imports import import_text

EXCERPT = Path(__file__).parent / "data" / "fte_president_2020_amash.csv"
SLUG = "2020-president-general-us"
RACE_SLUG = "2020-president-us-general"
ELECTION_DAY = dt.date(2020, 11, 3)
RESULT = {"Biden": 51.37, "Trump": 46.91}
PARTIES = {"Biden": ("DEM", "Joseph R. Biden Jr."), "Trump": ("REP", "Donald Trump"),
           "Amash": ("LIB", "Justin Amash")}


def excerpt_rows() -> list[dict[str, str]]:
    with EXCERPT.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def last_poll_with(choice: str) -> dt.date:
    return max(dt.date.fromisoformat(row["end_date"]) for row in excerpt_rows() if row[choice])


def build_race(app, with_result: bool = True) -> None:
    """Import the excerpt and make its question the race's main question, its choices
    candidates with their parties."""
    with app.app_context():
        import_text(EXCERPT.read_text(encoding="utf-8"), EXCERPT.name)
        race = Race(slug=RACE_SLUG, cycle=2020, office="president", geography="US", stage="general",
                    party="", seat="", title="2020 U.S. President: general election",
                    election_date=ELECTION_DAY,
                    result_source="FiveThirtyEight raw-polls.csv" if with_result else "")
        if with_result:
            race.results = [RaceResult(candidate=name, party=PARTIES[name][0], vote_share=share)
                            for name, share in RESULT.items()]
        db.session.add(race)
        question = db.session.execute(select(Question).where(Question.slug == SLUG)).scalar_one()
        question.race, question.geography = race, "US"
        for choice in question.choices:
            choice.party, choice.full_name = PARTIES[choice.name]
        db.session.commit()
