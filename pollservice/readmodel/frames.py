"""A question's polls as frames in the column contract of ``pollservice.stats``."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from ..extensions import SessionArg
from ..models import Poll, Pollster, Question, Result

POLL_COLUMNS = ["poll_id", "pollster", "start_date", "end_date", "sample_size", "population",
                "partisan", "internal", "tracking"]


def poll_frames(session: SessionArg, question: Question) -> dict[str, pd.DataFrame]:
    """One frame per answer choice, in the column contract of ``pollservice.stats``
    (plus ``poll_id``; with the optional ``partisan`` / ``internal`` flags, which keep such
    polls out of the centre of the house effects, and ``tracking``, whose overlapping
    releases share their respondents), in choice order. A choice no poll
    reported gets an empty frame.
    Deleted polls, the versions of a poll that are not counted, the polls of pollsters
    excluded from averages (the inclusion policy) and, for a race with an election date,
    polls that ended after Election Day are left out."""
    conditions = [Poll.question_id == question.id, Poll.public(), Poll.counted.is_(True),
                  Pollster.excluded_from_averages.is_(False)]
    if question.race is not None and question.race.election_date is not None:
        conditions.append(Poll.end_date <= question.race.election_date)
    rows = session.execute(
        select(Poll.id, Pollster.name, Poll.start_date, Poll.end_date, Poll.sample_size,
               Poll.population, Poll.partisan, Poll.internal, Poll.tracking, Result.choice_id, Result.pct)
        .join(Pollster, Poll.pollster_id == Pollster.id)
        .join(Result, Result.poll_id == Poll.id)
        .where(*conditions)
    ).all()
    long = pd.DataFrame(rows, columns=[*POLL_COLUMNS, "choice_id", "pct"])
    long["start_date"] = pd.to_datetime(long["start_date"])
    long["end_date"] = pd.to_datetime(long["end_date"])
    long["sample_size"] = pd.to_numeric(long["sample_size"], errors="coerce").astype(float)
    long["pct"] = long["pct"].astype(float)
    for flag in ("partisan", "internal", "tracking"):
        long[flag] = long[flag].fillna(False).astype(bool)
    frames = {}
    for choice in question.choices:
        frame = long[long["choice_id"] == choice.id].drop(columns="choice_id")
        frames[choice.name] = frame.sort_values(["end_date", "poll_id"]).reset_index(drop=True)
    return frames


VERSION_COLUMNS = ["version_group", "population", "end_date", "sample_size"]


def population_versions(session: SessionArg, question: Question) -> dict[str, pd.DataFrame]:
    """Per answer choice, the versions of the question's polls that were reported for more
    than one population (counted or not: ``version_group``, ``population``, ``end_date``,
    ``sample_size``, ``pct``), from which ``stats.populations`` measures the gap between
    populations on the same respondents. The same polls as ``poll_frames`` (public, of
    included pollsters, up to Election Day)."""
    conditions = [Poll.question_id == question.id, Poll.public(), Poll.version_group.is_not(None),
                  Pollster.excluded_from_averages.is_(False)]
    if question.race is not None and question.race.election_date is not None:
        conditions.append(Poll.end_date <= question.race.election_date)
    several = (select(Poll.version_group).where(*conditions).join(Pollster, Poll.pollster_id == Pollster.id)
               .group_by(Poll.version_group).having(func.count(func.distinct(Poll.population)) > 1))
    rows = session.execute(
        select(Poll.version_group, Poll.population, Poll.end_date, Poll.sample_size,
               Result.choice_id, Result.pct)
        .join(Pollster, Poll.pollster_id == Pollster.id)
        .join(Result, Result.poll_id == Poll.id)
        .where(*conditions, Poll.version_group.in_(several))
    ).all()
    long = pd.DataFrame(rows, columns=[*VERSION_COLUMNS, "choice_id", "pct"])
    long["end_date"] = pd.to_datetime(long["end_date"])
    long["sample_size"] = pd.to_numeric(long["sample_size"], errors="coerce").astype(float)
    long["pct"] = long["pct"].astype(float)
    return {choice.name: long[long["choice_id"] == choice.id].drop(columns="choice_id").reset_index(drop=True)
            for choice in question.choices}
