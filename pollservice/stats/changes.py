"""Why the average moved: the change of one choice's real-time average between two days,
split into what each poll did.

The average on a day is the fit of the polls ended by then, and each method writes it as a
weighted sum of those polls (``AggregateResults.contributions``: weights ``w`` summing to 1,
and ``a``, the house adjustment kalman subtracts): ``e = sum(w * (y - a))``. With ``e1`` on
``start`` (fit of the polls known then) and ``e2`` on ``end`` (fit of those known then), the
change ``e2 - e1`` is exactly the sum of

- ``new``: each poll that ended after ``start``: ``w2 * (y - a2 - e1)``, how far it pulled
  from the earlier average, by its weight;
- ``fading``: each older poll: ``(w2 - w1) * (y - a1 - e1)``, its weight lost (or gained) as
  newer polls arrived and time passed;
- ``house``: each older poll: ``w2 * (a1 - a2)``, its pollster's house effect estimated
  again with the new polls;
- ``other``: what the weighted sum does not write: lowess's local line (its weights are the
  kernel's non-negative ingredients, not its exact equivalent kernel); 0 for the others up to
  rounding.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .aggregate import fit
from .margin import _margin_frame

__all__ = ["decompose_change", "decompose_margin_change"]


def _known(polls: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    return polls[pd.to_datetime(polls["end_date"]) <= pd.Timestamp(day)]


def _parts(polls: pd.DataFrame, method: str, day: dt.date) -> tuple[float, pd.DataFrame]:
    """The average on ``day`` and each known poll's weight and adjustment in it."""
    known = _known(polls, day)
    if known.empty:
        return np.nan, pd.DataFrame({"weight": [], "house_adjustment": []})
    results = fit(known, method)
    parts = results.contributions(as_of=day)
    return float(results.average(as_of=day)["estimate"]), parts.set_index(known["poll_id"].to_numpy())


def decompose_change(polls: pd.DataFrame, method: str, start: dt.date, end: dt.date) -> dict:
    """The change of the average of ``polls`` (one choice, the columns of ``stats.fit`` and
    ``poll_id``) from ``start`` to ``end``: ``before``, ``after``, ``change`` and its parts
    (``new``, ``fading``, ``house``, ``other``, which add up to it), and ``polls``: a frame of
    each poll's ``poll_id``, ``kind`` (``new`` or ``old``) and ``contribution`` (its new,
    fading and house parts together), largest first. ``before`` is NaN when no poll had
    ended by ``start`` (then every poll is new and ``change`` is NaN)."""
    if end < start:
        raise ValueError("end must not be before start")
    before, first = _parts(polls, method, start)
    after, second = _parts(polls, method, end)
    frame = _known(polls, end).set_index("poll_id")
    y = frame["pct"].astype(float)
    w2, a2 = second["weight"].reindex(frame.index), second["house_adjustment"].reindex(frame.index)
    old = frame.index.isin(first.index)
    w1 = first["weight"].reindex(frame.index).fillna(0.0)
    a1 = first["house_adjustment"].reindex(frame.index).fillna(0.0)
    base = 0.0 if np.isnan(before) else before
    new = (w2 * (y - a2 - base)).where(~old, 0.0)
    fading = ((w2 - w1) * (y - a1 - base)).where(old, 0.0)
    house = (w2 * (a1 - a2)).where(old, 0.0)
    change = after - before
    total = float(new.sum() + fading.sum() + house.sum())
    table = pd.DataFrame({"poll_id": frame.index, "kind": np.where(old, "old", "new"),
                          "contribution": (new + fading + house).to_numpy()})
    order = table["contribution"].abs().sort_values(ascending=False).index
    table = table.reindex(order).reset_index(drop=True)
    return {"before": before, "after": after, "change": change, "new": float(new.sum()),
            "fading": float(fading.sum()), "house": float(house.sum()),
            "other": float(change - total) if np.isfinite(change) else np.nan, "polls": table}


def decompose_margin_change(polls: pd.DataFrame, method: str, start: dt.date, end: dt.date) -> dict:
    """:func:`decompose_change` of the margin ``pct_a - pct_b`` of ``polls`` (the frame of
    ``stats.fit_margin``, with ``poll_id``), in margin points: the margin is fitted as the
    half margin ``50 + m / 2`` (``stats.margin``), whose parts are doubled."""
    found = decompose_change(_margin_frame(polls), method, start, end)
    doubled = {key: 2.0 * found[key] for key in ("change", "new", "fading", "house", "other")}
    return {**found, **doubled, "before": 2.0 * (found["before"] - 50.0),
            "after": 2.0 * (found["after"] - 50.0),
            "polls": found["polls"].assign(contribution=2.0 * found["polls"]["contribution"])}
