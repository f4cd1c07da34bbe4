"""Rating the pollsters (``flask rate-pollsters``, a command of the computing side): the
store's decided races and their final polls handed to ``stats.ratings``, the ratings stored
(``PollsterRating``, every one replaced by each run) for ``services.ratings`` to read.

A poll counts when it is public and counted, of a race's question that is not a
hypothetical match-up, ended in the ``domain.ratings.WINDOW_DAYS`` before the race's
election day, and reported both of the race's top two finishers (matched to its choices by
name, any case). The margin is the first finisher minus the second, in the poll and in the
result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import delete, select

from ..domain.ratings import MIN_POLLS, MIN_RACES, WINDOW_DAYS
from ..extensions import SessionArg, db
from ..models import Choice, Poll, Pollster, PollsterRating, Question, Race, RaceResult, Result, utcnow
from ..services.transaction import transaction
from ..stats import ratings as rating_stats


def _finishers(session: SessionArg) -> dict[int, tuple[str, str, float, bool | None]]:
    """Per decided race: its first and second finisher (names casefolded), the actual
    margin and whether the pair is Democrat first (True), Republican first (False) or
    another pair (None)."""
    rows = session.execute(select(RaceResult.race_id, RaceResult.candidate, RaceResult.party,
                                  RaceResult.vote_share).order_by(RaceResult.race_id,
                                                                  RaceResult.vote_share.desc())).all()
    by_race: dict[int, list] = {}
    for race_id, candidate, party, share in rows:
        by_race.setdefault(race_id, []).append((candidate.casefold(), party, share))
    finishers = {}
    for race_id, results in by_race.items():
        if len(results) < 2:
            continue
        (first, party_1, share_1), (second, party_2, share_2) = results[:2]
        pair = (party_1, party_2)
        dem_first = True if pair == ("DEM", "REP") else False if pair == ("REP", "DEM") else None
        finishers[race_id] = (first, second, share_1 - share_2, dem_first)
    return finishers


def rating_polls(session: SessionArg) -> pd.DataFrame:
    """The polls the ratings judge, in the columns of ``stats.ratings.INPUT_COLUMNS``."""
    finishers = _finishers(session)
    window = dt.timedelta(days=WINDOW_DAYS)
    rows = session.execute(
        select(Poll.id, Pollster.name, Race.id, Race.cycle, Race.election_date, Poll.end_date,
               Choice.name, Result.pct)
        .join(Pollster, Poll.pollster_id == Pollster.id)
        .join(Question, Poll.question_id == Question.id)
        .join(Race, Question.race_id == Race.id)
        .join(Result, Result.poll_id == Poll.id)
        .join(Choice, Result.choice_id == Choice.id)
        .where(Poll.public(), Poll.counted.is_(True), Question.hypothetical.is_(False),
               Race.election_date.is_not(None))
    ).all()
    shares: dict[int, dict[str, float]] = {}
    facts: dict[int, tuple] = {}
    for poll_id, pollster, race_id, cycle, election, ended, choice, pct in rows:
        if race_id not in finishers or election is None or not election - window <= ended <= election:
            continue
        shares.setdefault(poll_id, {})[choice.casefold()] = pct
        facts[poll_id] = (pollster, race_id, cycle)
    records = []
    for poll_id, found in shares.items():
        pollster, race_id, cycle = facts[poll_id]
        first, second, actual, dem_first = finishers[race_id]
        if first in found and second in found:
            margin = found[first] - found[second]
            records.append((poll_id, pollster, race_id, cycle, margin, actual, dem_first))
    return pd.DataFrame(records, columns=list(rating_stats.INPUT_COLUMNS))


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 3)


def rate_pollsters() -> dict[str, Any]:
    """Compute every pollster's rating from the store and replace the stored ones, in one
    transaction; returns what was judged and rated."""
    polls = rating_polls(db.session)
    rated = (rating_stats.pollster_ratings(rating_stats.poll_errors(polls), min_polls=MIN_POLLS,
                                           min_races=MIN_RACES) if len(polls) else pd.DataFrame())
    ids = dict(db.session.execute(select(Pollster.name, Pollster.id)).all())
    now = utcnow()
    with transaction():
        db.session.execute(delete(PollsterRating))
        for row in rated.itertuples(index=False):
            db.session.add(PollsterRating(
                pollster_id=ids[row.pollster], polls=int(row.polls), races=int(row.races),
                bias_races=int(row.bias_races), first_cycle=int(row.first_cycle),
                last_cycle=int(row.last_cycle), verdict=row.verdict, computed_at=now,
                metrics={m: [_number(getattr(row, m)), _number(getattr(row, f"{m}_lower")),
                             _number(getattr(row, f"{m}_upper"))] for m in rating_stats.METRICS}))
    return {"polls": len(polls), "races": int(polls["race_id"].nunique()) if len(polls) else 0,
            "pollsters": int(polls["pollster"].nunique()) if len(polls) else 0, "rated": len(rated),
            "computed_at": now}
