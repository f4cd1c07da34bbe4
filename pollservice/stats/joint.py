"""Constraints across the answer choices of one question.

Each choice is fitted on its own (:func:`pollservice.stats.fit` works on one choice), so
nothing ties the lines together: five candidates and "undecided", each smoothed
separately, can add up to more than 100 on a day. :func:`cap_total` takes the per-choice
lines and scales down, in proportion, the choices of any day whose estimates add up to
more than 100. It never raises a total: choices need not be exhaustive (not every answer
is a choice), so a total under 100 is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["TOTAL", "cap_total"]

#: The most the choices of one question may add up to, percent.
TOTAL = 100.0


def cap_total(lines: Mapping[str, pd.DataFrame], total: float = TOTAL) -> dict[str, pd.DataFrame]:
    """Per-choice lines whose estimates add up to at most ``total`` on every date.

    Parameters
    ----------
    lines : mapping of str to pandas.DataFrame
        One frame per choice with columns ``date``, ``estimate``, ``lower``, ``upper``
        (as :meth:`~pollservice.stats.AggregateResults.trend` returns; other columns are
        kept). The choices' dates need not be the same; a NaN estimate counts as absent.
    total : float
        The cap (default 100).

    Returns
    -------
    dict of str to pandas.DataFrame
        The same frames (same rows, order and dates) where, on each date whose estimates
        add up to more than ``total``, every choice's ``estimate``, ``lower`` and
        ``upper`` are multiplied by ``total / sum``.

    Notes
    -----
    Scaling in proportion is the projection onto ``sum <= total`` that keeps the ratios
    between choices (the least change in relative terms, as a multinomial's shares
    renormalised); it keeps every band around its estimate and inside 0-100. The
    per-choice bands stay marginal intervals: the constraint only moves them with their
    estimate.
    """
    sums: pd.Series | None = None
    for frame in lines.values():
        by_date = frame.groupby("date")["estimate"].sum(min_count=1).fillna(0.0)
        sums = by_date if sums is None else sums.add(by_date, fill_value=0.0)
    if sums is None:
        return {}
    values = sums.to_numpy(dtype=float)
    over = values > total
    factor = pd.Series(np.ones(values.size), index=sums.index)
    factor[over] = total / values[over]
    capped = {}
    for name, frame in lines.items():
        scale = factor.reindex(frame["date"]).to_numpy()
        changed = frame.copy()
        for column in ("estimate", "lower", "upper"):
            changed[column] = frame[column].to_numpy(dtype=float) * scale
        capped[name] = changed
    return capped
