"""The state map's geometry and colour scale, as data: where each state's square sits on
the tile grid, and which colour a margin takes (the page's inline SVG, its table and the
PNG/SVG renderer all read these, so they cannot disagree).

The grid is the square tile-grid map of NPR Visuals (Danny DeBelius, "Let's Tesselate:
Hexagons For Tile Grid Maps", 2015, https://blog.apps.npr.org/2015/05/11/hex-tile-maps.html,
its square version), as tabulated in ``tiles_npr.csv`` of
https://github.com/kristw/gridmap-layout-usa (MIT): 50 states and D.C. on 8 rows and
12 columns, ``(row, col)`` from the top left.

The colours are ColorBrewer's 8-class RdBu (Brewer, Harrower et al., https://colorbrewer2.org,
"colorblind safe"): blue where the Democrat leads, red where the Republican does, darker the
larger the lead, in the bins of ``MARGIN_BINS``.
"""

from __future__ import annotations

from dataclasses import dataclass

#: state or D.C. postal code -> (row, column) on the grid (see the module docstring).
TILES: dict[str, tuple[int, int]] = {
    "AK": (0, 0), "ME": (0, 11),
    "VT": (1, 10), "NH": (1, 11),
    "WA": (2, 1), "ID": (2, 2), "MT": (2, 3), "ND": (2, 4), "MN": (2, 5), "IL": (2, 6),
    "WI": (2, 7), "MI": (2, 8), "NY": (2, 9), "RI": (2, 10), "MA": (2, 11),
    "OR": (3, 1), "NV": (3, 2), "WY": (3, 3), "SD": (3, 4), "IA": (3, 5), "IN": (3, 6),
    "OH": (3, 7), "PA": (3, 8), "NJ": (3, 9), "CT": (3, 10),
    "CA": (4, 1), "UT": (4, 2), "CO": (4, 3), "NE": (4, 4), "MO": (4, 5), "KY": (4, 6),
    "WV": (4, 7), "VA": (4, 8), "MD": (4, 9), "DE": (4, 10),
    "AZ": (5, 2), "NM": (5, 3), "KS": (5, 4), "AR": (5, 5), "TN": (5, 6), "NC": (5, 7),
    "SC": (5, 8), "DC": (5, 9),
    "OK": (6, 4), "LA": (6, 5), "MS": (6, 6), "AL": (6, 7), "GA": (6, 8),
    "HI": (7, 0), "TX": (7, 4), "FL": (7, 9),
}
GRID_ROWS = 1 + max(row for row, _ in TILES.values())
GRID_COLUMNS = 1 + max(col for _, col in TILES.values())

#: Lower edges of the margin bins, in points: under 1, 1 to 5, 5 to 10, 10 and more.
MARGIN_BINS: tuple[float, ...] = (0.0, 1.0, 5.0, 10.0)
BIN_LABELS = ("<1", "1\u20135", "5\u201310", "10+")
#: RdBu (8 classes), from the palest step out, for each side.
_FILLS = {
    "DEM": ("#d1e5f0", "#92c5de", "#4393c3", "#2166ac"),
    "REP": ("#fddbc7", "#f4a582", "#d6604d", "#b2182b"),
}
#: A lead of a candidate of neither party (one step of ColorBrewer's PRGn).
OTHER_FILL = "#c2a5cf"
_DARK_INK, _LIGHT_INK = "#111111", "#ffffff"
MIN_CONTRAST = 4.5  # WCAG 2 AA for the tiles' text


@dataclass(frozen=True)
class MapBin:
    """One colour of the scale: ``side`` (DEM, REP, OTHER or "" for no polls), the bin's
    ``label`` ("1-5"), its fill and the text colour drawn on it."""

    side: str
    label: str
    fill: str
    ink: str

    @property
    def key(self) -> str:
        return f"{self.side}:{self.label}" if self.side else "none"


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ink_on(fill: str) -> str:
    """Near-black or white, whichever reads better on ``fill``."""
    return max((_DARK_INK, _LIGHT_INK), key=lambda ink: contrast(ink, fill))


def bin_index(margin: float) -> int:
    """The bin of a lead of ``margin`` points (its absolute value)."""
    return max(i for i, edge in enumerate(MARGIN_BINS) if abs(margin) >= edge)


def margin_bin(party: str | None, margin: float) -> MapBin:
    """The colour of a lead of ``margin`` points by a candidate of ``party``."""
    index = bin_index(margin)
    side = party if party in _FILLS else "OTHER"
    fill = _FILLS[side][index] if side in _FILLS else OTHER_FILL
    return MapBin(side, BIN_LABELS[index] if side in _FILLS else "any", fill, ink_on(fill))


NO_POLLS = MapBin("", "No polls", "#f0f0f0", _DARK_INK)


def legend_bins() -> list[MapBin]:
    """The legend, from the largest Republican lead to the largest Democratic one, then
    another party's lead and no polls."""
    reds = [margin_bin("REP", edge) for edge in reversed(MARGIN_BINS)]
    blues = [margin_bin("DEM", edge) for edge in MARGIN_BINS]
    return [*reds, *blues, margin_bin("OTHER", 0.0), NO_POLLS]
