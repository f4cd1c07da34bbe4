"""Trend charts for poll results: result frames in, PNG or SVG bytes out.

This module is a pure renderer. It knows nothing about the database, Flask or the
statistics that produced the trend; it draws what it is given:

* each answer choice in its own colour from a fixed colour-blind-safe palette
  (Okabe & Ito 2008), chosen by the choice's position in ``series``;
* individual polls as semi-transparent dots whose area grows with the poll's weight;
* the trend estimate as a line with its interval as a shaded band;
* the latest estimate labelled at the right of the plot, labels nudged apart (a
  choice whose latest estimate is older than the chart's end gets its date and a
  dotted leader, so it does not read as current);
* a title, a method line under it and a source line at the bottom.

`render_thumbnail` draws the same trends as a small text-free sparkline on a
transparent background, for lists of questions.

SVG output carries ``<title>`` and ``<desc>`` as the first children of the root
element, so screen readers announce the chart, and it is byte-for-byte
deterministic (fixed ``svg.hashsalt``, no date metadata) so it can be cached and
compared. PNG output carries no timestamp or version text either.

matplotlib is used through the object-oriented Figure API only (never pyplot), with
explicit Agg and SVG canvases, so importing this module selects no global backend.
matplotlib is not thread-safe: every render holds ``_RENDER_LOCK``.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): How to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import math
import re
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from io import BytesIO
from xml.sax.saxutils import escape

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import ticker as mticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

__all__ = ["PALETTE", "ChoiceSeries", "chart_description", "render_thumbnail", "render_trend_chart"]

#: Okabe-Ito colours, strongest first. Their yellow is left out (too faint on white);
#: a neutral grey takes its place at the end.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#7F7F7F",  # grey
)

FORMATS = ("png", "svg")
NO_DATA_TEXT = "No polls yet"

_RENDER_LOCK = threading.Lock()

# Everything that shapes the output is pinned here, so an app-wide matplotlibrc or a
# style set elsewhere cannot change (or un-determinise) our charts.
_FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib, so present everywhere
_RC = {
    "font.family": "sans-serif",
    "font.sans-serif": [_FONT_FAMILY],
    "font.size": 9.0,
    "text.parse_math": False,  # "$5 or $10" is a poll question, not TeX
    "text.usetex": False,
    "svg.fonttype": "path",  # text as outlines: identical in every browser
    "svg.hashsalt": "pollservice.charts",  # stable ids -> deterministic SVG
    "svg.image_inline": True,
    "axes.unicode_minus": True,
    "path.simplify": True,
}

_INK = "#222222"
_MUTED = "#555555"
_GRID = "#E6E6E6"

_PAD_IN = 0.14  # outer margin of the figure, inches
_LABEL_GAP_IN = 0.10  # gap between the plot's right edge and the end labels
_MAX_NAME_CHARS = 28
_MIN_X_SPAN_DAYS = 7.0
_MIN_Y_SPAN = 10.0  # percentage points
_VECTOR_DOTS_MAX = 300
# Past this many dots in one series, dot sizes come in _SIZE_CLASSES steps (see _draw_series).
_EXACT_SIZES_MAX = 1000
_SIZE_CLASSES = 8

# Characters XML 1.0 forbids; a control character in a pollster name must not make
# the SVG unparseable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class ChoiceSeries:
    """One answer choice: its trend and the polls behind it.

    Parameters
    ----------
    name : str
        The answer choice, e.g. ``"Support"``.
    trend : pandas.DataFrame
        Columns ``date`` (datetime64), ``estimate``, ``lower``, ``upper`` (percent).
        ``lower``/``upper`` may be absent (no band is drawn). NaN marks a gap. May be
        empty.
    polls : pandas.DataFrame
        Columns ``date`` (datetime64, the poll's field midpoint), ``pct`` and
        ``weight`` (>= 0; absent or all equal gives equal dots). May be empty.
    """

    name: str
    trend: pd.DataFrame
    polls: pd.DataFrame


@dataclass(frozen=True)
class _Latest:
    date: pd.Timestamp
    estimate: float
    lower: float
    upper: float


@dataclass(frozen=True)
class _Prepared:
    """A series validated and converted to float arrays (dates as matplotlib days)."""

    name: str
    color: str
    trend_x: np.ndarray
    estimate: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    poll_x: np.ndarray
    poll_pct: np.ndarray
    poll_weight: np.ndarray
    latest: _Latest | None


# --------------------------------------------------------------------------- public


def render_trend_chart(
    title: str,
    series: Sequence[ChoiceSeries],
    *,
    fmt: str = "png",
    scale: float = 1.0,
    width: float = 8.0,
    height: float = 4.5,
    method_label: str = "",
    source_line: str = "",
    description: str | None = None,
) -> bytes:
    """Render poll trends of one question as a PNG or SVG chart.

    Parameters
    ----------
    title : str
        Chart title (the question). Also the SVG ``<title>``.
    series : sequence of ChoiceSeries
        One entry per answer choice; the position picks the colour. Empty gives "No polls yet".
    fmt : {"png", "svg"}
        Output format.
    scale : float
        PNG pixel density, 1 to 3 (``dpi = 100 * scale``; 2 for high-density screens).
        SVG ignores it.
    width, height : float
        Size in inches (2-16 wide, 1.5-12 high); a PNG is ``width * dpi`` x ``height * dpi`` px.
    method_label : str
        Line under the title naming the method, e.g. ``"Trend: LOWESS; band = 95% interval"``.
    source_line : str
        Line at the bottom, e.g. ``"Data: FiveThirtyEight (ABC News), CC BY 4.0"``.
    description : str, optional
        Text of the SVG ``<desc>``; by default `chart_description` of ``series``.

    Returns
    -------
    bytes
        The encoded image.

    Raises
    ------
    ValueError
        On an unknown ``fmt``, ``scale``/``width``/``height`` out of range, a frame
        missing a required column, or a negative poll weight.
    """
    fmt = _check_format(fmt)
    scale = _check_range("scale", scale, 1.0, 3.0)
    width = _check_range("width", width, 2.0, 16.0)
    height = _check_range("height", height, 1.5, 12.0)
    prepared = _prepare_all(series)
    title = _clean(str(title))
    method_label = _clean(str(method_label))
    source_line = _clean(str(source_line))

    with _RENDER_LOCK, mpl.rc_context(_RC):
        figure = _draw(title, prepared, method_label, source_line, width, height, 100.0 * scale)
        image = _encode(figure, fmt)
    if fmt == "png":
        return image
    return _with_svg_text(image, title, description, prepared)


def render_thumbnail(
    series: Sequence[ChoiceSeries],
    *,
    fmt: str = "png",
    scale: float = 1.0,
    width: float = 2.4,
    height: float = 0.8,
    title: str = "",
    description: str | None = None,
) -> bytes:
    """Render a sparkline: each choice's trend line and 95% band, its latest point
    marked, no text, axes or poll dots, on a transparent background.

    Parameters
    ----------
    series : sequence of ChoiceSeries
        As for `render_trend_chart` (the same colours by position); the polls only
        widen the vertical range, so that the line sits where it does on the full chart.
    fmt : {"png", "svg"}
        Output format.
    scale : float
        Pixel density for PNG, 1 to 3 (``dpi = 100 * scale``).
    width, height : float
        Size in inches (1-6 wide, 0.4-3 high); the default is 240 x 80 pixels at 1x.
    title, description : str
        The SVG ``<title>`` and ``<desc>``; the description defaults to
        `chart_description` of ``series``.

    Returns
    -------
    bytes
        The encoded image; an empty transparent image when there is nothing to draw.
    """
    fmt = _check_format(fmt)
    scale = _check_range("scale", scale, 1.0, 3.0)
    width = _check_range("width", width, 1.0, 6.0)
    height = _check_range("height", height, 0.4, 3.0)
    prepared = _prepare_all(series)
    with _RENDER_LOCK, mpl.rc_context(_RC):
        figure = _draw_thumbnail(prepared, width, height, 100.0 * scale)
        image = _encode(figure, fmt)
    if fmt == "png":
        return image
    # The description follows what the vertical range follows (see _thumbnail_range).
    return _with_svg_text(image, _clean(str(title)), description, _thumbnail_range(prepared))


def chart_description(series: Sequence[ChoiceSeries]) -> str:
    """One sentence stating the latest estimates, for the SVG ``<desc>`` or an ``alt``.

    Example: ``"Latest estimate on 2017-03-31: Support 32.0% (95% interval 28.1 to
    35.9); Oppose 55.4% (95% interval 51.2 to 59.6)."``
    """
    return _describe([_prepare(choice, "") for choice in series])


# ------------------------------------------------------------------ input handling


def _check_format(fmt: str) -> str:
    normalised = fmt.lower() if isinstance(fmt, str) else fmt
    if normalised not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, got {fmt!r}")
    return normalised


def _check_range(name: str, value: float, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}") from None
    if not (low <= number <= high):  # also rejects NaN
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value!r}")
    return number


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _columns(frame: pd.DataFrame, required: tuple[str, ...], what: str) -> bool:
    """True when ``frame`` has rows; raise if it has rows but lacks a column."""
    if frame is None or len(frame) == 0:
        return False
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(f"{what} frame lacks column(s) {missing}; has {list(frame.columns)}")
    return True


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    values = pd.to_numeric(frame[column], errors="coerce")
    return values.to_numpy(dtype=float, na_value=np.nan)


def _datenums(values: pd.Series) -> np.ndarray:
    """Dates of any pandas flavour (naive, tz-aware, python dates) as matplotlib days."""
    dates = pd.to_datetime(values)
    if getattr(dates.dt, "tz", None) is not None:
        dates = dates.dt.tz_convert("UTC").dt.tz_localize(None)
    return mdates.date2num(dates.to_numpy(dtype="datetime64[ns]"))


def _prepare(choice: ChoiceSeries, color: str) -> _Prepared:
    name = " ".join(_clean(str(choice.name)).split())
    empty = np.empty(0)

    trend_x = estimate = lower = upper = empty
    latest = None
    if _columns(choice.trend, ("date", "estimate"), f"trend of {name!r}"):
        trend = choice.trend.sort_values("date", kind="stable")
        x = _datenums(trend["date"])
        keep = np.isfinite(x)
        trend_x = x[keep]
        estimate = _floats(trend, "estimate")[keep]
        lower = _floats(trend, "lower")[keep]
        upper = _floats(trend, "upper")[keep]
        finite = np.flatnonzero(np.isfinite(estimate))
        if finite.size:
            last = finite[-1]
            latest = _Latest(
                date=pd.Timestamp(mdates.num2date(trend_x[last])).tz_localize(None),
                estimate=float(estimate[last]),
                lower=float(lower[last]),
                upper=float(upper[last]),
            )

    poll_x = poll_pct = poll_weight = empty
    if _columns(choice.polls, ("date", "pct"), f"polls of {name!r}"):
        polls = choice.polls
        x = _datenums(polls["date"])
        pct = _floats(polls, "pct")
        weight = _floats(polls, "weight") if "weight" in polls.columns else np.ones(len(polls))
        if np.any(weight < 0):
            raise ValueError(f"polls of {name!r} have a negative weight")
        keep = np.isfinite(x) & np.isfinite(pct)
        poll_x, poll_pct, poll_weight = x[keep], pct[keep], weight[keep]

    return _Prepared(
        name, color, trend_x, estimate, lower, upper, poll_x, poll_pct, poll_weight, latest
    )


def _prepare_all(series: Sequence[ChoiceSeries]) -> list[_Prepared]:
    """Each choice prepared, coloured by its position in ``series``."""
    return [_prepare(choice, PALETTE[index % len(PALETTE)]) for index, choice in enumerate(series)]


def _has_data(prepared: Sequence[_Prepared]) -> bool:
    return any(p.poll_x.size or np.isfinite(p.estimate).any() for p in prepared)


# ------------------------------------------------------------------- description


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _interval(latest: _Latest) -> str:
    if math.isfinite(latest.lower) and math.isfinite(latest.upper):
        return f" (95% interval {latest.lower:.1f} to {latest.upper:.1f})"
    return ""


def _describe(prepared: Sequence[_Prepared]) -> str:
    if not _has_data(prepared):
        return f"{NO_DATA_TEXT}."
    with_estimate = [p for p in prepared if p.latest is not None]
    without = [p.name for p in prepared if p.latest is None]
    if not with_estimate:
        sentence = "No trend estimate yet"
    else:
        dates = {p.latest.date.date() for p in with_estimate}
        if len(dates) == 1:
            parts = [
                f"{p.name} {_percent(p.latest.estimate)}{_interval(p.latest)}"
                for p in with_estimate
            ]
            sentence = f"Latest estimate on {dates.pop().isoformat()}: " + "; ".join(parts)
        else:
            parts = [
                f"{p.name} {_percent(p.latest.estimate)} on "
                f"{p.latest.date.date().isoformat()}{_interval(p.latest)}"
                for p in with_estimate
            ]
            sentence = "Latest estimates: " + "; ".join(parts)
    if without:
        sentence += "; no estimate for " + ", ".join(without)
    sentence += "."
    poll_x = np.concatenate([p.poll_x for p in prepared])
    if poll_x.size:
        first, last = (mdates.num2date(v).date().isoformat() for v in (poll_x.min(), poll_x.max()))
        sentence += f" Polls from {first} to {last}." if first != last else f" Polls from {first}."
    return sentence


def _encode(figure: Figure, fmt: str) -> bytes:
    """The figure as PNG or (bare, see `_with_svg_text`) SVG bytes, free of dates and
    version text so that the bytes depend only on the picture."""
    buffer = BytesIO()
    if fmt == "png":
        # Level 3 deflate: about half the time of the default 6, no larger here.
        FigureCanvasAgg(figure).print_png(
            buffer, metadata={"Software": None}, pil_kwargs={"compress_level": 3}
        )
    else:
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None})
    return buffer.getvalue()


def _with_svg_text(
    svg: bytes, title: str, description: str | None, prepared: Sequence[_Prepared]
) -> bytes:
    """``svg`` with its ``<title>`` and ``<desc>`` (by default `_describe` of ``prepared``)."""
    if description is None:
        description = _describe(prepared)
    return _add_svg_accessibility(svg, title, _clean(str(description)))


def _add_svg_accessibility(svg: bytes, title: str, description: str) -> bytes:
    """Make ``<title>`` and ``<desc>`` the first children of the root ``<svg>``."""
    text = svg.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:  # pragma: no cover - matplotlib always writes one
        raise RuntimeError("matplotlib produced SVG without a root element")
    opening = root.group(0)[:-1] + ' role="img">'
    children = f"\n <title>{escape(title)}</title>\n <desc>{escape(description)}</desc>"
    return (text[: root.start()] + opening + children + text[root.end() :]).encode("utf-8")


# ---------------------------------------------------------------------- drawing


@cache
def _drawable_chars() -> frozenset[int]:
    """Code points both the regular and the bold face can draw."""
    maps = [
        FT2Font(findfont(FontProperties(family=_FONT_FAMILY, weight=weight))).get_charmap()
        for weight in ("normal", "bold")
    ]
    return frozenset(maps[0]) & frozenset(maps[1])


def _drawable(text: str) -> str:
    """Swap characters the font lacks for U+FFFD.

    matplotlib would draw a box and warn for each; the SVG title/desc keep the
    original text for screen readers.
    """
    chars = _drawable_chars()
    if all(ord(c) in chars or c == "\n" for c in text):
        return text
    return "".join(c if ord(c) in chars or c == "\n" else "\ufffd" for c in text)


def _shorten(text: str, limit: int = _MAX_NAME_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _inches(artist, renderer, dpi: float) -> tuple[float, float]:
    extent = artist.get_window_extent(renderer)
    return extent.width / dpi, extent.height / dpi


def _fit_lines(text_artist, text: str, max_width_in: float, renderer, dpi, max_lines: int):
    """Wrap ``text`` to ``max_width_in``; ellipsise beyond ``max_lines``."""
    text_artist.set_text(text)
    text_width, _ = _inches(text_artist, renderer, dpi)
    if text_width <= max_width_in:
        return
    chars = max(10, int(len(text) * max_width_in / text_width * 0.95))
    lines = textwrap.wrap(text, chars) or [text[:chars]]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "\u2026"
    text_artist.set_text("\n".join(lines))


def _draw(title, prepared, method_label, source_line, width, height, dpi) -> Figure:
    """The full chart: title block on top, source line at the bottom, the plot between,
    its y tick labels on the left and end labels on the right (all measured in inches)."""
    figure = Figure(figsize=(width, height), dpi=dpi, facecolor="white")
    # An Agg renderer measures text for the layout; the SVG canvas lays out the same
    # figure later, and text extents in inches do not depend on the canvas.
    renderer = FigureCanvasAgg(figure).get_renderer()
    has_data = _has_data(prepared)
    top = _draw_top_block(figure, title, method_label, prepared, has_data, renderer)
    bottom = _draw_bottom_block(figure, source_line, has_data, renderer)

    labels = [(p, _drawable(_end_label(p, prepared))) for p in prepared if p.latest is not None]
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
        _draw_empty(axes)
        return figure
    _draw_plot(axes, prepared, labels, label_height, width - left - right, max(top - bottom, 0.3))
    return figure


def _draw_top_block(figure, title, method_label, prepared, has_data, renderer) -> float:
    """Title, method line and legend, stacked down from the top; returns the height (in
    inches from the bottom) left for the plot's top edge."""
    width, height = figure.get_figwidth(), figure.get_figheight()
    dpi = figure.dpi
    inner_width = width - 2 * _PAD_IN
    top = height - _PAD_IN
    title_artist = figure.text(
        _PAD_IN / width,
        top / height,
        "",
        ha="left",
        va="top",
        fontsize=13,
        fontweight="bold",
        color=_INK,
    )
    _fit_lines(title_artist, _drawable(title), inner_width, renderer, dpi, max_lines=2)
    top -= _inches(title_artist, renderer, dpi)[1] + 0.05
    if method_label:
        method_artist = figure.text(
            _PAD_IN / width,
            top / height,
            "",
            ha="left",
            va="top",
            fontsize=9,
            color=_MUTED,
        )
        _fit_lines(method_artist, _drawable(method_label), inner_width, renderer, dpi, 2)
        top -= _inches(method_artist, renderer, dpi)[1] + 0.06
    if has_data and prepared:
        legend = _add_legend(figure, prepared, top, inner_width, renderer, dpi)
        top -= _inches(legend, renderer, dpi)[1] + 0.16
    else:
        top -= 0.06
    return top


