"""Stored series: every (question, choice, method, realtime) trend line, current average,
poll weights and house effects, computed when the question's polls change and stored in
``computed_series`` keyed by the question's data version. Reads never recompute a fresh
entry; a stale or missing one (another method, or a version that moved on) is rebuilt on
first read and stored, so it is never served wrong.

Consistency rule: a computation reads the data version *before* the polls. A concurrent
write can then only make a stored entry look older than its data (it is rebuilt once
more), never newer (which would serve stale numbers as fresh).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from .. import stats
from ..extensions import SessionArg
from ..models import Choice, ComputedSeries, Question, utcnow
from .frames import poll_frames

# Recomputed right after every write; other methods are rebuilt on their first read.
EAGER = (("kalman", False),)

Payloads = dict[str, dict | None]  # choice name -> payload (None: no poll reported it)


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else round(float(v), 4) for v in values]


def compute_payload(frame: pd.DataFrame, method: str, realtime: bool) -> dict[str, Any]:
    """Everything the views need about one choice by one method, as JSON types, from one
    fit of the choice's polls."""
    results = stats.fit(frame, method=method)
    trend = results.trend(realtime=realtime)
    average = results.average()
    contributions = results.contributions()
    payload: dict[str, Any] = {
        "trend": {
            "date": [d.date().isoformat() for d in pd.to_datetime(trend["date"])],
            "estimate": _rounded(trend["estimate"].to_numpy(float)),
            "lower": _rounded(trend["lower"].to_numpy(float)),
            "upper": _rounded(trend["upper"].to_numpy(float)),
        },
        "average": {
            "estimate": round(float(average["estimate"]), 4),
            "lower": round(float(average["lower"]), 4),
            "upper": round(float(average["upper"]), 4),
            "n_polls": int(average["n_polls"]),
            "as_of": average["as_of"].isoformat(),
        },
        "polls": {
            str(int(poll_id)): [round(float(w), 6), round(float(h), 4)]
            for poll_id, w, h in zip(frame["poll_id"], contributions["weight"],
                                     contributions["house_adjustment"], strict=True)
        },
    }
    if method == "kalman" and not realtime:
        effects = results.house_effects()
        payload["house_effects"] = [
            {"pollster": row.pollster, "effect": round(float(row.effect), 3),
             "lower": round(float(row.lower), 3), "upper": round(float(row.upper), 3),
             "n_polls": int(row.n_polls)}
            for row in effects.sort_values("effect").itertuples(index=False)
        ]
    return payload


def trend_frame(payload: dict) -> pd.DataFrame:
    trend = payload["trend"]
    return pd.DataFrame({
        "date": pd.to_datetime(trend["date"]),
        "estimate": np.array(trend["estimate"], dtype=float),
        "lower": np.array(trend["lower"], dtype=float),
        "upper": np.array(trend["upper"], dtype=float),
    })


def _upsert(session: SessionArg, question_id: int, choice_id: int, method: str, realtime: bool,
            version: int, payload: dict) -> None:
    values = dict(question_id=question_id, choice_id=choice_id, method=method, realtime=realtime,
                  data_version=version, computed_at=utcnow(), payload=payload)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ComputedSeries).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["question_id", "choice_id", "method", "realtime"],
        set_={k: statement.excluded[k] for k in ("data_version", "computed_at", "payload")},
        # never replace a newer entry with an older computation
        where=ComputedSeries.data_version <= statement.excluded.data_version,
    )
    session.execute(statement)


class StoredSeries:
    """The stored series, with this app's worker-local copy of what it last read:
    ``{(question_id, method, realtime): (version, payloads)}``."""

    def __init__(self) -> None:
        self._local: dict[tuple[int, str, bool], tuple[int, Payloads]] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._local.clear()

    def _remember(self, key: tuple[int, str, bool], version: int, payloads: Payloads) -> None:
        with self._lock:
            known = self._local.get(key)
            if known is None or known[0] <= version:
                self._local[key] = (version, payloads)

    def compute_and_store(self, session: SessionArg, question: Question, method: str,
                          realtime: bool) -> Payloads:
        """Compute the series from the polls, store them and commit."""
        version = session.execute(  # before the polls: see the module docstring
            select(Question.data_version).where(Question.id == question.id)).scalar_one()
        frames = poll_frames(session, question)
        payloads: Payloads = {}
        for choice in question.choices:
            frame = frames[choice.name]
            payloads[choice.name] = None if frame.empty else compute_payload(frame, method, realtime)
            _upsert(session, question.id, choice.id, method, realtime, version,
                    payloads[choice.name] or {"empty": True})
        session.commit()
        self._remember((question.id, method, realtime), version, payloads)
        return payloads

    def refresh(self, session: SessionArg, question_ids: set[int]) -> None:
        """Recompute the eagerly stored methods of these questions (after a write)."""
        for question_id in sorted(question_ids):
            question = session.get(Question, question_id)
            if question is None:
                continue
            for method, realtime in EAGER:
                self.compute_and_store(session, question, method, realtime)

    def payloads(self, session: SessionArg, question: Question, method: str, realtime: bool,
                 version: int) -> Payloads:
        """Per choice, the stored payload for data version ``version`` or newer (rebuilt
        and stored first if missing or older)."""
        key = (question.id, method, realtime)
        with self._lock:
            cached = self._local.get(key)
        if cached and cached[0] >= version:
            return cached[1]
        rows = session.execute(
            select(ComputedSeries).where(
                ComputedSeries.question_id == question.id,
                ComputedSeries.method == method,
                ComputedSeries.realtime == realtime,
            )
        ).scalars().all()
        by_choice = {row.choice_id: row for row in rows}
        if all(c.id in by_choice and by_choice[c.id].data_version >= version for c in question.choices):
            result = {c.name: None if by_choice[c.id].payload.get("empty") else by_choice[c.id].payload
                      for c in question.choices}
            oldest = min((by_choice[c.id].data_version for c in question.choices), default=version)
            self._remember(key, oldest, result)
            return result
        return self.compute_and_store(session, question, method, realtime)


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
        .where(ComputedSeries.question_id.in_(ids), ComputedSeries.method == "kalman",
               ComputedSeries.realtime.is_(False))
    ).all() if ids else []
    found: dict[int, dict[int, dict | None]] = {}
    oldest: dict[int, int] = {}
    for question_id, choice_id, version, average in rows:
        found.setdefault(question_id, {})[choice_id] = average or None
        oldest[question_id] = min(version, oldest.get(question_id, version))
    return {q.id: StoredAverage(found.get(q.id, {}), oldest.get(q.id), q.data_version) for q in questions}


def stale_question_ids(session: SessionArg) -> list[int]:
    """The questions with polls whose eagerly stored series are missing, or older than
    their data version (after an import with ``--defer-averages``), most polled first."""
    method, realtime = EAGER[0]
    oldest = (select(ComputedSeries.question_id, func.min(ComputedSeries.data_version).label("v"),
                     func.count(ComputedSeries.id).label("n"))
              .where(ComputedSeries.method == method, ComputedSeries.realtime.is_(realtime))
              .group_by(ComputedSeries.question_id).subquery())
    choices = (select(Choice.question_id, func.count(Choice.id).label("n"))
               .group_by(Choice.question_id).subquery())
    return list(session.scalars(
        select(Question.id)
        .join(choices, choices.c.question_id == Question.id)
        .outerjoin(oldest, oldest.c.question_id == Question.id)
        .where(Question.poll_count > 0,
               or_(oldest.c.v.is_(None), oldest.c.v < Question.data_version, oldest.c.n < choices.c.n))
        .order_by(Question.poll_count.desc(), Question.id)))
