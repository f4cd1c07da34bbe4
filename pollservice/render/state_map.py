"""`render_state_map`: a tile-grid map of the states, one square per state at its
``(row, col)``, filled with the colour it is given, its postal code and a short margin
written on it, and a legend of the colours; a state without polls hatched.

Pure like the rest of the renderer: the caller decides the grid and the colours (the
service reads them from ``domain.state_map``); this draws a frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib as mpl
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.transforms import Affine2D, Transform

from .charts import _RENDER_LOCK, _check_theme
from .encode import _add_svg_accessibility, _encode
from .inputs import _check_format, _check_range, _clean
from .style import _RC, _Theme

#: Columns of the tiles frame: the state's code and grid position, its fill (empty: no
#: polls, drawn hatched), the colour of its text and the short text under the code.
TILE_COLUMNS = ("code", "row", "col", "fill", "ink", "text")
_NO_POLLS = {"light": ("#f0f0f0", "#9a9a9a", "#111111"), "dark": ("#2c323c", "#6b7380", "#e6e9ef")}
_GAP = 0.06  # between tiles, in tile widths


def _check_tiles(tiles: pd.DataFrame) -> pd.DataFrame:
    missing = [column for column in TILE_COLUMNS if column not in tiles.columns]
    if missing:
        raise ValueError(f"tiles lack the columns {missing}")
    if tiles.duplicated(["row", "col"]).any():
        raise ValueError("two tiles share one (row, col)")
    return tiles.fillna({"fill": "", "ink": "", "text": ""})


def _no_polls_style(theme: _Theme) -> tuple[str, str, str]:
    """Fill, hatch and text colour of a state without polls on ``theme``."""
    return _NO_POLLS["dark" if theme.background != "white" else "light"]


def _draw_tile(figure: Figure, grid: Transform, tile, theme: _Theme, font_size: float) -> None:
    """One state's square and its text, in grid units (``grid`` maps them onto the figure)."""
    x, y = float(tile.col), -float(tile.row)
    size = 1.0 - _GAP
    if tile.fill:
        patch = Rectangle((x, y), size, size, facecolor=tile.fill, edgecolor="none", transform=grid)
        ink = tile.ink
    else:
        fill, hatch, ink = _no_polls_style(theme)
        patch = Rectangle((x, y), size, size, facecolor=fill, edgecolor=hatch, hatch="////", linewidth=0,
                          transform=grid)
    patch.set_gid(f"tile-{tile.code}")
    figure.add_artist(patch)
    middle = x + size / 2
    figure.text(middle, y + size * (0.64 if tile.text else 0.5), tile.code, ha="center", va="center",
                color=ink, fontsize=font_size, fontweight="bold", transform=grid)
    if tile.text:
        figure.text(middle, y + size * 0.3, tile.text, ha="center", va="center", color=ink,
                    fontsize=font_size * 0.82, transform=grid)


def _draw_legend(figure: Figure, legend: Sequence[tuple[str, str]], theme: _Theme, width: float) -> None:
    """One row of swatches along the bottom: ``(label, fill)``, an empty fill for no polls.
    Drawn on the figure itself: a second axes would cost more than all the swatches."""
    height = figure.get_figheight()
    step = 0.94 / len(legend)
    for i, (label, fill) in enumerate(legend):
        swatch = Rectangle((0.03 + step * (i + 0.05), 0.62 / height), step * 0.9, 0.14 / height,
                           transform=figure.transFigure, facecolor=fill or "none", edgecolor="none")
        if not fill:
            fill_no, hatch, _ink = _no_polls_style(theme)
            swatch.set(facecolor=fill_no, edgecolor=hatch, hatch="////", linewidth=0)
        figure.add_artist(swatch)
        figure.text(0.03 + step * (i + 0.5), 0.56 / height, label, ha="center", va="top", color=theme.ink,
                    fontsize=7.5 if width >= 6 else 6.0)


def _draw_map(tiles: pd.DataFrame, title: str, subtitle: str, legend, source_line: str,
              width: float, dpi: float, theme: _Theme) -> Figure:
    rows, columns = int(tiles["row"].max()) + 1, int(tiles["col"].max()) + 1
    height = width * (rows / columns) * 0.78 + 1.3
    figure = Figure(figsize=(width, height), dpi=dpi, facecolor=theme.background)
    figure.text(0.03, 1 - 0.12 / height, title, ha="left", va="top", color=theme.ink,
                fontsize=12, fontweight="bold")
    if subtitle:
        figure.text(0.03, 1 - 0.36 / height, subtitle, ha="left", va="top", color=theme.muted, fontsize=8.5)
    # The grid, square tiles centred in the room between the title and the legend: drawn on
    # the figure itself through one transform (an axes, its limits and clipping cost more
    # than all the tiles).
    bottom, top, room = 0.85, height - 0.62, 0.94 * width
    inch = min(room / columns, (top - bottom) / rows)  # inches per tile
    grid = (Affine2D().translate(0, rows - 1).scale(inch)
            .translate(0.03 * width + (room - inch * columns) / 2, bottom + (top - bottom - inch * rows) / 2)
            + figure.dpi_scale_trans)
    font_size = 8.5 if width >= 6 else 6.5
    for tile in tiles.itertuples(index=False):
        _draw_tile(figure, grid, tile, theme, font_size)
    if legend:
        _draw_legend(figure, legend, theme, width)
    if source_line:
        figure.text(0.03, 0.08 / height, source_line, ha="left", va="bottom", color=theme.muted, fontsize=6.5)
    return figure


def render_state_map(
    tiles: pd.DataFrame,
    *,
    title: str,
    subtitle: str = "",
    legend: Sequence[tuple[str, str]] = (),
    source_line: str = "",
    description: str = "",
    fmt: str = "png",
    scale: float = 1.0,
    width: float = 8.0,
    theme: str = "light",
) -> bytes:
    """Draw a tile-grid map as PNG or SVG.

    Parameters
    ----------
    tiles : DataFrame
        One row per state, columns ``TILE_COLUMNS``: ``code`` (written on the tile, and the
        SVG id ``tile-<code>`` of its square), ``row`` and ``col`` (grid position from the
        top left), ``fill`` (``#rrggbb``; empty or NaN: no polls, drawn hatched grey),
        ``ink`` (its text colour) and ``text`` (a short second line, e.g. ``"D+1.2"``).
    title, subtitle, source_line : str
        The title, a line under it and the credit at the bottom.
    legend : sequence of (label, fill)
        The swatches along the bottom, left to right (an empty fill: the no-polls hatch).
    description : str
        The SVG's ``<desc>``.
    fmt, scale, width, theme
        As `render_trend_chart` (the height follows the grid).

    Returns
    -------
    bytes
        The encoded image; ``ValueError`` on a frame missing a column, two tiles on one
        cell, or an unknown ``fmt``/``theme``.
    """
    fmt, palette = _check_format(fmt), _check_theme(theme)
    scale, width = _check_range("scale", scale, 1.0, 3.0), _check_range("width", width, 3.0, 16.0)
    checked = _check_tiles(tiles)
    title, subtitle, source_line = (_clean(str(text)) for text in (title, subtitle, source_line))
    with _RENDER_LOCK, mpl.rc_context(_RC):
        figure = _draw_map(checked, title, subtitle, legend, source_line, width, 100.0 * scale, palette)
        image = _encode(figure, fmt)
    return image if fmt == "png" else _add_svg_accessibility(image, title, _clean(description))
