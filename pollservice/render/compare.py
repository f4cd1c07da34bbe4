"""`render_comparison`: several questions' lines on one chart (each its margin with its band),
by date or by days since each line's start (two presidents' approval by days in office).

Pure like the rest of the renderer: each line is a frame of ``x`` (dates, or days as
numbers), ``estimate``, ``lower`` and ``upper``; the colours are the palette's, in order.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import ticker as mticker
from matplotlib.figure import Figure

from .charts import _RENDER_LOCK, _check_theme
from .encode import _add_svg_accessibility, _encode
from .inputs import _check_format, _check_range, _clean
from .plot import _style_axes
from .style import _RC, PALETTE, VALUES, _Theme

#: ``x_kind`` of `render_comparison`.
X_KINDS = ("date", "days")
LINE_COLUMNS = ("x", "estimate", "lower", "upper")


def _check_lines(lines: Sequence[tuple[str, pd.DataFrame]]) -> None:
    if not 1 <= len(lines) <= len(PALETTE):
        raise ValueError(f"compare 1 to {len(PALETTE)} lines, not {len(lines)}")
    for name, frame in lines:
        missing = [column for column in LINE_COLUMNS if column not in frame.columns]
        if missing:
            raise ValueError(f"line {name!r} lacks the columns {missing}")


def _draw_lines(axes, lines, x_kind: str, theme: _Theme) -> None:
    for i, (name, frame) in enumerate(lines):
        colour = theme.colour(PALETTE[i])
        x = pd.to_datetime(frame["x"]) if x_kind == "date" else frame["x"].astype(float)
        axes.fill_between(x, frame["lower"].astype(float), frame["upper"].astype(float), color=colour,
                          alpha=0.15, linewidth=0)
        axes.plot(x, frame["estimate"].astype(float), color=colour, linewidth=1.8, label=name)
    axes.axhline(0.0, color=theme.zero, linewidth=0.8)


def _style(axes, x_kind: str, x_label: str, width_in: float, theme: _Theme) -> None:
    """The trend charts' axes (`plot._style_axes`), with a day count on x for ``"days"``."""
    _style_axes(axes, width_in, VALUES["margin"], theme)
    if x_kind == "days":
        axes.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
        axes.xaxis.set_major_formatter(mticker.ScalarFormatter())
    if x_label:
        axes.set_xlabel(x_label, color=theme.muted, fontsize=9)


def _draw(lines, title, x_kind, x_label, source_line, width, height, dpi, theme: _Theme) -> Figure:
    figure = Figure(figsize=(width, height), dpi=dpi, facecolor=theme.background)
    figure.text(0.02, 1 - 0.12 / height, title, ha="left", va="top", color=theme.ink, fontsize=12,
                fontweight="bold")
    legend_in = 0.2 * len(lines)  # one legend row per line, above the plot
    bottom, top = 0.75 / height, 1 - (0.5 + legend_in) / height
    axes = figure.add_axes((0.08, bottom, 0.9, top - bottom))
    _style(axes, x_kind, x_label, width * 0.9, theme)
    _draw_lines(axes, lines, x_kind, theme)
    if x_kind == "date":  # at least a week wide, as the trend charts: day ticks, not hours
        first = min(pd.to_datetime(frame["x"]).min() for _, frame in lines)
        last = max(pd.to_datetime(frame["x"]).max() for _, frame in lines)
        if last - first < pd.Timedelta(days=7):
            axes.set_xlim(first, first + pd.Timedelta(days=7))
    values = np.concatenate([frame[["lower", "upper"]].to_numpy(float).ravel() for _, frame in lines])
    values = values[np.isfinite(values)]
    if values.size:
        low, high = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
        step = 5.0 if high - low <= 40 else 10.0
        axes.set_ylim(np.floor(low / step) * step, np.ceil(high / step) * step)
        axes.yaxis.set_major_locator(mticker.MultipleLocator(step))  # whole labels: no +2.5 shown as +2
    legend = axes.legend(loc="lower left", bbox_to_anchor=(-0.06, 1.0), ncol=1, frameon=False, fontsize=8.5,
                         borderaxespad=0.1, labelspacing=0.3)
    for text in legend.get_texts():
        text.set_color(theme.ink)
    if source_line:
        figure.text(0.02, 0.06 / height, source_line, ha="left", va="bottom", color=theme.muted, fontsize=7)
    return figure


def render_comparison(
    lines: Sequence[tuple[str, pd.DataFrame]],
    *,
    title: str,
    x_kind: str = "date",
    x_label: str = "",
    source_line: str = "",
    description: str = "",
    fmt: str = "png",
    scale: float = 1.0,
    width: float = 8.0,
    height: float = 4.5,
    theme: str = "light",
) -> bytes:
    """Draw up to eight lines on one chart of signed margins (a zero line, ticks 5 or 10
    points apart).

    Parameters
    ----------
    lines : sequence of (name, DataFrame)
        Each line's name (the legend) and frame of ``LINE_COLUMNS``: ``x`` (dates for
        ``x_kind="date"``, numbers of days for ``"days"``), ``estimate``, ``lower``, ``upper``.
    title, x_label, source_line, description : str
        The title, the x axis's label, the credit at the bottom, the SVG's ``<desc>``.
    x_kind : {"date", "days"}
    fmt, scale, width, height, theme
        As `render_trend_chart`.

    Returns
    -------
    bytes
        The encoded image; ``ValueError`` on no line or too many, a frame missing a column,
        or an unknown ``x_kind``/``fmt``/``theme``.
    """
    if x_kind not in X_KINDS:
        raise ValueError(f"x_kind must be one of {X_KINDS}, not {x_kind!r}")
    _check_lines(lines)
    fmt, palette = _check_format(fmt), _check_theme(theme)
    scale = _check_range("scale", scale, 1.0, 3.0)
    width, height = _check_range("width", width, 3.0, 16.0), _check_range("height", height, 2.0, 12.0)
    title, x_label, source_line = (_clean(str(text)) for text in (title, x_label, source_line))
    with _RENDER_LOCK, mpl.rc_context(_RC):
        figure = _draw(lines, title, x_kind, x_label, source_line, width, height, 100.0 * scale, palette)
        image = _encode(figure, fmt)
    return image if fmt == "png" else _add_svg_accessibility(image, title, _clean(description))
