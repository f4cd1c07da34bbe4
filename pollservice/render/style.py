"""The look of every chart, pinned: palette, fonts, colours and margins.

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): How to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib.typing.RcKeyType: the rcParams names (matplotlib >= 3.9)
    from matplotlib.typing import RcKeyType

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

NO_DATA_TEXT = "No polls yet"

# Everything that shapes the output is pinned here, so an app-wide matplotlibrc or a
# style set elsewhere cannot change (or un-determinise) our charts.
_FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib, so present everywhere
_RC: dict[RcKeyType, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [_FONT_FAMILY],
    "font.size": 9.0,
    "text.parse_math": False,  # "$5 or $10" is a poll question, not TeX
    "text.usetex": False,
    # Text as <text> (not outlines): selectable, searchable, read by screen readers and
    # smaller; a browser without DejaVu Sans draws it in its own sans-serif.
    "svg.fonttype": "none",
    # Stable ids -> deterministic SVG. The salt keeps the renderer's old module name:
    # another salt would change every SVG's ids, and with them the bytes.
    "svg.hashsalt": "pollservice.charts",
    "svg.image_inline": True,
    "axes.unicode_minus": True,
    "path.simplify": True,
}

_INK = "#222222"
_MUTED = "#555555"
_GRID = "#E6E6E6"

#: The site's dark-mode page background (``--bg`` in static/style.css).
DARK_BACKGROUND = "#14171c"


@dataclass(frozen=True)
class _Theme:
    """The colours of a chart's page: background, text, grid and axis lines, and the
    palette colours swapped for brighter ones (``recolour``) where they are too dark on it."""

    background: str
    ink: str
    muted: str
    grid: str
    axis: str  # the date axis line and ticks
    faint: str  # the legend's poll dot and "No polls yet"
    zero: str  # the margin chart's zero line
    recolour: tuple[tuple[str, str], ...] = ()

    def colour(self, colour: str) -> str:
        """``colour`` as drawn on this theme (case-insensitive lookup in ``recolour``)."""
        return dict(self.recolour).get(colour.upper(), colour)


#: Colours too dark on #14171c (under 3:1) and what the dark theme draws instead: the
#: site's dark --c0, --c6 and --c7 for the Okabe-Ito blue, black and grey, and the next
#: lighter ColorBrewer step for the party colours (``vocabulary.PARTIES``; static/style.css
#: gives the dark page's swatches the same).
_DARK_RECOLOUR = (
    ("#0072B2", "#3D9BE0"), ("#000000", "#D0D0D0"), ("#7F7F7F", "#A0A0A0"),
    ("#2166AC", "#4393C3"), ("#B2182B", "#D6604D"), ("#1B7837", "#5AAE61"),
    ("#762A83", "#9970AB"), ("#666666", "#999999"),
)

#: ``theme=`` of the renderers. Dark follows the site's dark mode: its --bg behind the
#: chart, light text and grid, and the colours of ``_DARK_RECOLOUR`` brightened.
THEMES = {
    "light": _Theme("white", _INK, _MUTED, _GRID, "#999999", "#888888", "#777777"),
    "dark": _Theme(DARK_BACKGROUND, "#E6E9EF", "#A7AFBD", "#2C323C", "#5C6470", "#8A93A3", "#8A93A3",
                   _DARK_RECOLOUR),
}



@dataclass(frozen=True)
class _Values:
    """What the vertical axis holds: shares (percent, 0-100) or margins (signed points,
    -100 to 100, with a zero line: above it, the first choice leads)."""

    low: float
    high: float
    signed: bool

    def text(self, value: float) -> str:
        """A value as the end labels and descriptions write it (``45.2%``, ``+7.2``)."""
        return f"{value:+.1f}".replace("-", "\u2212") if self.signed else f"{value:.1f}%"

    def tick(self, value: float, _position=None) -> str:
        if not self.signed:
            return f"{value:.0f}%"
        return f"{value:+.0f}".replace("-", "\u2212") if round(value) else "0"


#: The two scales ``render_trend_chart(values=...)`` draws.
VALUES = {"share": _Values(0.0, 100.0, signed=False), "margin": _Values(-100.0, 100.0, signed=True)}

_PAD_IN = 0.14  # outer margin of the figure, inches
_LABEL_GAP_IN = 0.10  # gap between the plot's right edge and the end labels
