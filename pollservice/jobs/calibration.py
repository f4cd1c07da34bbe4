"""The calibration scoreboard (``flask evaluate``, a command of the computing side): for
each method, every decided race's final average of the margin against the result, stored as
a ``CalibrationRun`` (``services.calibration`` reads the newest).

A race counts when it has an election day, an office the election-day interval covers
(``jobs.compute.race_election``), at least two results, and a main question (its first,
not a hypothetical match-up) whose averages are stored and whose default pair are two of
its finishers. Its final average is the last day of the stored **real-time** margin line
on or before Election Day (what the line said with the polls published by then). Its
election-day interval is computed again with the systematic error estimated without the
race's cycle (``stats.outcome_bounds(leave_out_cycle=...)``): no result is used to judge
itself. Nothing is refitted.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import stats
from ..extensions import db
from ..models import CalibrationRun, Race, utcnow
from ..readmodel import question_view
from ..services.calibration import GROUPINGS
from ..services.margins import margin_trend
from ..services.races import election_results, ordered_questions
from ..services.transaction import transaction
from ..stats.calibration import RECORD_COLUMNS, calibration_table
from .compute import race_election
from .margins import decided_of


def race_records(race: Race, skipped: dict[str, int]) -> list[tuple]:
    """The records (``RECORD_COLUMNS``) of one race, one per method with a final average;
    why none, counted in ``skipped``."""
    election = race_election(race)
    questions = [q for q in ordered_questions(race) if not q.hypothetical]
    reason = ("no election-day interval for its office" if election is None else
              "fewer than two results" if len(race.results) < 2 else "no question" if not questions else None)
    if reason is None:
        view = question_view(questions[0].slug, questions[0])
        reason = "averages not computed yet" if view.state.computed_version == 0 else None
    if reason is not None or election is None:
        skipped[reason or "?"] = skipped.get(reason or "?", 0) + 1
        return []
    results = election_results(view)  # per choice of the question, its share of the vote
    records = []
    for method in stats.METHODS:
        found = margin_trend(view, method, realtime=True)
        if found is None:
            continue
        pair, line = found
        if pair.a not in results or pair.b not in results:
            continue
        before = line[(line["date"] <= pd.Timestamp(election[0])) & line["estimate"].notna()]
        if before.empty:
            continue
        final = before.iloc[[-1]][["date", "estimate", "lower", "upper"]]
        bounds = stats.outcome_bounds(final, election[0], election[1], "margin", leave_out_cycle=race.cycle,
                                      decided=decided_of(view.series(method, True)))
        row = bounds.iloc[0]
        actual = results[pair.a] - results[pair.b]
        records.append((method, race.cycle, election[1], race.id, float(row["estimate"]) - actual,
                        bool(row["lower"] <= actual <= row["upper"]),
                        bool(row["outcome_lower"] <= actual <= row["outcome_upper"]),
                        (election[0] - row["date"].date()).days, float(row["upper"] - row["lower"]),
                        float(row["outcome_upper"] - row["outcome_lower"])))
    if not records:
        skipped["its question has no margin of two finishers"] = skipped.get(
            "its question has no margin of two finishers", 0) + 1
    return records


def evaluate() -> CalibrationRun:
    """Judge every decided race and store the run (the newest is the scoreboard)."""
    skipped: dict[str, int] = {}
    records = []
    races = db.session.execute(
        select(Race).where(Race.election_date.is_not(None), Race.results.any(), Race.status == "published")
        .options(selectinload(Race.results), selectinload(Race.questions))
        .order_by(Race.cycle, Race.slug)).scalars()
    for race in races:
        records.extend(race_records(race, skipped))
    frame = pd.DataFrame(records, columns=list(RECORD_COLUMNS))
    tables = {name: _rows(calibration_table(frame, by)) for name, by in GROUPINGS.items()}
    run = CalibrationRun(computed_at=utcnow(), races=int(frame["race_id"].nunique()) if len(frame) else 0,
                         skipped=skipped, tables=tables)
    with transaction():
        db.session.add(run)
    return run


def _rows(table: pd.DataFrame) -> list[dict[str, Any]]:
    rounded = table.round({"mean_abs_error": 2, "median_abs_error": 2, "band_coverage": 3,
                           "outcome_coverage": 3, "mean_band_width": 2, "mean_outcome_width": 2})
    return [{key: (value.item() if hasattr(value, "item") else value) for key, value in row.items()}
            for row in rounded.to_dict(orient="records")]
