"""Marks on a trend chart (render, pure): Election Day as a dashed line the x axis reaches,
each choice's result as a diamond on it inside the labelled y range, events as dotted
lines whose labels never overlap (close ones share one label), and nothing drawn for
marks outside the chart's reach."""

from __future__ import annotations

import datetime as dt

import matplotlib.dates as mdates
from matplotlib.text import Text
from test_charts import make_series

from pollservice.render import ChartMarks, ChoiceSeries, render_trend_chart
from pollservice.render.inputs import _prepare_all, _prepare_marks
from pollservice.render.layout import _draw

END = dt.date(2017, 3, 31)  # make_series' last day


def drawn(series, marks):
    figure = _draw("Marks", _prepare_all(series), "", "", 8.0, 4.5, 100.0, marks=_prepare_marks(marks))
    figure.canvas.draw()
    return figure, figure.axes[0]


def with_results(results):
    return [ChoiceSeries(s.name, s.trend, s.polls, result=r)
            for s, r in zip(make_series(), results, strict=True)]


def test_election_day_is_a_dashed_line_the_axis_reaches_with_each_result_inside_the_range():
    election = END + dt.timedelta(days=20)
    figure, axes = drawn(with_results([20.0, 70.0]), ChartMarks(election_day=election))
    x_low, x_high = axes.get_xlim()
    assert x_high >= mdates.date2num(election)
    y_low, y_high = axes.get_ylim()
    assert y_low <= 20.0 and y_high >= 70.0  # the results are inside the labelled range
    texts = [t.get_text() for t in axes.texts]
    assert "Election Day \u25c6 result" in texts
    diamonds = [c for c in axes.collections if c.get_offsets().shape == (1, 2)
                and c.get_offsets()[0][0] == mdates.date2num(election)]
    assert sorted(float(c.get_offsets()[0][1]) for c in diamonds) == [20.0, 70.0]


def test_the_election_day_label_keeps_clear_of_the_result_diamonds():
    election = END + dt.timedelta(days=20)
    for results, where in (([20.0, 30.0], "top"), ([45.0, 70.0], "bottom"), ([20.0, 70.0], "center")):
        figure, axes = drawn(with_results(results), ChartMarks(election_day=election))
        label = next(t for t in axes.texts if t.get_text().startswith("Election Day"))
        box = label.get_window_extent(figure.canvas.get_renderer())
        assert label.get_verticalalignment() == where  # down from the top unless a diamond is there
        for result in results:
            y = axes.transData.transform((mdates.date2num(election), result))[1]
            assert not box.y0 - 4 <= y <= box.y1 + 4, (results, result)


def test_election_day_far_after_the_polls_is_left_out_rather_than_squeezing_them():
    far = END + dt.timedelta(days=400)
    figure, axes = drawn(make_series(), ChartMarks(election_day=far))
    assert axes.get_xlim()[1] < mdates.date2num(END + dt.timedelta(days=10))
    assert not any("Election Day" in t.get_text() for t in axes.texts)


def test_close_events_share_a_label_and_no_labels_overlap_and_outside_ones_are_not_drawn():
    events = [(END - dt.timedelta(days=60), "Speech"), (END - dt.timedelta(days=30), "Debate 1"),
              (END - dt.timedelta(days=29), "Debate 2"), (END - dt.timedelta(days=5), "Scandal"),
              (END + dt.timedelta(days=300), "Long after"), (END - dt.timedelta(days=900), "Long before")]
    figure, axes = drawn(make_series(), ChartMarks(events=events))
    labels = [t.get_text() for t in axes.texts if t.get_rotation() == 90]
    assert sorted(labels) == ["Debate 1 \u00b7 Debate 2", "Scandal", "Speech"]
    renderer = figure.canvas.get_renderer()  # no label overlaps another, nor an end label
    boxes = [Text.get_window_extent(t, renderer) for t in axes.texts]
    assert len(boxes) == 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), (a, b)
    dotted = [line for line in axes.get_lines() if line.get_linestyle() not in ("-", "None")]
    assert len(dotted) == 4  # the four events in range, each its own line


def test_marks_keep_their_text_as_text_in_the_svg():
    svg = render_trend_chart("Marks", with_results([30.0, 56.0]), fmt="svg",
                             marks=ChartMarks(election_day=END + dt.timedelta(days=3),
                                              events=[(END - dt.timedelta(days=40), "Debate <1>")]))
    text = svg.decode()
    assert "Election Day" in text and "Debate &lt;1&gt;" in text
