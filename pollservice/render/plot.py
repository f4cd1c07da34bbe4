"""Inside the axes: their style, each choice's poll dots, trend line and band, the
limits, and the marks (Election Day, results, events)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib import dates as mdates
from matplotlib import ticker as mticker

from .inputs import _Prepared, _PreparedMarks
from .style import NO_DATA_TEXT, THEMES, VALUES, _Theme, _Values
from .text import _drawable

_MIN_X_SPAN_DAYS = 7.0
_MARK_FONT_PT = 7.5
_MARK_LABEL_IN = 1.6 * _MARK_FONT_PT / 72  # the room a vertical label takes across the plot
_MARK_CHAR_IN = 0.62 * _MARK_FONT_PT / 72  # the length of one of its characters, about
_MIN_Y_SPAN = 10.0  # percentage points
_VECTOR_DOTS_MAX = 300
# Past this many dots in one series, dot sizes come in _SIZE_CLASSES steps (see _draw_series).
_EXACT_SIZES_MAX = 1000
_SIZE_CLASSES = 8


def _style_axes(axes, axes_width_in: float, values: _Values = VALUES["share"],
                theme: _Theme = THEMES["light"]) -> None:
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.set_facecolor(theme.background)
    axes.spines["bottom"].set_color(theme.axis)
    axes.grid(axis="y", color=theme.grid, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0, labelcolor=theme.muted, labelsize=9, pad=4)
    axes.tick_params(axis="x", color=theme.axis, labelcolor=theme.muted, labelsize=9)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=max(4, int(axes_width_in * 1.1)))
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(DateLabels())
    axes.yaxis.set_major_formatter(mticker.FuncFormatter(values.tick))


class DateLabels(mticker.Formatter):
    """Date tick labels that say which month and year each day number belongs to.

    The first label and every label that starts a new month name the month ("Oct 13",
    then "17", "21", ..., then "Nov 2"); the first and every new year add the year on a
    second line. Ticks on the first of each month are labelled by month ("Oct"), ticks on
    the first of January of every year by year. Nothing goes to an offset text, which a
    reader misses (matplotlib's concise formatter labelled October's days "13 17 21 25 29"
    and then "Nov", with "2020-Oct" off at the corner).
    """

    def __call__(self, x, pos=None) -> str:
        return self.format_ticks([x])[0]

    def format_ticks(self, values) -> list[str]:
        days = [mdates.num2date(value) for value in values]
        yearly = all(day.month == 1 and day.day == 1 for day in days) and len(days) > 1
        monthly = all(day.day == 1 for day in days) and len(days) > 1
        labels = []
        for index, day in enumerate(days):
            before = days[index - 1] if index else None
            new_year = before is None or before.year != day.year
            if yearly:
                labels.append(f"{day.year}")
            elif monthly:
                labels.append(f"{day:%b}\n{day.year}" if new_year else f"{day:%b}")
            elif new_year:
                labels.append(f"{day:%b} {day.day}\n{day.year}")
            elif before is not None and before.month != day.month:
                labels.append(f"{day:%b} {day.day}")
            else:
                labels.append(f"{day.day}")
        return labels


def _draw_empty(axes, theme: _Theme = THEMES["light"]) -> None:
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        NO_DATA_TEXT,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=16,
        color=theme.faint,
    )


def _marker_areas(weights: np.ndarray, total_polls: int) -> tuple[np.ndarray, float]:
    """Dot areas (points^2) growing linearly with weight, so diameter ~ sqrt(weight).

    Dots shrink and fade as polls pile up, so thousands stay a cloud, not a blot.
    """
    crowd = max(total_polls, 1)
    largest = float(np.clip(70.0 * math.sqrt(150.0 / crowd), 14.0, 70.0))
    smallest = largest / 6.0
    alpha = float(np.clip(0.6 * (150.0 / crowd) ** 0.35, 0.15, 0.6))
    finite = np.where(np.isfinite(weights), weights, 0.0)
    top = finite.max() if finite.size else 0.0
    if top <= 0 or np.all(finite == top):
        return np.full(weights.shape, (smallest + largest) / 2.5), alpha
    return smallest + (largest - smallest) * (finite / top), alpha


def _draw_series(
    axes, p: _Prepared, total_polls: int, with_polls: bool = True, linewidth: float = 2.2
) -> None:
    if with_polls and p.poll_x.size:
        areas, alpha = _marker_areas(p.poll_weight, total_polls)
        # Dots of varied size are one SVG path each: past a few hundred polls an SVG
        # gets the dots as one embedded bitmap instead (PNG output is unaffected).
        rasterized = total_polls > _VECTOR_DOTS_MAX
        if p.poll_x.size <= _EXACT_SIZES_MAX:
            axes.scatter(p.poll_x, p.poll_pct, s=areas, color=p.color, alpha=alpha,
                         linewidths=0, zorder=1, rasterized=rasterized)
        else:
            # Thousands of dots: a few size classes, each stamped as one marker (Agg's
            # draw_markers), about ten times faster than a scatter of individual sizes
            # and, at these small faded sizes, not visibly different.
            edges = np.linspace(areas.min(), areas.max(), _SIZE_CLASSES + 1)[1:-1]
            classes = np.digitize(areas, edges)
            for size_class in np.unique(classes):
                chosen = classes == size_class
                axes.plot(p.poll_x[chosen], p.poll_pct[chosen], linestyle="none", marker="o",
                          markersize=math.sqrt(float(areas[chosen].mean())), markeredgewidth=0,
                          color=p.color, alpha=alpha, zorder=1, rasterized=rasterized)
    if not p.trend_x.size:
        return
    band = np.isfinite(p.lower) & np.isfinite(p.upper)
    if band.any():
        axes.fill_between(
            p.trend_x,
            p.lower,
            p.upper,
            where=band,
            color=p.color,
            alpha=0.18,
            linewidth=0,
            zorder=2,
        )
    axes.plot(
        p.trend_x, p.estimate, color=p.color, linewidth=linewidth, zorder=3, solid_capstyle="round"
    )
    # A trend point with no finite neighbour draws no line segment: show it as a dot
    # with its interval as an error bar, so one poll still gives a visible trend.
    finite = np.isfinite(p.estimate)
    before = np.concatenate(([False], finite[:-1]))
    after = np.concatenate((finite[1:], [False]))
    alone = finite & ~before & ~after
    if alone.any():
        est = p.estimate[alone]
        below = np.nan_to_num(np.clip(est - p.lower[alone], 0, None))
        above = np.nan_to_num(np.clip(p.upper[alone] - est, 0, None))
        axes.errorbar(
            p.trend_x[alone],
            est,
            yerr=np.vstack([below, above]),
            fmt="o",
            color=p.color,
            markersize=5,
            elinewidth=1.5,
            capsize=3,
            zorder=3,
        )


def _set_limits(axes, prepared, values: _Values = VALUES["share"], extra_x: Sequence[float] = (),
                extra_y: Sequence[float] = ()) -> tuple[float, float]:
    """The axes' limits around every dot, line and band (and ``extra_x`` / ``extra_y``:
    Election Day and the results), the y range widened to labelled ticks."""
    xs = np.concatenate([*(np.concatenate([p.poll_x, p.trend_x]) for p in prepared),
                         np.asarray(extra_x, float)])
    x_low, x_high = float(xs.min()), float(xs.max())
    # A short history still spans a week, ending at the latest date: the newest value
    # sits at the right edge, next to its label, as on a long chart.
    x_low = min(x_low, x_high - _MIN_X_SPAN_DAYS)
    x_pad = 0.02 * (x_high - x_low)
    axes.set_xlim(x_low - x_pad, x_high + x_pad)

    ys = np.concatenate(
        [*(np.concatenate([p.poll_pct, p.estimate, p.lower, p.upper]) for p in prepared),
         np.asarray(extra_y, float)]
    )
    ys = ys[np.isfinite(ys)]
    if values.signed:  # a margin chart always shows its zero line
        ys = np.append(ys, 0.0)
    y_low, y_high = float(ys.min()), float(ys.max())
    pad = max(2.0, 0.08 * (y_high - y_low))
    y_low, y_high = y_low - pad, y_high + pad
    if y_high - y_low < _MIN_Y_SPAN:
        middle = (y_low + y_high) / 2
        y_low, y_high = middle - _MIN_Y_SPAN / 2, middle + _MIN_Y_SPAN / 2
    # Clip to the scale (0-100, or -100 to 100); a window cut by the clip grows on its
    # other side only up to the minimum span (a band reaching below 0 must not stretch the
    # chart upward).
    low, high = values.low, values.high
    if y_low < low:
        y_low, y_high = low, min(high, max(y_high, low + _MIN_Y_SPAN))
    if y_high > high:
        y_low, y_high = max(low, min(y_low, high - _MIN_Y_SPAN)), high
    y_low, y_high, step = _labelled_range(y_low, y_high, values)
    axes.yaxis.set_major_locator(mticker.MultipleLocator(step))
    axes.set_ylim(y_low, y_high)
    return y_low, y_high


def _labelled_range(y_low: float, y_high: float,
                    values: _Values = VALUES["share"]) -> tuple[float, float, float]:
    """The range widened to whole ticks 5 points apart (10 past a 40-point span), so
    that every dot, line and band lies between two labelled ticks."""
    step = 5.0 if y_high - y_low <= 40 else 10.0
    low = max(values.low, math.floor(y_low / step) * step)
    high = min(values.high, math.ceil(y_high / step) * step)
    return low, high, step


def _draw_zero_line(axes, theme: _Theme = THEMES["light"]) -> None:
    """The margin chart's zero line: above it the first choice leads, below it the second."""
    axes.axhline(0.0, color=theme.zero, linewidth=1.0, zorder=1.5)


