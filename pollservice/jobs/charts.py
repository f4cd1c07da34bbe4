"""Drawing a question's charts (in a worker): the stored series of one data version and
its polls handed to the renderer."""

from __future__ import annotations

import pandas as pd

from .. import render
from ..domain.methods import METHOD_LABELS
from ..readmodel import QuestionView
from ..services.averages import poll_weights, question_trend
from ..services.chart_events import question_events
from ..services.charts import SIZES, ChartVariant, choice_colours, source_line
from ..services.margins import average_margin, margin_trend
from ..services.races import election_results
from .margins import pair_frame


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


def chart_marks(view: QuestionView) -> render.ChartMarks:
    """Election Day of the question's race, and the events editors put on its charts."""
    race = view.question.race
    return render.ChartMarks(election_day=race.election_date if race is not None else None,
                             events=[(e.day, e.label) for e in question_events(view.question, view.session)])


def chart_series(view: QuestionView, variant: ChartVariant) -> list[render.ChoiceSeries]:
    """One series per answer choice: the trend, poll dots at each poll's field midpoint
    sized by its weight in the current average, and its result once the race has one."""
    trends = question_trend(view, variant.method, variant.start, variant.end, variant.realtime)
    colours = choice_colours(view)
    results = election_results(view)
    series = []
    for name, dots in poll_dots(view, variant.method).items():
        if variant.start is not None:
            dots = dots[dots["date"] >= pd.Timestamp(variant.start)]
        if variant.end is not None:
            dots = dots[dots["date"] <= pd.Timestamp(variant.end)]
        series.append(render.ChoiceSeries(name=name, trend=trends[name], polls=dots, color=colours.get(name),
                                          result=results.get(name)))
    return series


def margin_series(view: QuestionView, variant: ChartVariant) -> list[render.ChoiceSeries]:
    """The margin chart's one series: the pair's margin line and each poll's own margin
    (``pct_a - pct_b``) as a dot at its field midpoint; none for a question without a pair."""
    found = margin_trend(view, variant.method, variant.realtime, variant.start, variant.end)
    if found is None:
        return []
    pair, line = found
    polls = pair_frame(view.frames(), pair)
    dots = pd.DataFrame({"date": (polls["start_date"] + (polls["end_date"] - polls["start_date"]) / 2)
                         .dt.normalize(), "pct": polls["pct_a"] - polls["pct_b"]})
    if variant.start is not None:
        dots = dots[dots["date"] >= pd.Timestamp(variant.start)]
    if variant.end is not None:
        dots = dots[dots["date"] <= pd.Timestamp(variant.end)]
    name = f"net ({pair.a} \u2212 {pair.b})" if pair.net else f"{pair.a} \u2212 {pair.b}"
    results = election_results(view)
    result = results[pair.a] - results[pair.b] if pair.a in results and pair.b in results else None
    return [render.ChoiceSeries(name=name, trend=line, polls=dots, color=choice_colours(view).get(pair.a),
                                result=result)]


def draw_margin_chart(view: QuestionView, variant: ChartVariant) -> bytes:
    """The margin of the question's pair: its line, 95% band, a zero line and each poll's
    margin; PNG or SVG (a thumbnail is drawn as a small full chart)."""
    series = margin_series(view, variant)
    width, height = SIZES["small" if variant.size == "thumb" else variant.size]
    current = average_margin(view, variant.method)
    description = "No margin yet." if current is None else f"Margin chart: {current['text']}."
    label = (METHOD_LABELS[variant.method] + ("; real-time" if variant.realtime else "")
             + "; margin in points, band = its own 95% interval")
    return render.render_trend_chart(f"{view.question.title} (margin)", series, fmt=variant.fmt,
                                     scale=variant.scale, width=width, height=height,
                                     method_label=label, source_line=source_line(view),
                                     description=description, values="margin", theme=variant.theme,
                                     marks=chart_marks(view))


def draw_chart(view: QuestionView, variant: ChartVariant) -> bytes:
    """PNG or SVG bytes: poll dots (sized by their weight in the current average), the
    trend line and its 95% band, one colour per answer choice. ``size="thumb"`` gives a
    small text-free sparkline of the same trends. ``subject="margin"``: the margin chart
    (:func:`draw_margin_chart`)."""
    if variant.subject == "margin":
        return draw_margin_chart(view, variant)
    series = chart_series(view, variant)
    width, height = SIZES[variant.size]
    if variant.size == "thumb":
        return render.render_thumbnail(series, fmt=variant.fmt, scale=variant.scale, width=width,
                                       height=height, title=view.question.title, theme=variant.theme)
    label = (METHOD_LABELS[variant.method] + ("; real-time" if variant.realtime else "")
             + "; band = 95% interval")
    return render.render_trend_chart(view.question.title, series, fmt=variant.fmt, scale=variant.scale,
                                     width=width, height=height, method_label=label,
                                     source_line=source_line(view), theme=variant.theme,
                                     marks=chart_marks(view))


def alt_text(view: QuestionView, method: str) -> str:
    """The text alternative of the question's chart by ``method``: what it shows and its
    latest values."""
    description = render.chart_description(chart_series(view, ChartVariant(method=method)))
    return f"Trend chart of “{view.question.title}” ({METHOD_LABELS[method].lower()}). {description}"


def draw_state_map(drawing: dict) -> bytes:
    """A state map from what ``services.race_map`` hands the worker: the tiles frame's rows,
    legend, words, format, scale, width and theme."""
    return render.render_state_map(
        pd.DataFrame(drawing["tiles"], columns=list(render.TILE_COLUMNS)), title=drawing["title"],
        subtitle=drawing["subtitle"], legend=[tuple(entry) for entry in drawing["legend"]],
        source_line=drawing["source_line"], description=drawing["description"], fmt=drawing["fmt"],
        scale=drawing["scale"], width=drawing["width"], theme=drawing["theme"])


def draw_comparison(drawing: dict) -> bytes:
    """A comparison chart from what ``services.compare`` hands the worker."""
    lines = [(line["name"], pd.DataFrame(line["points"], columns=["x", "estimate", "lower", "upper"]))
             for line in drawing["lines"]]
    return render.render_comparison(lines, title=drawing["title"], x_kind=drawing["x_kind"],
                                    x_label=drawing["x_label"], source_line=drawing["source_line"],
                                    description=drawing["description"], fmt=drawing["fmt"],
                                    scale=drawing["scale"], theme=drawing["theme"])


def draw_stored(drawing: dict) -> bytes:
    """A drawing of several questions (``services.race_map``, ``services.compare``), by its kind."""
    return draw_comparison(drawing) if drawing.get("kind") == "compare" else draw_state_map(drawing)
