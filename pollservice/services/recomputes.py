"""The workers' recomputes as the CLI, the admin area and ``/healthz`` see them: what an
import is waiting for, how far it has got, and the queue's health."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..jobs import queue
from ..models import Question

log = logging.getLogger(__name__)


def run_queued_here() -> None:
    """In a process that runs its own jobs (``JOBS_IN_PROCESS``), run them now."""
    if current_app.config.get("JOBS_IN_PROCESS"):
        queue.jobs().run_in_process()


def recompute_targets(question_ids: Iterable[int]) -> dict[int, int]:
    """Question id -> the data version its stored results must reach (its current one)."""
    ids = sorted(set(question_ids))
    targets: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        targets.update(db.session.execute(
            select(Question.id, Question.data_version).where(Question.id.in_(ids[start:start + 500]))).all())
    db.session.rollback()  # end the read: the next look sees the workers' commits
    return targets


def recompute_targets_if_reachable(question_ids: Iterable[int]) -> dict[int, int] | None:
    """``recompute_targets`` after a commit: ``None`` when the database no longer answers
    (logged; the write is committed and the workers' sweep queues what is behind)."""
    try:
        return recompute_targets(question_ids)
    except SQLAlchemyError:
        log.exception("reading the recompute targets after a commit failed")
        return None


def recompute_progress(targets: dict[int, int]) -> tuple[int, int]:
    """``(done, failed)`` of the recomputes of ``targets`` (see ``recompute_targets``)."""
    try:
        return queue.progress(db.session, targets)
    finally:
        db.session.rollback()


def queue_health() -> dict[str, Any]:
    """Jobs queued, running and failed, the oldest queued job's age and the questions
    whose stored results are behind their polls."""
    try:
        return queue.status(db.session)
    finally:
        db.session.rollback()
