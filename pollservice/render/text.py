"""Text on the chart: characters the font can draw, shortening, wrapping and measuring."""

from __future__ import annotations

import textwrap
from functools import cache

from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font

from .style import _FONT_FAMILY

_MAX_NAME_CHARS = 28


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


def _percent(value: float) -> str:
    return f"{value:.1f}%"


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
