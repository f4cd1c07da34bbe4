"""Bytes out: a figure as PNG or SVG, the SVG with its ``<title>`` and ``<desc>``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from .describe import _describe
from .inputs import _clean, _Prepared


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
