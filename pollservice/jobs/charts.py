"""Drawing a question's charts (in a worker): the stored series of one data version and
its polls handed to the renderer."""

from __future__ import annotations

import pandas as pd

from .. import render
from ..domain.methods import METHOD_LABELS
from ..readmodel import QuestionView
from ..services.averages import poll_weights, question_trend
from ..services.charts import SIZES, ChartVariant, choice_colours, source_line


def poll_dots(view: QuestionView, method: str) -> dict[str, pd.DataFrame]:
    """Per choice, every poll as a dot: ``date`` (field midpoint), ``pct`` and ``weight``
    (its share of the current ``method`` average), kept in the view's memo."""
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


def chart_series(view: QuestionView, variant: ChartVariant) -> list[render.ChoiceSeries]:
    """One series per answer choice: the trend, and poll dots at each poll's field
    midpoint sized by its weight in the current average."""
    trends = question_trend(view, variant.method, variant.start, variant.end, variant.realtime)
    colours = choice_colours(view)
    series = []
    for name, dots in poll_dots(view, variant.method).items():
        if variant.start is not None:
            dots = dots[dots["date"] >= pd.Timestamp(variant.start)]
        if variant.end is not None:
            dots = dots[dots["date"] <= pd.Timestamp(variant.end)]
        series.append(render.ChoiceSeries(name=name, trend=trends[name], polls=dots, color=colours.get(name)))
    return series


def draw_chart(view: QuestionView, variant: ChartVariant) -> bytes:
    """PNG or SVG bytes: poll dots (sized by their weight in the current average), the
    trend line and its 95% band, one colour per answer choice. ``size="thumb"`` gives a
    small text-free sparkline of the same trends."""
    series = chart_series(view, variant)
    width, height = SIZES[variant.size]
    if variant.size == "thumb":
        return render.render_thumbnail(series, fmt=variant.fmt, scale=variant.scale, width=width,
                                       height=height, title=view.question.title)
    label = (METHOD_LABELS[variant.method] + ("; real-time" if variant.realtime else "")
             + "; band = 95% interval")
    return render.render_trend_chart(view.question.title, series, fmt=variant.fmt, scale=variant.scale,
                                     width=width, height=height, method_label=label,
                                     source_line=source_line(view))


def alt_text(view: QuestionView, method: str) -> str:
    """The text alternative of the question's chart by ``method``: what it shows and its
    latest values."""
    description = render.chart_description(chart_series(view, ChartVariant(method=method)))
    return f"Trend chart of “{view.question.title}” ({METHOD_LABELS[method].lower()}). {description}"
