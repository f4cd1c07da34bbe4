"""The chart renderer: result frames in, PNG or SVG bytes out (see `charts`).

Pure: no Flask, no database, nothing from ``pollservice`` outside this package. The
names below are its public interface.
"""

from .charts import PALETTE, ChoiceSeries, chart_description, render_thumbnail, render_trend_chart

__all__ = ["PALETTE", "ChoiceSeries", "chart_description", "render_thumbnail", "render_trend_chart"]
