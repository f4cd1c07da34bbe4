"""A question's trend chart: the statistics' frames handed to the renderer, and the
date ranges and words that go with it on the pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from .. import render
from ..domain.vocabulary import party_colours
from ..models import Poll
from ..readmodel import QuestionView
from .averages import poll_weights, question_trend

# Credit owed per poll source (the ``source`` column of the polls shown).
ATTRIBUTION = {
    "fivethirtyeight": "Data: FiveThirtyEight (ABC News), CC BY 4.0, https://github.com/fivethirtyeight/data",
    "seed": "Polls as published in news reports (linked from each poll)",
}
METHOD_LABELS = {
    "kalman": "Trend: state-space (Kalman) smoother with house effects",
    "weighted": "Trend: weighted average (sample size, recency, population)",
    "latest": "Trend: mean of each pollster's latest poll in 30 days",
    "lowess": "Trend: LOWESS smoother",
}
FORMATS = ("png", "svg")
# Chart sizes in inches (width, height): "full" for pages, "small" for phone screens (the
# same text on a narrower plot), "thumb" a text-free sparkline for lists.
SIZES = {"full": (8.0, 4.5), "small": (4.2, 3.8), "thumb": (2.4, 0.8)}
# Date range presets of the question page, counted back from the question's last poll
# (a series that ended years ago still shows its last month, not an empty chart).
RANGES = {"30d": ("Last 30 days", 30), "6m": ("Last 6 months", 183), "all": ("All polls", None)}


def range_dates(view: QuestionView, preset: str) -> tuple[dt.date | None, dt.date | None]:
    """``(from, to)`` for a range preset: ``(None, None)`` for all polls, else the last
    N days up to the question's last poll. A range reaching back before the first poll
    ended is all polls: before the polls there is nothing to draw (and a line there would
    be an extrapolation, not data)."""
    days = RANGES[preset][1]
    if days is None:
        return None, None
    first, last = view.session.execute(
        select(func.min(Poll.end_date), func.max(Poll.end_date))
        .where(Poll.question_id == view.state.id, Poll.deleted_at.is_(None))
    ).one()
    if last is None or last - dt.timedelta(days=days) <= first:
        return None, None
    return last - dt.timedelta(days=days), last


def poll_dots(view: QuestionView, method: str) -> dict[str, pd.DataFrame]:
    """Per choice, every poll as a dot: ``date`` (field midpoint), ``pct`` and ``weight``
    (its share of the current ``method`` average). Kept in the worker's memo for the
    question's data version: reading and framing thousands of polls is about half the
    time of an uncached chart, and it only changes when the data version does."""
    def build() -> dict[str, pd.DataFrame]:
        weights_by_choice = poll_weights(view, method)
        dots = {}
        for name, frame in view.frames().items():
            midpoints = frame["start_date"] + (frame["end_date"] - frame["start_date"]) / 2
            in_average = weights_by_choice.get(name, {})
            weights = [in_average.get(int(i), (0.0, 0.0))[0] for i in frame["poll_id"]]
            dots[name] = pd.DataFrame({"date": midpoints.dt.normalize(), "pct": frame["pct"],
                                       "weight": pd.Series(weights, index=frame.index, dtype=float)})
        return dots

    return view.memo("poll_dots", build, method)


def chart_series(
    view: QuestionView,
    method: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    realtime: bool = False,
) -> list[render.ChoiceSeries]:
    """One series per answer choice: the trend, and poll dots at each poll's field
    midpoint sized by its weight in the current average."""
    trends = question_trend(view, method, start, end, realtime)
    colours = choice_colours(view)
    series = []
    for name, dots in poll_dots(view, method).items():
        if start is not None:
            dots = dots[dots["date"] >= pd.Timestamp(start)]
        if end is not None:
            dots = dots[dots["date"] <= pd.Timestamp(end)]
        series.append(render.ChoiceSeries(name=name, trend=trends[name], polls=dots, color=colours.get(name)))
    return series


def choice_colours(view: QuestionView) -> dict[str, str]:
    """Per choice with a party, its party's colour (``vocabulary.party_colours``: the
    first choice of each party; the others keep their position colours)."""
    return party_colours((choice.name, choice.party) for choice in view.question.choices)


def render_question_chart(
    view: QuestionView,
    fmt: str,
    method: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    realtime: bool = False,
    scale: float = 1.0,
    size: str = "full",
) -> bytes:
    """PNG or SVG bytes: poll dots (sized by their weight in the current average), the
    trend line and its 95% band, one colour per answer choice. ``size="thumb"`` gives a
    small text-free sparkline of the same trends."""
    series = chart_series(view, method, start, end, realtime)
    width, height = SIZES[size]
    if size == "thumb":
        return render.render_thumbnail(series, fmt=fmt, scale=scale, width=width, height=height,
                                      title=view.question.title)
    label = METHOD_LABELS[method] + ("; real-time" if realtime else "") + "; band = 95% interval"
    return render.render_trend_chart(
        view.question.title,
        series,
        fmt=fmt,
        scale=scale,
        width=width,
        height=height,
        method_label=label,
        source_line=source_line(view),
    )


def chart_alt_text(
    view: QuestionView,
    method: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> str:
    """The text alternative of the question's chart: what it shows and its latest values.
    Kept in the worker's memo for the data version (it prepares every series of the chart)."""
    def build() -> str:
        description = render.chart_description(chart_series(view, method, start, end))
        return f"Trend chart of “{view.question.title}” ({METHOD_LABELS[method].lower()}). {description}"

    return view.memo("chart_alt_text", build, method, start, end)


def source_line(view: QuestionView) -> str:
    """``pollservice`` plus the credit each source of the question's polls asks for."""
    def build() -> set[str]:
        return set(view.session.execute(
            select(Poll.source).where(Poll.question_id == view.state.id, Poll.deleted_at.is_(None))
            .distinct()).scalars())

    sources = view.memo("poll_sources", build)
    parts = ["pollservice"]
    for text in dict.fromkeys(ATTRIBUTION[s] for s in sorted(sources) if s in ATTRIBUTION):
        parts.append(text)
    return " | ".join(parts)
