"""Pollster ratings as the pollster pages, the API and the CSV read them: what the last
``flask rate-pollsters`` stored (``jobs.ratings`` computes them; the web process fits and
imports no statistics)."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import select

from ..domain.ratings import RATING_RULE, WINDOW_DAYS
from ..extensions import db
from ..models import Pollster, PollsterRating

__all__ = ["RATING_CSV_COLUMNS", "RATING_RULE", "rating_of", "ratings_csv"]


def rating_of(pollster: Pollster) -> dict[str, Any] | None:
    """The pollster's stored rating as plain values (None if it has none)."""
    found = db.session.execute(select(PollsterRating).where(PollsterRating.pollster_id == pollster.id)
                               ).scalar_one_or_none()
    return None if found is None else _as_dict(found)


def _as_dict(rating: PollsterRating) -> dict[str, Any]:
    metrics = {name: {"mean": values[0], "lower": values[1], "upper": values[2]}
               for name, values in rating.metrics.items()}
    return {"polls": rating.polls, "races": rating.races, "bias_races": rating.bias_races,
            "cycles": [rating.first_cycle, rating.last_cycle], "verdict": rating.verdict,
            "mean_absolute_error": metrics["abs_error"], "bias": metrics["dem_error"],
            "relative_error": metrics["relative"], "computed_at": rating.computed_at,
            "window_days": WINDOW_DAYS}


RATING_CSV_COLUMNS = ("pollster", "slug", "polls", "races", "first_cycle", "last_cycle", "verdict",
                      "mean_absolute_error", "mae_lower", "mae_upper", "bias_dem", "bias_lower", "bias_upper",
                      "bias_races", "relative_error", "relative_lower", "relative_upper", "computed_at")


def ratings_csv() -> str:
    """Every stored rating as CSV, best relative error first."""
    found = db.session.execute(select(PollsterRating, Pollster).join(Pollster)).all()
    rows = sorted(found, key=lambda pair: (pair[0].metrics["relative"][0] is None,
                                           pair[0].metrics["relative"][0] or 0, pair[1].name))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RATING_CSV_COLUMNS)
    for rating, pollster in rows:
        m = rating.metrics
        writer.writerow([pollster.name, pollster.slug, rating.polls, rating.races, rating.first_cycle,
                         rating.last_cycle, rating.verdict, *m["abs_error"], *m["dem_error"],
                         rating.bias_races, *m["relative"], rating.computed_at.isoformat(timespec="seconds")])
    return out.getvalue()