def _draw_marks(axes, prepared: Sequence[_Prepared], marks: _PreparedMarks,
                theme: _Theme = THEMES["light"]) -> None:
    """Election Day as a dashed line with each series' result as a diamond on it, and
    each event inside the x range as a dotted line; their labels run up the line's left
    side from the top of the plot, so that neighbouring labels do not overlap."""
    on_top = axes.get_xaxis_transform()  # x in days, y from 0 (bottom) to 1 (top)
    x_low, x_high = axes.get_xlim()
    label = {"rotation": 90, "ha": "right", "va": "top", "fontsize": _MARK_FONT_PT, "color": theme.muted,
             "transform": on_top, "clip_on": True, "zorder": 2}
    inside = sorted((x, text) for x, text in marks.events if x_low <= x <= x_high)
    for x, _ in inside:
        axes.axvline(x, color=theme.muted, linestyle=(0, (1, 2)), linewidth=1.0, zorder=1.6)
    # One label per group of events closer than a label's height: "First debate · Debate 2"
    days_per_inch = (x_high - x_low) / max(axes.get_position().width * axes.figure.get_figwidth(), 0.1)
    for x, text in _label_groups(inside, _MARK_LABEL_IN * days_per_inch):
        axes.text(x - 0.004 * (x_high - x_low), 0.985, _drawable(text), **label)
    if marks.election_x is None:
        return
    x = marks.election_x
    axes.axvline(x, color=theme.ink, linestyle=(0, (5, 3)), linewidth=1.0, zorder=1.7)
    results = [p for p in prepared if np.isfinite(p.result)]
    text = "Election Day" + (" \u25c6 result" if results else "")
    y_low, y_high = axes.get_ylim()
    height_in = max(axes.get_position().height * axes.figure.get_figheight(), 0.1)
    y, va = _clear_of(sorted((p.result - y_low) / (y_high - y_low) for p in results),
                      _MARK_CHAR_IN * len(text) / height_in + 0.06)
    axes.text(x - 0.004 * (x_high - x_low), y, text, **{**label, "color": theme.ink, "va": va})
    for p in results:
        axes.scatter([x], [p.result], marker="D", s=38, color=p.color, edgecolors=theme.background,
                     linewidths=1.0, zorder=5)


def _clear_of(diamonds: list[float], needed: float) -> tuple[float, str]:
    """Where a vertical label of length ``needed`` (axes fraction, with room) goes on a line
    with diamonds at ``diamonds`` (sorted fractions): down from the top if it fits there, up
    from the bottom if it fits there, else centred in the widest gap between them."""
    if not diamonds or 1.0 - diamonds[-1] >= needed:
        return 0.985, "top"
    if diamonds[0] >= needed:
        return 0.015, "bottom"
    edges = [0.0, *diamonds, 1.0]
    low, high = max(zip(edges[:-1], edges[1:], strict=True), key=lambda gap: gap[1] - gap[0])
    return (low + high) / 2, "center"


def _label_groups(events: Sequence[tuple[float, str]], min_gap: float) -> list[tuple[float, str]]:
    """Events (sorted by x) as labels at least ``min_gap`` apart: an event closer than
    that to the previous one joins its label (placed at the group's last event)."""
    groups: list[tuple[float, list[str]]] = []
    for x, text in events:
        if groups and x - groups[-1][0] < min_gap:
            groups[-1] = (x, [*groups[-1][1], text])
        else:
            groups.append((x, [text]))
    return [(x, " \u00b7 ".join(texts)) for x, texts in groups]
