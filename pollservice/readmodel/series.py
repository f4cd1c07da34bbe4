"""Stored series: every (question, choice, method, realtime) trend line, current average,
poll weights and house effects, computed by the recompute job (``pollservice.jobs``) for
one data version of the question and stored in ``computed_series``. Reads serve the
question's ``computed_version`` (the newest complete set) and never compute: a question
never computed yet has no series (``None`` per choice), and a version whose rows are gone
(the job keeps the previous one, for reads in flight) raises ``StaleRead``, which makes
the request start again on the newer version (``readmodel.start_again``).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import and_, select

from ..domain.methods import DEFAULT_METHOD
from ..extensions import SessionArg
from ..models import ComputedSeries, Question

Payloads = dict[str, dict | None]  # choice name -> payload (None: no poll reported it)


class StaleRead(Exception):
    """The stored results of the version a request started on were replaced twice since:
    the request starts again on the current version."""


OUTCOME_COLUMNS = ("outcome_lower", "outcome_upper")  # a race question's, up to its election


def trend_frame(payload: dict) -> pd.DataFrame:
    trend = payload["trend"]
    frame = pd.DataFrame({
        "date": pd.to_datetime(trend["date"]),
        "estimate": np.array(trend["estimate"], dtype=float),
        "lower": np.array(trend["lower"], dtype=float),
        "upper": np.array(trend["upper"], dtype=float),
    })
    for column in OUTCOME_COLUMNS:
        if column in trend:
            frame[column] = np.array(trend[column], dtype=float)
    return frame


class StoredSeries:
    """The stored series, with this app's worker-local copy of what it last read:
    ``{(question_id, method, realtime): ((version, computed_at), payloads)}`` (the time
    tells two computations of one version apart: a question removed and made again)."""

    def __init__(self) -> None:
        self._local: dict[tuple[int, str, bool], tuple[tuple[int, Any], Payloads]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._local.clear()

    def payloads(self, session: SessionArg, question: Question, method: str, realtime: bool,
                 version: int, computed_at: Any = None) -> Payloads:
        """Per choice, the payload stored for computed version ``version`` (all ``None``
        for version 0, never computed; ``StaleRead`` when that version is gone)."""
        if version == 0 or not question.choices:
            return {c.name: None for c in question.choices}
        key = (question.id, method, realtime)
        with self._lock:
            cached = self._local.get(key)
        if cached and cached[0] == (version, computed_at):
            return cached[1]
        rows = session.execute(
            select(ComputedSeries.choice_id, ComputedSeries.payload).where(
                ComputedSeries.question_id == question.id, ComputedSeries.data_version == version,
                ComputedSeries.method == method, ComputedSeries.realtime == realtime)
        ).all()
        if not rows:
            raise StaleRead(f"question {question.id}: version {version} is no longer stored")
        by_choice: dict[int, dict] = {choice_id: payload for choice_id, payload in rows}
        result = {c.name: None if c.id not in by_choice or by_choice[c.id].get("empty") else by_choice[c.id]
                  for c in question.choices}
        with self._lock:
            known = self._local.get(key)
            if known is None or known[0][0] <= version:
                self._local[key] = ((version, computed_at), result)
        return result


class StoredAverage:
    """What a list shows of one question without fitting anything: each choice's stored
    current average (kalman, retrospective) and whether it is for the question's data
    version (``fresh``), an older one (``updating``: a recompute is due) or missing."""

    def __init__(self, averages: dict[int, dict | None], stored_version: int | None, version: int):
        self.averages = averages  # choice id -> {"estimate", "lower", "upper", "n_polls", "as_of"}
        self.computed = stored_version is not None
        self.fresh = self.computed and stored_version is not None and stored_version >= version


def stored_averages(session: SessionArg, questions: list[Question]) -> dict[int, StoredAverage]:
    """Question id -> its ``StoredAverage``, read for all ``questions`` in one query that
    fetches only the ``average`` part of each stored payload (never the trend)."""
    ids = [q.id for q in questions]
    rows = session.execute(
        select(ComputedSeries.question_id, ComputedSeries.choice_id, ComputedSeries.data_version,
               ComputedSeries.payload["average"].label("average"))
        .join(Question, and_(Question.id == ComputedSeries.question_id,
                             Question.computed_version == ComputedSeries.data_version))
        .where(ComputedSeries.question_id.in_(ids), ComputedSeries.method == DEFAULT_METHOD,
               ComputedSeries.realtime.is_(False))
    ).all() if ids else []
    found: dict[int, dict[int, dict | None]] = {}
    oldest: dict[int, int] = {}
    for question_id, choice_id, version, average in rows:
        found.setdefault(question_id, {})[choice_id] = average or None
        oldest[question_id] = min(version, oldest.get(question_id, version))
    return {q.id: StoredAverage(found.get(q.id, {}), oldest.get(q.id), q.data_version) for q in questions}


def stale_question_ids(session: SessionArg) -> list[int]:
    """The questions with polls whose stored results are older than their data (being
    recomputed, or never computed yet), most polled first."""
    return list(session.scalars(
        select(Question.id)
        .where(Question.poll_count > 0, Question.computed_version < Question.data_version)
        .order_by(Question.poll_count.desc(), Question.id)))
