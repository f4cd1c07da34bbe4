"""The calibration scoreboard: how close each method's final average came to the result,
and how often its 95 % band and its election-day interval held it.

Input: one row per (method, race) with ``method``, ``cycle``, ``office``, ``race_id``,
``error`` (final margin minus actual margin, points), ``in_band`` and ``in_outcome``
(booleans), ``band_width`` and ``outcome_width`` (upper minus lower bound, points).
:func:`calibration_table` gives, per ``by`` group, ``races``, ``mean_abs_error``,
``median_abs_error``, ``band_coverage`` and ``outcome_coverage`` (shares, 0-1), with the
count of races ``outcome_held``, and the mean widths ``mean_band_width`` and
``mean_outcome_width``: coverage is only worth what the width costs.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["RECORD_COLUMNS", "calibration_table"]

RECORD_COLUMNS = ("method", "cycle", "office", "race_id", "error", "in_band", "in_outcome", "days_before",
                  "band_width", "outcome_width")


def calibration_table(records: pd.DataFrame,
                      by: tuple[str, ...] = ("method", "cycle", "office")) -> pd.DataFrame:
    """The scoreboard of ``records`` grouped by ``by`` (sorted by it)."""
    missing = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing:
        raise ValueError(f"records lack the columns {missing}")
    columns = [*by, "races", "mean_abs_error", "median_abs_error", "band_coverage", "outcome_coverage",
               "outcome_held", "mean_band_width", "mean_outcome_width"]
    if records.empty:
        return pd.DataFrame(columns=columns)
    frame = records.assign(abs_error=records["error"].abs(), in_band=records["in_band"].astype(bool),
                           in_outcome=records["in_outcome"].astype(bool))
    table = frame.groupby(list(by), sort=True).agg(
        races=("race_id", "nunique"), mean_abs_error=("abs_error", "mean"),
        median_abs_error=("abs_error", "median"), band_coverage=("in_band", "mean"),
        outcome_coverage=("in_outcome", "mean"), outcome_held=("in_outcome", "sum"),
        mean_band_width=("band_width", "mean"), mean_outcome_width=("outcome_width", "mean")).reset_index()
    table["outcome_held"] = table["outcome_held"].astype(int)
    return table[columns]
