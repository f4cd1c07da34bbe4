"""End labels: each choice's latest estimate at the right of the plot, nudged apart."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.transforms import ScaledTranslation, blended_transform_factory

from .inputs import _Prepared
from .style import _LABEL_GAP_IN, VALUES, _Values
from .text import _shorten


def _is_stale(p: _Prepared, prepared: Sequence[_Prepared]) -> bool:
    """True when this choice's latest estimate is more than a day older than the
    newest estimate of any choice on the chart."""
    assert p.latest is not None, "only labelled choices (with an estimate) are asked"
    newest = max(q.latest.date for q in prepared if q.latest is not None)
    return (newest - p.latest.date) > pd.Timedelta(days=1)


def _end_label(p: _Prepared, prepared: Sequence[_Prepared], values: _Values = VALUES["share"]) -> str:
    assert p.latest is not None, "only choices with an estimate get an end label"
    text = f"{_shorten(p.name)} {values.text(p.latest.estimate)}"
    if _is_stale(p, prepared):
        date = p.latest.date
        text += f" ({date:%b} {date.day})"
    return text


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
