"""The figure's layout: blocks of text measured in inches around the plot, and the
sparkline's bare axes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from matplotlib import dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .inputs import NO_MARKS, _has_data, _Prepared, _PreparedMarks
from .labels import _add_end_labels, _end_label
from .plot import _draw_empty, _draw_marks, _draw_series, _draw_zero_line, _set_limits, _style_axes
from .style import _LABEL_GAP_IN, _PAD_IN, THEMES, VALUES, _Theme, _Values
from .text import _drawable, _fit_lines, _inches, _percent, _shorten

# Past this many choices, the leaders are drawn and the rest listed (see _leaders).
_MAX_DRAWN = 6


def _draw(title, prepared, method_label, source_line, width, height, dpi,
          values: _Values = VALUES["share"], theme: _Theme = THEMES["light"],
          marks: _PreparedMarks = NO_MARKS) -> Figure:
    """The full chart: title block on top, source line at the bottom, the plot between,
    its y tick labels on the left and end labels on the right (all measured in inches)."""
    figure = Figure(figsize=(width, height), dpi=dpi, facecolor=theme.background)
    # An Agg renderer measures text for the layout; the SVG canvas lays out the same
    # figure later, and text extents in inches do not depend on the canvas.
    renderer = FigureCanvasAgg(figure).get_renderer()
    has_data = _has_data(prepared)
    prepared, others = _leaders(_recoloured(prepared, theme))
    top = _draw_top_block(figure, title, method_label, prepared, has_data, renderer, theme)
    if others:
        top -= _text_block(figure, _drawable(_others_line(others)), top, "top", renderer,
                           fontsize=9, color=theme.muted) + 0.12
    bottom = _draw_bottom_block(figure, source_line, has_data, renderer, theme)

    labels = [(p, _drawable(_end_label(p, prepared, values))) for p in prepared if p.latest is not None]
    label_width, label_height = _measure_labels(figure, labels, renderer)
    left = _PAD_IN + (0.45 if has_data else 0.0)
    right = _PAD_IN + (label_width + _LABEL_GAP_IN + 0.04 if labels else 0.1)
    right = min(right, 0.45 * width)

    axes = figure.add_axes(
        (
            left / width,
            bottom / height,
            max(width - left - right, 0.5) / width,
            max(top - bottom, 0.3) / height,
        )
    )
    if not has_data:
        _draw_empty(axes, theme)
        return figure
    _draw_plot(axes, prepared, labels, label_height, width - left - right, max(top - bottom, 0.3),
               values, theme, marks)
    return figure


def _recoloured(prepared: Sequence[_Prepared], theme: _Theme) -> list[_Prepared]:
    """Each series in its colour as drawn on ``theme`` (the dark theme brightens some)."""
    return [replace(p, color=theme.colour(p.color)) for p in prepared]


def _leaders(prepared: Sequence[_Prepared]) -> tuple[list[_Prepared], list[_Prepared]]:
    """The series drawn and the series only listed: past ``_MAX_DRAWN`` choices, the
    ``_MAX_DRAWN - 1`` highest latest estimates are drawn (in their order in the question)
    and the rest are named with their values in one line, so that minor candidates neither
    crowd the end labels nor stretch the axis that the leaders' gap is read on."""
    if len(prepared) <= _MAX_DRAWN:
        return list(prepared), []
    ranked = sorted(prepared, key=lambda p: -p.latest.estimate if p.latest else np.inf)
    drawn = {id(p) for p in ranked[: _MAX_DRAWN - 1]}
    return [p for p in prepared if id(p) in drawn], [p for p in ranked if id(p) not in drawn]


def _others_line(others: Sequence[_Prepared]) -> str:
    named = [f"{_shorten(p.name)} {_percent(p.latest.estimate)}" if p.latest else _shorten(p.name)
             for p in others]
    return "Also polled: " + ", ".join(named)