def _draw_bottom_block(figure, source_line, has_data, renderer) -> float:
    """The source line at the bottom, then room for the date ticks and the concise-date
    offset; returns the height (inches) of the plot's bottom edge."""
    width, height = figure.get_figwidth(), figure.get_figheight()
    dpi = figure.dpi
    bottom = _PAD_IN
    if source_line:
        source_artist = figure.text(
            _PAD_IN / width,
            bottom / height,
            "",
            ha="left",
            va="bottom",
            fontsize=8,
            color=_MUTED,
        )
        _fit_lines(source_artist, _drawable(source_line), width - 2 * _PAD_IN, renderer, dpi, 2)
        bottom += _inches(source_artist, renderer, dpi)[1] + 0.08
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


def _draw_plot(axes, prepared, labels, label_height, axes_width_in, axes_height_in) -> None:
    """Styled axes, every series, the limits, then the end labels at least a label's
    height apart."""
    _style_axes(axes, axes_width_in)
    total_polls = sum(q.poll_x.size for q in prepared)
    for p in prepared:
        _draw_series(axes, p, total_polls=total_polls)
    y_low, y_high = _set_limits(axes, prepared)
    if labels:
        gap = label_height * 1.15 * (y_high - y_low) / axes_height_in
        _add_end_labels(axes, labels, gap, y_low, y_high)


