"""Averages and trend lines of a question, read from its stored series through the
request's ``QuestionView`` and turned into plain values for the views. Nothing here
computes a model: the workers store every method's series (``pollservice.jobs``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from ..domain.errors import BadRequest, ValidationFailed
from ..domain.methods import DEFAULT_METHOD
from ..extensions import db
from ..models import Question
from ..readmodel import QuestionView
from ..readmodel.series import stale_question_ids, trend_frame

MAX_TREND_DAYS = 366 * 30
# A candidate no poll has included in this many days before a question's last poll has
# left the race in all but name: it leaves the current average.
STALE_DAYS = 60
EMPTY_TREND = pd.DataFrame({"date": pd.to_datetime([]), "estimate": [], "lower": [], "upper": []})
AVERAGE_FIELDS = ("estimate", "lower", "upper", "n_polls")


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else round(number, 3)


def exclusions(question: Question, last_polls: dict[str, dt.date | None],
               as_of: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """The choices left out of the average, each with why: ``reason`` (``withdrew`` or
    ``no_recent_poll``), ``since`` (the day it withdrew, or its last poll) and a ``message``
    for readers. ``last_polls``: each choice's last poll's end date (by ``as_of``). A
    withdrawn candidate leaves the current average, and an average as of a day on or after
    its withdrawal; a candidate (a choice of a race's question: not an answer such as
    "Don't know" of a topic question, which some pollsters never report) no poll included
    in the last ``STALE_DAYS`` days of the question's polling (up to ``as_of``) leaves it
    too."""
    known = [day for day in last_polls.values() if day is not None]
    latest = max(known, default=None)
    left: dict[str, dict[str, Any]] = {}
    for choice in question.choices:
        last = last_polls.get(choice.name)
        if choice.status == "withdrew" and (as_of is None or choice.withdrew_on is None
                                            or as_of >= choice.withdrew_on):
            day = choice.withdrew_on
            left[choice.name] = {"reason": "withdrew", "since": day,
                                 "message": f"withdrew on {day.isoformat()}" if day else "withdrew"}
        elif (question.race_id is not None and last is not None and latest is not None
              and (latest - last).days > STALE_DAYS):
            left[choice.name] = {"reason": "no_recent_poll", "since": last,
                                 "message": f"in no poll since {last.isoformat()}"}
    return left


def _stored_last_polls(stored: dict[str, dict | None]) -> dict[str, dt.date | None]:
    return {name: None if p is None else dt.date.fromisoformat(p["average"]["as_of"])
            for name, p in stored.items()}


def current_exclusions(view: QuestionView, method: str | None = None) -> dict[str, dict[str, Any]]:
    """``exclusions`` for the current average (from the stored series: no poll is read)."""
    return exclusions(view.question, _stored_last_polls(view.series(method or DEFAULT_METHOD)))


def question_average(view: QuestionView, method: str, as_of: dt.date | None) -> dict[str, Any]:
    """Per choice: ``estimate``, ``lower``, ``upper`` (95% interval), ``n_polls``; ``None``
    for a choice with no poll ended by ``as_of`` and for one left out of the average
    (``excluded`` says why: see ``exclusions``). The current average (no ``as_of``, or one
    on or after the last poll) is the stored average; an earlier day's is the stored
    real-time line on that day (the estimate from the polls known that day), with the
    polls ended by then as ``n_polls``."""
    stored = view.series(method)
    last_polls = _stored_last_polls(stored)
    last = max((day for day in last_polls.values() if day is not None), default=None)
    if as_of is None or (last is not None and as_of >= last):
        choices = {name: None if p is None else {k: p["average"][k] for k in AVERAGE_FIELDS}
                   for name, p in stored.items()}
        left = exclusions(view.question, last_polls, as_of)
        as_of = as_of or last
    else:
        choices = _average_as_of(view, method, as_of)
        last_polls = {name: _last_end(frame, as_of) for name, frame in view.frames().items()}
        left = exclusions(view.question, last_polls, as_of)
    return {"question": view.slug, "method": method, "as_of": as_of,
            "choices": {name: None if name in left else value for name, value in choices.items()},
            "excluded": left}


def _last_end(frame: pd.DataFrame, as_of: dt.date) -> dt.date | None:
    ends = frame["end_date"][frame["end_date"].dt.date <= as_of]
    return None if ends.empty else ends.max().date()


def _average_as_of(view: QuestionView, method: str, as_of: dt.date) -> dict[str, dict | None]:
    realtime = view.series(method, realtime=True)
    day = pd.Timestamp(as_of)
    choices: dict[str, dict[str, Any] | None] = {}
    for name, frame in view.frames().items():
        known = int((frame["end_date"].dt.date <= as_of).sum())
        payload = realtime.get(name)
        line = EMPTY_TREND if payload is None else trend_frame(payload)
        on_day = line[line["date"] == day]
        if not known or on_day.empty:
            choices[name] = None
            continue
        row = on_day.iloc[0]
        choices[name] = {"estimate": _clean(row["estimate"]), "lower": _clean(row["lower"]),
                         "upper": _clean(row["upper"]), "n_polls": known}
    if all(choice is None for choice in choices.values()):
        raise ValidationFailed(
            f"No poll of this question ended on or before {as_of.isoformat()}.",
            fields={"as_of": "is before the first poll's end date"},
        )
    return choices


def _with_date(average: dict[str, Any]) -> dict[str, Any]:
    return {**average, "as_of": dt.date.fromisoformat(average["as_of"])}


def latest_averages(view: QuestionView, method: str | None = None) -> dict[str, dict | None]:
    """Per choice, the current average with its interval and the date it refers to;
    ``None`` for a choice no poll reported and one left out of the current average
    (``current_exclusions`` says why)."""
    stored = view.series(method or DEFAULT_METHOD)
    left = exclusions(view.question, _stored_last_polls(stored))
    return {name: None if p is None or name in left else _with_date(p["average"])
            for name, p in stored.items()}


def question_trend(
    view: QuestionView,
    method: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    realtime: bool = False,
) -> dict[str, pd.DataFrame]:
    """Per choice, a daily frame ``date, estimate, lower, upper`` between ``start`` and
    ``end`` (default: the first and last poll), within the stored line (which runs from
    the first poll to the last: days outside it are not extrapolated). A withdrawn
    candidate's line ends on the day it withdrew."""
    check_window(start, end)
    trends = _question_trend(view, method, start, end, realtime)
    ends = {c.name: pd.Timestamp(c.withdrew_on) for c in view.question.choices
            if c.status == "withdrew" and c.withdrew_on is not None}
    return {name: trend[trend["date"] <= ends[name]].reset_index(drop=True) if name in ends else trend
            for name, trend in trends.items()}


