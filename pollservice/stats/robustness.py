"""The robustness band: how much the current average depends on choices an aggregator
could defensibly make differently (which polls count), as opposed to its statistical
interval (how much it could move by chance).

The current average is its polls' weighted sum, ``e = sum(w * (y - a))`` (weights summing
to 1, ``a`` the house adjustment; ``AggregateResults.contributions``). A variant leaves
some polls out and spreads their weight over the others in proportion:
``sum over kept of w * (y - a) / sum over kept of w``. That is the first-order effect of
the choice, holding everything else the model estimated (a refit would also re-estimate
the house effects and the other polls' weights). Variants: without partisan polls; likely
voters only; registered or likely voters only; each pollster left out in turn. The
service adds each method's own current average.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["POLL_COLUMNS", "reweighted", "robustness_variants"]

POPULATION_RULES = (("likely voters only", {"lv"}), ("registered or likely voters only", {"rv", "lv"}))
POLL_COLUMNS = ("poll_id", "pollster", "pct", "population", "partisan", "weight", "house_adjustment")


def reweighted(polls: pd.DataFrame, keep: pd.Series) -> float:
    """The average of the ``keep`` polls with their weights renormalised (NaN: none kept
    with weight)."""
    weight = polls["weight"].astype(float).where(keep, 0.0)
    total = float(weight.sum())
    if total <= 1e-12:
        return np.nan
    return float((weight * (polls["pct"] - polls["house_adjustment"])).sum() / total)


def robustness_variants(polls: pd.DataFrame) -> pd.DataFrame:
    """One row per variant that changes something (``kind``, ``label``, ``estimate``,
    ``pollster`` left out or None, ``shift`` from the current average), the current average
    first (kind ``current``)."""
    missing = [c for c in POLL_COLUMNS if c not in polls.columns]
    if missing:
        raise ValueError(f"polls lack the columns {missing}")
    counted = polls[polls["weight"].astype(float) > 0]
    everything = pd.Series(True, index=counted.index)
    current = reweighted(counted, everything)
    rows = [("current", "the current average", current, None)]
    partisan = counted["partisan"].fillna(False).astype(bool)
    if partisan.any() and not partisan.all():
        rows.append(("polls", "without partisan polls", reweighted(counted, ~partisan), None))
    population = counted["population"].astype(str)
    for label, allowed in POPULATION_RULES:
        keep = population.isin(allowed)
        if keep.any() and not keep.all():
            rows.append(("population", label, reweighted(counted, keep), None))
    pollsters = counted["pollster"]
    if pollsters.nunique() > 1:
        for pollster in sorted(pollsters.unique()):
            rows.append(("pollster", f"without {pollster}", reweighted(counted, pollsters != pollster),
                         pollster))
    table = pd.DataFrame(rows, columns=["kind", "label", "estimate", "pollster"])
    table["shift"] = table["estimate"] - current
    return table