def _draw_thumbnail(prepared, width, height, dpi) -> Figure:
    """The sparkline: trend lines, bands and latest points on a transparent figure."""
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


def _is_stale(p: _Prepared, prepared: Sequence[_Prepared]) -> bool:
    """True when this choice's latest estimate is more than a day older than the
    newest estimate of any choice on the chart."""
    newest = max(q.latest.date for q in prepared if q.latest is not None)
    return (newest - p.latest.date) > pd.Timedelta(days=1)


def _end_label(p: _Prepared, prepared: Sequence[_Prepared]) -> str:
    text = f"{_shorten(p.name)} {_percent(p.latest.estimate)}"
    if _is_stale(p, prepared):
        date = p.latest.date
        text += f" ({date:%b} {date.day})"
    return text


def _add_legend(figure, prepared, top, inner_width, renderer, dpi):
    handles = [
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
            Line2D([], [], linestyle="none", marker="o", markersize=5, color="#888888", alpha=0.6)
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
            labelcolor=_INK,
        )
        if columns == 1 or _inches(legend, renderer, dpi)[0] <= inner_width:
            return legend
        legend.remove()
        columns -= 1


def _style_axes(axes, axes_width_in: float) -> None:
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color("#999999")
    axes.grid(axis="y", color=_GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0, labelcolor=_MUTED, labelsize=9, pad=4)
    axes.tick_params(axis="x", color="#999999", labelcolor=_MUTED, labelsize=9)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=max(4, int(axes_width_in * 1.1)))
    axes.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator)
    axes.xaxis.set_major_formatter(formatter)
    axes.xaxis.get_offset_text().set_color(_MUTED)
    axes.yaxis.set_major_locator(mticker.MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=True))
    axes.yaxis.set_major_formatter(mticker.PercentFormatter(xmax=100, decimals=0))


