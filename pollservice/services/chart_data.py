"""What the interactive chart of a question page draws, as plain values: per choice its
daily line (date, estimate, 95% interval) and its result once the race has one, the
default pair's margin line when there is one, the polls (id, pollster, field dates, result
per choice), Election Day and the events marked on the question's charts.

From the stored series and the question's poll frames (memoised per version), like the
chart a worker draws; nothing here fits a model. ``static/chart.js`` reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.errors import NotFound
from ..readmodel import QuestionView
from .averages import poll_weights, question_trend, trend_as_records
from .chart_events import question_events
from .charts import choice_colours
from .margins import question_margin
from .races import election_results


def _days(records: list[dict[str, Any]]) -> list[list[Any]]:
    """``[date, estimate, lower, upper]`` per day of ``trend_as_records`` (the API's values)."""
    return [[day["date"].isoformat(), day["estimate"], day["lower"], day["upper"]] for day in records]


def _polls(view: QuestionView, method: str, start: dt.date | None,
           end: dt.date | None) -> list[dict[str, Any]]:
    """The polls the chart shows as dots (those averaged, ended within the range), oldest
    first, with each choice's result and its weight in the current ``method`` average (the
    dot's area grows with it, as on the image)."""
    polls: dict[int, dict[str, Any]] = {}
    weights = poll_weights(view, method)
    for name, frame in view.frames().items():
        in_average = weights.get(name, {})
        for row in frame.itertuples(index=False):
            ended = row.end_date.date()
            if (start and ended < start) or (end and ended > end):
                continue
            poll = polls.setdefault(
                int(row.poll_id),
                {
                    "id": int(row.poll_id),
                    "pollster": row.pollster,
                    "start": row.start_date.date().isoformat(),
                    "end": ended.isoformat(),
                    # where the dot goes: the field midpoint, as on the static chart
                    "mid": (row.start_date + (row.end_date - row.start_date) / 2).date().isoformat(),
                    "results": {},
                    "weights": {},
                },
            )
            poll["results"][name] = round(float(row.pct), 2)
            poll["weights"][name] = round(in_average.get(int(row.poll_id), (0.0, 0.0))[0], 5)
    return sorted(polls.values(), key=lambda p: (p["end"], p["id"]))


def _margin(
    view: QuestionView, method: str, start: dt.date | None, end: dt.date | None
) -> dict[str, Any] | None:
    try:
        margin = question_margin(view, method, start=start, end=end)
    except NotFound:  # no pair of choices to compare (a question with one choice, or no polls)
        return None
    average = margin["average"]
    return {"a": average["a"], "b": average["b"], "net": average["net"], "line": _days(margin["trend"])}


def chart_data(
    view: QuestionView, method: str, start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """The interactive chart's data for ``method`` between ``start`` and ``end``
    (default: all of the stored line)."""
    trends = question_trend(view, method, start, end)
    colours = choice_colours(view)
    results = election_results(view)
    choices = [
        {
            "name": choice.name,
            "index": index,
            "party": choice.party if choice.name in colours else None,
            "line": _days(trend_as_records(trends[choice.name])) if choice.name in trends else [],
            "result": results.get(choice.name),
        }
        for index, choice in enumerate(view.question.choices)
    ]
    race = view.question.race
    return {
        "question": view.slug,
        "title": view.question.title,
        "method": method,
        "choices": choices,
        "margin": _margin(view, method, start, end),
        "polls": _polls(view, method, start, end),
        # marks across the chart, as on the image (render.ChartMarks)
        "election_day": race.election_date.isoformat() if race is not None and race.election_date else None,
        "events": [{"date": e.day.isoformat(), "label": e.label} for e in question_events(view.question)],
    }
