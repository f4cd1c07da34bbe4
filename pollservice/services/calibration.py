"""The calibration scoreboard as ``GET /api/v1/calibration`` and the methodology page read
it: the newest run of ``flask evaluate`` (``jobs.calibration`` computes it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import CalibrationRun

# The tables a run keeps: the groupings of the records, by name.
GROUPINGS = {"by_method": ("method",), "by_office": ("method", "office"),
             "by_cycle": ("method", "cycle", "office")}


def latest_run() -> dict[str, Any]:
    """The newest run as the API and the methodology page show it (``computed_at`` None
    and no rows before the first run)."""
    run = db.session.execute(select(CalibrationRun).order_by(CalibrationRun.computed_at.desc(),
                                                             CalibrationRun.id.desc()).limit(1)).scalar_one_or_none()
    if run is None:
        return {"computed_at": None, "races": 0, "skipped": {}, **{name: [] for name in GROUPINGS}}
    return {"computed_at": run.computed_at, "races": run.races, "skipped": run.skipped, **run.tables}