def _draw_empty(axes) -> None:
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        NO_DATA_TEXT,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=16,
        color="#888888",
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


def _set_limits(axes, prepared) -> tuple[float, float]:
    xs = np.concatenate([np.concatenate([p.poll_x, p.trend_x]) for p in prepared])
    x_low, x_high = float(xs.min()), float(xs.max())
    # A short history still spans a week, ending at the latest date: the newest value
    # sits at the right edge, next to its label, as on a long chart.
    x_low = min(x_low, x_high - _MIN_X_SPAN_DAYS)
    x_pad = 0.02 * (x_high - x_low)
    axes.set_xlim(x_low - x_pad, x_high + x_pad)

    ys = np.concatenate(
        [np.concatenate([p.poll_pct, p.estimate, p.lower, p.upper]) for p in prepared]
    )
    ys = ys[np.isfinite(ys)]
    y_low, y_high = float(ys.min()), float(ys.max())
    pad = max(2.0, 0.08 * (y_high - y_low))
    y_low, y_high = y_low - pad, y_high + pad
    if y_high - y_low < _MIN_Y_SPAN:
        middle = (y_low + y_high) / 2
        y_low, y_high = middle - _MIN_Y_SPAN / 2, middle + _MIN_Y_SPAN / 2
    # Clip to 0-100 by shifting the window, keeping its span where possible.
    if y_low < 0:
        y_low, y_high = 0.0, min(100.0, y_high - y_low)
    if y_high > 100:
        y_low, y_high = max(0.0, y_low - (y_high - 100.0)), 100.0
    axes.set_ylim(y_low, y_high)
    return y_low, y_high


