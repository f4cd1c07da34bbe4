"""The two ways to draw a question's trends: `render_trend_chart` and `render_thumbnail`.

matplotlib is not thread-safe: every render holds ``_RENDER_LOCK``, and draws with the
pinned ``_RC`` settings (see `style`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import matplotlib as mpl

from .encode import _encode, _with_svg_text
from .inputs import (
    ChartMarks,
    ChoiceSeries,
    _check_format,
    _check_range,
    _clean,
    _prepare_all,
    _prepare_marks,
)
from .layout import _draw, _draw_thumbnail, _thumbnail_range
from .style import _RC, THEMES, VALUES, _Theme, _Values

_RENDER_LOCK = threading.Lock()


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
    values: str = "share",
    theme: str = "light",
    marks: ChartMarks | None = None,
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
        PNG pixel density, 1 to 3 (``dpi = 100 * scale``); SVG ignores it.
    width, height : float
        Size in inches (2-16 wide, 1.5-12 high); a PNG is ``width * dpi`` x ``height * dpi`` px.
    method_label, source_line : str
        The line under the title naming the method, and the credit at the bottom.
    description : str, optional
        Text of the SVG ``<desc>``; by default `chart_description` of ``series``.
    values, theme : str
        ``"share"`` (percent, 0-100, default) or ``"margin"`` (signed points, a zero line);
        ``"light"`` (default) or ``"dark"`` (the site's dark page, `style.THEMES`).
    marks : ChartMarks, optional
        Election Day (with each series' ``result``) and dated events across the plot.

    Returns
    -------
    bytes
        The encoded image; ``ValueError`` on an unknown ``fmt``, ``values`` or ``theme``,
        ``scale``/``width``/``height`` out of range, a frame missing a required column, or
        a negative poll weight.
    """
    fmt = _check_format(fmt)
    value_scale = _check_values(values)
    palette, scale = _check_theme(theme), _check_range("scale", scale, 1.0, 3.0)
    width = _check_range("width", width, 2.0, 16.0)
    height = _check_range("height", height, 1.5, 12.0)
    prepared = _prepare_all(series)
    title, method_label, source_line = (_clean(str(text)) for text in (title, method_label, source_line))
    with _RENDER_LOCK, mpl.rc_context(_RC):
        figure = _draw(title, prepared, method_label, source_line, width, height, 100.0 * scale,
                       value_scale, palette, _prepare_marks(marks))
        image = _encode(figure, fmt)
    if fmt == "png":
        return image
    return _with_svg_text(image, title, description, prepared)


def _check_values(values: str) -> _Values:
    if values not in VALUES:
        raise ValueError(f"values must be 'share' or 'margin', not {values!r}")
    return VALUES[values]


def _check_theme(theme: str) -> _Theme:
    if theme not in THEMES:
        raise ValueError(f"theme must be 'light' or 'dark', not {theme!r}")
    return THEMES[theme]


def render_thumbnail(
    series: Sequence[ChoiceSeries],
    *,
    fmt: str = "png",
    scale: float = 1.0,
    width: float = 2.4,
    height: float = 0.8,
    title: str = "",
    description: str | None = None,
    theme: str = "light",
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
    theme : {"light", "dark"}
        The page the sparkline sits on: the background stays transparent; on dark, the
        palette's too-dark colours are brightened.

    Returns
    -------
    bytes
        The encoded image; an empty transparent image when there is nothing to draw.
    """
    fmt = _check_format(fmt)
    palette = _check_theme(theme)
    scale = _check_range("scale", scale, 1.0, 3.0)
    width = _check_range("width", width, 1.0, 6.0)
    height = _check_range("height", height, 0.4, 3.0)
    prepared = _prepare_all(series)
    with _RENDER_LOCK, mpl.rc_context(_RC):
        figure = _draw_thumbnail(prepared, width, height, 100.0 * scale, palette)
        image = _encode(figure, fmt)
    if fmt == "png":
        return image
    # The description follows what the vertical range follows (see _thumbnail_range).
    return _with_svg_text(image, _clean(str(title)), description, _thumbnail_range(prepared))