def _draw_top_block(figure, title, method_label, prepared, has_data, renderer,
                    theme: _Theme = THEMES["light"]) -> float:
    """Title, method line and legend, stacked down from the top; returns the height (in
    inches from the bottom) left for the plot's top edge."""
    width, height = figure.get_figwidth(), figure.get_figheight()
    dpi = figure.dpi
    inner_width = width - 2 * _PAD_IN
    top = height - _PAD_IN
    top -= _text_block(figure, title, top, "top", renderer, max_lines=3, fontsize=13,
                       fontweight="bold", color=theme.ink) + 0.05
    if method_label:
        top -= _text_block(figure, method_label, top, "top", renderer, fontsize=9, color=theme.muted) + 0.06
    if has_data and prepared:
        legend = _add_legend(figure, prepared, top, inner_width, renderer, dpi, theme)
        top -= _inches(legend, renderer, dpi)[1] + 0.16
    else:
        top -= 0.06
    return top


def _text_block(figure, text: str, y_in: float, va: str, renderer, max_lines: int = 2,
                **style) -> float:
    """A left-aligned text of at most ``max_lines`` lines at ``y_in`` inches (its top or
    bottom edge, by ``va``), wrapped to the figure's inner width; returns its height in
    inches."""
    width, height = figure.get_figwidth(), figure.get_figheight()
    artist = figure.text(_PAD_IN / width, y_in / height, "", ha="left", va=va, **style)
    _fit_lines(artist, _drawable(text), width - 2 * _PAD_IN, renderer, figure.dpi,
               max_lines=max_lines)
    return _inches(artist, renderer, figure.dpi)[1]


