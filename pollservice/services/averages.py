"""Averages and trend lines: the store's polls turned into frames for ``pollservice.stats``,
and the statistics' frames turned back into plain values for the views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select

from .. import stats
from ..extensions import db
from ..models import Poll, Pollster, Question, Result
from . import stored_averages
from .errors import BadRequest, ValidationFailed

METHODS = stats.METHODS
DEFAULT_METHOD = stats.DEFAULT_METHOD
MAX_TREND_DAYS = 366 * 30
EMPTY_TREND = pd.DataFrame({"date": pd.to_datetime([]), "estimate": [], "lower": [], "upper": []})
POLL_COLUMNS = ["poll_id", "pollster", "start_date", "end_date", "sample_size", "population"]


def parse_method(value: str | None) -> str:
    method = (value or stats.DEFAULT_METHOD).strip().lower()
    if method not in stats.METHODS:
        raise BadRequest(
            f"Unknown method {value!r}; use one of {', '.join(stats.METHODS)}.",
            fields={"method": f"must be one of {', '.join(stats.METHODS)}"},
        )
    return method


def parse_query_date(value: str | None, name: str) -> dt.date | None:
    if value is None or value.strip() == "":
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(
            f"{name} must be a date in the form YYYY-MM-DD, not {value!r}.",
            fields={name: "must be a date in the form YYYY-MM-DD"},
        ) from None


def parse_flag(value: str | None, name: str) -> bool:
    if value is None or value.strip() == "":
        return False
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise BadRequest(f"{name} must be true or false, not {value!r}.", fields={name: "must be true or false"})


def poll_frames(question: Question) -> dict[str, pd.DataFrame]:
    """One frame per answer choice, in the column contract of ``pollservice.stats``
    (plus ``poll_id``), in choice order. A choice no poll reported gets an empty frame."""
    rows = db.session.execute(
        select(
            Poll.id,
            Pollster.name,
            Poll.start_date,
            Poll.end_date,
            Poll.sample_size,
            Poll.population,
            Result.choice_id,
            Result.pct,
        )
        .join(Pollster, Poll.pollster_id == Pollster.id)
        .join(Result, Result.poll_id == Poll.id)
        .where(Poll.question_id == question.id, Poll.deleted_at.is_(None))
    ).all()
    long = pd.DataFrame(rows, columns=[*POLL_COLUMNS, "choice_id", "pct"])
    long["start_date"] = pd.to_datetime(long["start_date"])
    long["end_date"] = pd.to_datetime(long["end_date"])
    long["sample_size"] = pd.to_numeric(long["sample_size"], errors="coerce").astype(float)
    long["pct"] = long["pct"].astype(float)
    frames = {}
    for choice in question.choices:
        frame = long[long["choice_id"] == choice.id].drop(columns="choice_id")
        frames[choice.name] = frame.sort_values(["end_date", "poll_id"]).reset_index(drop=True)
    return frames


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else round(number, 3)


def question_average(question: Question, method: str, as_of: dt.date | None) -> dict[str, Any]:
    """Per choice: ``estimate``, ``lower``, ``upper`` (95% interval), ``n_polls``; ``None``
    for a choice with no poll ended by ``as_of``. The current average (no ``as_of``, or
    one on or after the last poll) is read from the stored averages."""
    stored = stored_averages.payloads(question, method)
    last = max((dt.date.fromisoformat(p["average"]["as_of"]) for p in stored.values() if p),
               default=None)
    if as_of is None or (last is not None and as_of >= last):
        fields = ("estimate", "lower", "upper", "n_polls")
        choices = {name: None if p is None else {k: p["average"][k] for k in fields}
                   for name, p in stored.items()}
        effective = as_of or last
        return {"question": question.slug, "method": method,
                "as_of": effective.isoformat() if effective else None, "choices": choices}
    frames = poll_frames(question)
    choices: dict[str, dict[str, Any] | None] = {}
    dates = []
    for name, frame in frames.items():
        known = frame[frame["end_date"].dt.date <= as_of]
        if known.empty:
            choices[name] = None
            continue
        result = stats.average(known, method=method, as_of=as_of)
        dates.append(result["as_of"])
        choices[name] = {
            "estimate": _clean(result["estimate"]),
            "lower": _clean(result["lower"]),
            "upper": _clean(result["upper"]),
            "n_polls": int(result["n_polls"]),
        }
    if not dates:
        raise ValidationFailed(
            f"No poll of this question ended on or before {as_of.isoformat()}.",
            fields={"as_of": "is before the first poll's end date"},
        )
    return {"question": question.slug, "method": method, "as_of": as_of.isoformat(),
            "choices": choices}


def latest_averages(question: Question, method: str | None = None) -> dict[str, dict | None]:
    """Per choice, the current average with its interval and the date it refers to."""
    stored = stored_averages.payloads(question, method or stats.DEFAULT_METHOD)
    return {name: None if p is None else dict(p["average"]) for name, p in stored.items()}


def question_trend(
    question: Question,
    method: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    realtime: bool = False,
) -> dict[str, pd.DataFrame]:
    """Per choice, a daily frame ``date, estimate, lower, upper`` between ``start`` and
    ``end`` (default: the first and last poll)."""
    if start and end and start > end:
        raise BadRequest("from must be on or before to.", fields={"from": "is after to"})
    stored = stored_averages.payloads(question, method, realtime)
    trends = {name: EMPTY_TREND if p is None else stored_averages.trend_frame(p)
              for name, p in stored.items()}
    if not (start or end):
        return trends
    known = [t for t in trends.values() if not t.empty]
    if not known:
        return trends
    first = pd.Timestamp(start) if start else min(t["date"].min() for t in known)
    last = pd.Timestamp(end) if end else max(t["date"].max() for t in known)
    if (last - first).days > MAX_TREND_DAYS:
        raise BadRequest(
            f"The date range is too long; at most {MAX_TREND_DAYS} days.",
            fields={"from": f"must be at most {MAX_TREND_DAYS} days before to"},
        )
    if all(t["date"].min() <= first and last <= t["date"].max() for t in known):
        return {name: t if t.empty else t[(t["date"] >= first) & (t["date"] <= last)].reset_index(drop=True)
                for name, t in trends.items()}
    # A range beyond the stored line: compute it for exactly those days.
    dates = pd.date_range(first, last, freq="D")
    frames = poll_frames(question)
    return {
        name: EMPTY_TREND if frame.empty or len(dates) == 0
        else stats.trend(frame, method=method, dates=dates, realtime=realtime)
        for name, frame in frames.items()
    }


def trend_as_records(trend: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "date": pd.Timestamp(row.date).date().isoformat(),
            "estimate": _clean(row.estimate),
            "lower": _clean(row.lower),
            "upper": _clean(row.upper),
        }
        for row in trend.itertuples(index=False)
    ]


def house_effects(question: Question) -> dict[str, list[dict[str, Any]]]:
    """Per choice, each pollster's house effect (points, relative to the average
    pollster) with its 95% interval, from the stored kalman fit."""
    stored = stored_averages.payloads(question, "kalman")
    return {name: [] if p is None else p.get("house_effects", []) for name, p in stored.items()}


def poll_weights(question: Question, method: str) -> dict[str, dict[int, tuple[float, float]]]:
    """Per choice, each poll's (weight, house adjustment) in that choice's current average
    by ``method``: the weight is the poll's share of the average (a choice's weights add
    up to 1), the adjustment its pollster's house effect for that choice, in points. A
    poll that did not report the choice is absent from it."""
    return {name: {int(poll_id): (weight, adjustment)
                   for poll_id, (weight, adjustment) in payload["polls"].items()} if payload else {}
            for name, payload in stored_averages.payloads(question, method).items()}



def recent_change(question: Question, method: str | None = None, days: int = 30) -> dict[str, dict | None]:
    """Per choice, how far the trend moved over the last ``days`` days of its line:
    ``{"change": points, "since": date}``; ``None`` when the line is shorter than that."""
    changes: dict[str, dict | None] = {}
    for name, trend in question_trend(question, method or stats.DEFAULT_METHOD).items():
        known = trend.dropna(subset=["estimate"])
        if known.empty:
            changes[name] = None
            continue
        last = known.iloc[-1]
        earlier = known[known["date"] <= last["date"] - pd.Timedelta(days=days)]
        if earlier.empty:
            changes[name] = None
            continue
        before = earlier.iloc[-1]
        changes[name] = {"change": round(float(last["estimate"] - before["estimate"]), 3),
                         "since": pd.Timestamp(before["date"]).date()}
    return changes
