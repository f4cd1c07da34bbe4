"""Averages and trend lines of a question, read from its stored series through the
request's ``QuestionView`` and turned into plain values for the views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from .. import stats
from ..domain.errors import BadRequest, ValidationFailed
from ..readmodel import QuestionView
from ..readmodel.series import trend_frame

MAX_TREND_DAYS = 366 * 30
EMPTY_TREND = pd.DataFrame({"date": pd.to_datetime([]), "estimate": [], "lower": [], "upper": []})
AVERAGE_FIELDS = ("estimate", "lower", "upper", "n_polls")


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else round(number, 3)


def question_average(view: QuestionView, method: str, as_of: dt.date | None) -> dict[str, Any]:
    """Per choice: ``estimate``, ``lower``, ``upper`` (95% interval), ``n_polls``; ``None``
    for a choice with no poll ended by ``as_of``. The current average (no ``as_of``, or
    one on or after the last poll) is read from the stored series."""
    stored = view.series(method)
    last = max((dt.date.fromisoformat(p["average"]["as_of"]) for p in stored.values() if p),
               default=None)
    if as_of is None or (last is not None and as_of >= last):
        choices = {name: None if p is None else {k: p["average"][k] for k in AVERAGE_FIELDS}
                   for name, p in stored.items()}
        return {"question": view.slug, "method": method, "as_of": as_of or last, "choices": choices}
    return {"question": view.slug, "method": method, "as_of": as_of,
            "choices": _average_as_of(view, method, as_of)}


def _average_as_of(view: QuestionView, method: str, as_of: dt.date) -> dict[str, dict | None]:
    choices: dict[str, dict[str, Any] | None] = {}
    for name, frame in view.frames().items():
        known = frame[frame["end_date"].dt.date <= as_of]
        if known.empty:
            choices[name] = None
            continue
        result = stats.average(known, method=method, as_of=as_of)
        choices[name] = {"estimate": _clean(result["estimate"]), "lower": _clean(result["lower"]),
                         "upper": _clean(result["upper"]), "n_polls": int(result["n_polls"])}
    if all(choice is None for choice in choices.values()):
        raise ValidationFailed(
            f"No poll of this question ended on or before {as_of.isoformat()}.",
            fields={"as_of": "is before the first poll's end date"},
        )
    return choices


def _with_date(average: dict[str, Any]) -> dict[str, Any]:
    return {**average, "as_of": dt.date.fromisoformat(average["as_of"])}


def latest_averages(view: QuestionView, method: str | None = None) -> dict[str, dict | None]:
    """Per choice, the current average with its interval and the date it refers to."""
    stored = view.series(method or stats.DEFAULT_METHOD)
    return {name: None if p is None else _with_date(p["average"]) for name, p in stored.items()}


def question_trend(
    view: QuestionView,
    method: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    realtime: bool = False,
) -> dict[str, pd.DataFrame]:
    """Per choice, a daily frame ``date, estimate, lower, upper`` between ``start`` and
    ``end`` (default: the first and last poll)."""
    if start and end and start > end:
        raise BadRequest("from must be on or before to.", fields={"from": "is after to"})
    trends = {name: EMPTY_TREND if p is None else trend_frame(p)
              for name, p in view.series(method, realtime).items()}
    known = [t for t in trends.values() if not t.empty]
    if not (start or end) or not known:
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
    return {
        name: EMPTY_TREND if frame.empty or len(dates) == 0
        else stats.trend(frame, method=method, dates=dates, realtime=realtime)
        for name, frame in view.frames().items()
    }


def trend_as_records(trend: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {
            "date": pd.Timestamp(row.date).date(),
            "estimate": _clean(row.estimate),
            "lower": _clean(row.lower),
            "upper": _clean(row.upper),
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
    for name, trend in question_trend(view, method or stats.DEFAULT_METHOD).items():
        known = trend.dropna(subset=["estimate"])
        earlier = known[known["date"] <= known["date"].max() - pd.Timedelta(days=days)]
        if earlier.empty:
            changes[name] = None
            continue
        last, before = known.iloc[-1], earlier.iloc[-1]
        changes[name] = {"change": round(float(last["estimate"] - before["estimate"]), 3),
                         "since": pd.Timestamp(before["date"]).date()}
    return changes
