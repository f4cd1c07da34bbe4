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
    "svg.fonttype": "path",  # text as outlines: identical in every browser
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
