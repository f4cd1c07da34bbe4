"""Trend charts for poll results: result frames in, PNG or SVG bytes out.

A pure renderer. It knows nothing about the database, Flask or the statistics that
produced the trend (nothing from ``pollservice`` outside this package); it draws what
it is given:

* each answer choice in its own colour from a fixed colour-blind-safe palette
  (Okabe & Ito 2008), chosen by the choice's position in ``series``;
* individual polls as semi-transparent dots whose area grows with the poll's weight;
* the trend estimate as a line with its interval as a shaded band;
* the latest estimate labelled at the right of the plot, labels nudged apart (a
  choice whose latest estimate is older than the chart's end gets its date and a
  dotted leader, so it does not read as current);
* a title, a method line under it and a source line at the bottom;
* optionally (`ChartMarks`), Election Day as a dashed line with each choice's result as
  a diamond on it, and dated events as dotted lines with their labels.

`render_thumbnail` draws the same trends as a small text-free sparkline on a
transparent background, for lists of questions.

SVG output carries ``<title>`` and ``<desc>`` as the first children of the root
element, so screen readers announce the chart, and it is byte-for-byte
deterministic (fixed ``svg.hashsalt``, no date metadata) so it can be cached and
compared. PNG output carries no timestamp or version text either.

matplotlib is used through the object-oriented Figure API only (never pyplot), with
explicit Agg and SVG canvases, so importing this package selects no global backend.
matplotlib is not thread-safe: every render holds one lock.

The names below are the public interface; the modules, in the order a render goes:

``charts``    `render_trend_chart` and `render_thumbnail`: check, prepare, draw, encode
``inputs``    `ChoiceSeries` and `ChartMarks`, validated and converted to arrays
``style``     palette, pinned matplotlib settings, colours and margins
``layout``    the figure: title block, source line, margins, the sparkline's axes
``text``      text the font can draw, wrapped and measured in inches
``plot``      inside the axes: poll dots, trend lines, bands, limits
``labels``    end labels nudged apart
``describe``  `chart_description`: the chart in one sentence
``encode``    PNG or SVG bytes, the SVG with its title and description
``state_map`` `render_state_map`: a tile-grid map of the states
``compare``   `render_comparison`: several questions' margins on one chart

References
----------
Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): How to make figures and
presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from .charts import render_thumbnail, render_trend_chart
from .compare import render_comparison
from .describe import chart_description
from .inputs import ChartMarks, ChoiceSeries
from .state_map import TILE_COLUMNS, render_state_map
from .style import PALETTE

__all__ = [
    "PALETTE",
    "TILE_COLUMNS",
    "ChartMarks",
    "ChoiceSeries",
    "chart_description",
    "render_comparison",
    "render_state_map",
    "render_thumbnail",
    "render_trend_chart",
]