def check_window(start: dt.date | None, end: dt.date | None) -> None:
    """BadRequest naming ``from`` (and ``to``) for a range that ends before it starts or is
    longer than ``MAX_TREND_DAYS``: the one check of every trend's and margin's window."""
    if start and end and start > end:
        problem = f"from ({start.isoformat()}) is after to ({end.isoformat()})"
        raise BadRequest(f"{problem}.", fields={"from": problem, "to": problem})
    if start and end and (end - start).days > MAX_TREND_DAYS:
        raise BadRequest(f"The date range is too long; at most {MAX_TREND_DAYS} days.",
                         fields={"from": f"must be at most {MAX_TREND_DAYS} days before to"})


def _question_trend(view: QuestionView, method: str, start: dt.date | None, end: dt.date | None,
                    realtime: bool) -> dict[str, pd.DataFrame]:
    trends = {name: EMPTY_TREND if p is None else trend_frame(p)
              for name, p in view.series(method, realtime).items()}
    known = [t for t in trends.values() if not t.empty]
    if not (start or end) or not known:
        return trends
    first = pd.Timestamp(start) if start else min(t["date"].min() for t in known)
    last = pd.Timestamp(end) if end else max(t["date"].max() for t in known)
    check_window(first.date(), last.date())
    return {name: t if t.empty else t[(t["date"] >= first) & (t["date"] <= last)].reset_index(drop=True)
            for name, t in trends.items()}


def trend_as_records(trend: pd.DataFrame) -> list[dict[str, Any]]:
    """The line's days; a race question's also carry ``outcome_lower`` / ``outcome_upper``
    (the election-day interval, null after the election)."""
    outcome = "outcome_lower" in trend.columns
    return [
        {
            "date": pd.Timestamp(row.date).date(),
            "estimate": _clean(row.estimate),
            "lower": _clean(row.lower),
            "upper": _clean(row.upper),
            **({"outcome_lower": _clean(row.outcome_lower),
                "outcome_upper": _clean(row.outcome_upper)} if outcome else {}),
        }
        for row in trend.itertuples(index=False)
    ]


def house_effects(view: QuestionView) -> dict[str, list[dict[str, Any]]]:
    """Per choice, each pollster's house effect (points, relative to the average
    pollster) with its 95% interval, from the stored kalman fit."""
    return {name: [] if p is None else p.get("house_effects", [])
            for name, p in view.series("kalman").items()}


def poll_weights(view: QuestionView, method: str) -> dict[str, dict[int, tuple[float, float]]]:
    """Per choice, each poll's (weight, house adjustment) in that choice's current average
    by ``method``: the weight is the poll's share of the average (a choice's weights add
    up to 1), the adjustment its pollster's house effect for that choice, in points. A
    poll that did not report the choice is absent from it."""
    return {name: {int(poll_id): (weight, adjustment)
                   for poll_id, (weight, adjustment) in payload["polls"].items()} if payload else {}
            for name, payload in view.series(method).items()}


def recent_change(view: QuestionView, method: str | None = None, days: int = 30) -> dict[str, dict | None]:
    """Per choice, how far the trend moved over the last ``days`` days of its line:
    ``{"change": points, "since": date}``; ``None`` when the line is shorter than that."""
    changes: dict[str, dict | None] = {}
    for name, trend in question_trend(view, method or DEFAULT_METHOD).items():
        known = trend.dropna(subset=["estimate"])
        earlier = known[known["date"] <= known["date"].max() - pd.Timedelta(days=days)]
        if earlier.empty:
            changes[name] = None
            continue
        last, before = known.iloc[-1], earlier.iloc[-1]
        changes[name] = {"change": round(float(last["estimate"] - before["estimate"]), 3),
                         "since": pd.Timestamp(before["date"]).date()}
    return changes


def stale_questions(everything: bool = False) -> list[int]:
    """The questions whose stored averages a recompute would rebuild: those missing or out
    of date (``everything``: every question with polls), most polled first."""
    if everything:
        return list(db.session.scalars(select(Question.id).where(Question.poll_count > 0)
                                       .order_by(Question.poll_count.desc(), Question.id)))
    return stale_question_ids(db.session)
