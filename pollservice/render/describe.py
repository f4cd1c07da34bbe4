"""The chart in words: the sentence for the SVG ``<desc>`` or an ``alt`` text."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib import dates as mdates

from .inputs import ChoiceSeries, _has_data, _Latest, _prepare, _Prepared
from .style import NO_DATA_TEXT
from .text import _percent


def chart_description(series: Sequence[ChoiceSeries]) -> str:
    """One sentence stating the latest estimates, for the SVG ``<desc>`` or an ``alt``.

    Example: ``"Latest estimate on 2017-03-31: Support 32.0% (95% interval 28.1 to
    35.9); Oppose 55.4% (95% interval 51.2 to 59.6)."``
    """
    return _describe([_prepare(choice, "") for choice in series])


def _interval(latest: _Latest) -> str:
    if math.isfinite(latest.lower) and math.isfinite(latest.upper):
        return f" (95% interval {latest.lower:.1f} to {latest.upper:.1f})"
    return ""


def _describe(prepared: Sequence[_Prepared]) -> str:
    if not _has_data(prepared):
        return f"{NO_DATA_TEXT}."
    with_estimate = [(p, p.latest) for p in prepared if p.latest is not None]
    without = [p.name for p in prepared if p.latest is None]
    if not with_estimate:
        sentence = "No trend estimate yet"
    else:
        dates = {latest.date.date() for _p, latest in with_estimate}
        if len(dates) == 1:
            parts = [
                f"{p.name} {_percent(latest.estimate)}{_interval(latest)}"
                for p, latest in with_estimate
            ]
            sentence = f"Latest estimate on {dates.pop().isoformat()}: " + "; ".join(parts)
        else:
            parts = [
                f"{p.name} {_percent(latest.estimate)} on "
                f"{latest.date.date().isoformat()}{_interval(latest)}"
                for p, latest in with_estimate
            ]
            sentence = "Latest estimates: " + "; ".join(parts)
    if without:
        sentence += "; no estimate for " + ", ".join(without)
    sentence += "."
    poll_x = np.concatenate([p.poll_x for p in prepared])
    if poll_x.size:
        first, last = (mdates.num2date(v).date().isoformat() for v in (poll_x.min(), poll_x.max()))
        sentence += f" Polls from {first} to {last}." if first != last else f" Polls from {first}."
    return sentence