def _add_legend(figure, prepared, top, inner_width, renderer, dpi, theme: _Theme = THEMES["light"]):
    handles: list[tuple[Patch, Line2D] | Line2D] = [
        (
            Patch(facecolor=p.color, alpha=0.2, linewidth=0),
            Line2D([], [], color=p.color, linewidth=2.2),
        )
        for p in prepared
    ]
    names = [_drawable(_shorten(p.name)) for p in prepared]
    weights = np.concatenate([p.poll_weight for p in prepared])
    if weights.size:
        handles.append(
            Line2D([], [], linestyle="none", marker="o", markersize=5, color=theme.faint, alpha=0.6)
        )
        finite = weights[np.isfinite(weights)]
        varied = finite.size and finite.max() > finite.min()
        names.append("Poll (larger = more weight)" if varied else "Poll")
    columns = len(handles)
    while True:
        # matplotlib fills a legend column by column; order the entries so they read
        # left to right, row by row, when they wrap.
        rows = -(-len(handles) // columns)
        order = [
            r * columns + c
            for c in range(columns)
            for r in range(rows)
            if r * columns + c < len(handles)
        ]
        legend = figure.legend(
            [handles[i] for i in order],
            [names[i] for i in order],
            loc="upper left",
            ncols=columns,
            bbox_to_anchor=(_PAD_IN / figure.get_figwidth(), top / figure.get_figheight()),
            frameon=False,
            borderaxespad=0.0,
            borderpad=0.0,
            fontsize=9,
            handlelength=1.8,
            handletextpad=0.5,
            columnspacing=1.4,
            labelcolor=theme.ink,
        )
        if columns == 1 or _inches(legend, renderer, dpi)[0] <= inner_width:
            return legend
        legend.remove()
        columns -= 1


def _draw_bottom_block(figure, source_line, has_data, renderer,
                       theme: _Theme = THEMES["light"]) -> float:
    """The source line at the bottom, then room for the date ticks and the concise-date
    offset; returns the height (inches) of the plot's bottom edge."""
    bottom = _PAD_IN
    if source_line:
        bottom += _text_block(figure, source_line, bottom, "bottom", renderer, fontsize=8,
                              color=theme.muted) + 0.08
    if has_data:
        bottom += 0.42
    return bottom


def _measure_labels(figure, labels, renderer) -> tuple[float, float]:
    """Width and height (inches) of the widest and the tallest end label."""
    label_width = 0.0
    label_height = 0.0
    for _, text in labels:
        probe = figure.text(0, 0, text, fontsize=9, fontweight="bold")
        w, h = _inches(probe, renderer, figure.dpi)
        probe.remove()
        label_width, label_height = max(label_width, w), max(label_height, h)
    return label_width, label_height


def _draw_plot(axes, prepared, labels, label_height, axes_width_in, axes_height_in,
               values: _Values = VALUES["share"], theme: _Theme = THEMES["light"],
               marks: _PreparedMarks = NO_MARKS) -> None:
    """Styled axes, every series, the limits (reaching Election Day and the results),
    the marks, then the end labels at least a label's height apart."""
    _style_axes(axes, axes_width_in, values, theme)
    if values.signed:
        _draw_zero_line(axes, theme)
    total_polls = sum(q.poll_x.size for q in prepared)
    for p in prepared:
        _draw_series(axes, p, total_polls=total_polls)
    marks = _reachable(prepared, marks)
    results = [p.result for p in prepared if np.isfinite(p.result)] if marks.election_x is not None else []
    y_low, y_high = _set_limits(axes, prepared, values,
                                extra_x=[] if marks.election_x is None else [marks.election_x],
                                extra_y=results)
    _draw_marks(axes, prepared, marks, theme)
    if labels:
        gap = label_height * 1.15 * (y_high - y_low) / axes_height_in
        _add_end_labels(axes, labels, gap, y_low, y_high)


# How far past the last poll or estimate the x axis may reach to show Election Day: 45 days,
# or a third of the chart's span (a chart of a race a year out does not shrink to a corner).
_ELECTION_REACH_DAYS = 45.0
_ELECTION_REACH_SHARE = 0.35


def _reachable(prepared: Sequence[_Prepared], marks: _PreparedMarks) -> _PreparedMarks:
    """``marks`` without Election Day when it lies too far after the data to draw."""
    if marks.election_x is None:
        return marks
    xs = np.concatenate([np.concatenate([p.poll_x, p.trend_x]) for p in prepared])
    if not xs.size:
        return replace(marks, election_x=None)
    low, high = float(xs.min()), float(xs.max())
    if marks.election_x - high > max(_ELECTION_REACH_DAYS, _ELECTION_REACH_SHARE * (high - low)):
        return replace(marks, election_x=None)
    return marks


def _draw_thumbnail(prepared, width, height, dpi, theme: _Theme = THEMES["light"]) -> Figure:
    """The sparkline: trend lines, bands and latest points on a transparent figure (the
    palette as drawn on ``theme``'s background)."""
    prepared = _recoloured(prepared, theme)
    figure = Figure(figsize=(width, height), dpi=dpi, facecolor="none")
    axes = figure.add_axes((0.02, 0.08, 0.96, 0.84))
    axes.set_axis_off()
    axes.patch.set_alpha(0.0)
    if _has_data(prepared):
        for p in prepared:
            _draw_series(axes, p, total_polls=0, with_polls=False, linewidth=1.6)
            if p.latest is not None:
                axes.plot([mdates.date2num(p.latest.date)], [p.latest.estimate], marker="o",
                          markersize=3.5, color=p.color, zorder=4, clip_on=False)
        _set_limits(axes, _thumbnail_range(prepared))
    return figure


def _thumbnail_range(prepared: Sequence[_Prepared]) -> Sequence[_Prepared]:
    """The series a thumbnail's vertical range follows: the lines and bands only (single
    polls far off the trend would squash the lines a small image has room for), unless
    only polls have data."""
    trends_only = [replace(p, poll_x=np.empty(0), poll_pct=np.empty(0)) for p in prepared]
    return trends_only if _has_data(trends_only) else prepared