def _spread(wanted: np.ndarray, gap: float, low: float, high: float) -> np.ndarray:
    """Positions near ``wanted`` (sorted ascending) at least ``gap`` apart, in [low, high].

    Overlapping labels merge into clusters centred on their wanted mean, repeated
    until no clusters touch; then the whole stack is shifted inside the bounds.
    """
    clusters: list[list[float]] = []  # [wanted sum, count, bottom position]
    for value in wanted:
        clusters.append([value, 1, value])
        while len(clusters) > 1:
            below, above = clusters[-2], clusters[-1]
            if above[2] - (below[2] + below[1] * gap) >= 0:
                break
            total, count = below[0] + above[0], below[1] + above[1]
            clusters[-2:] = [[total, count, total / count - (count - 1) * gap / 2]]
    placed = np.concatenate([cluster[2] + gap * np.arange(cluster[1]) for cluster in clusters])
    if placed.size:
        if placed[-1] > high:
            placed -= placed[-1] - high
        if placed[0] < low:
            placed += low - placed[0]
    return placed


def _add_end_labels(axes, labels, gap, y_low, y_high) -> None:
    order = sorted(range(len(labels)), key=lambda i: labels[i][0].latest.estimate)
    wanted = np.array([labels[i][0].latest.estimate for i in order])
    margin = gap / 2
    placed = _spread(wanted, gap, y_low + margin, y_high - margin)
    text_transform = blended_transform_factory(axes.transAxes, axes.transData) + ScaledTranslation(
        _LABEL_GAP_IN, 0, axes.figure.dpi_scale_trans
    )
    labelled = [p for p, _ in labels]
    for index, y in zip(order, placed, strict=True):
        p, text = labels[index]
        x_end = mdates.date2num(p.latest.date)
        stale = _is_stale(p, labelled)
        axes.plot(
            [x_end],
            [p.latest.estimate],
            marker="o",
            markersize=4.5,
            color=p.color,
            zorder=4,
            clip_on=False,
        )
        axes.annotate(
            text,
            xy=(x_end, p.latest.estimate),
            xycoords="data",
            xytext=(1.0, y),
            textcoords=text_transform,
            ha="left",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=p.color,
            annotation_clip=False,
            arrowprops={
                "arrowstyle": "-",
                "color": p.color,
                "linewidth": 0.7,
                "linestyle": (0, (1.5, 2.0)) if stale else "-",
                "alpha": 0.7,
                "shrinkA": 1,
                "shrinkB": 3,
                "relpos": (0.0, 0.5),
            },
        )
