"""Which version of a poll is counted: after any write that adds, deletes, restores or
changes a version (an import, a form, the API), exactly one version of each poll per question
is ``counted`` in averages, by the rule of ``domain.versions``; the others stay stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select, update

from ..domain.versions import version_rank
from ..extensions import db
from ..models import Poll, Question, Result
from .bulk import chunks, table_of


def recount_versions(question_ids: set[int]) -> None:
    """Count exactly one version of each poll per question (``domain.versions``): the
    others keep ``counted`` false and stay stored."""
    poll, result = table_of(Poll).c, table_of(Result).c
    flips: list[dict[str, Any]] = []
    for chunk in chunks(sorted(question_ids)):
        answers = (select(func.count(result.id)).where(result.poll_id == poll.id)
                   .correlate(table_of(Poll)).scalar_subquery())
        rows = db.session.execute(
            select(poll.id, poll.question_id, poll.version_group, poll.population,
                   poll.source_id, poll.counted, answers.label("answers"),
                   Question.race_id.label("race_id"))
            .join(Question, Question.id == poll.question_id)
            .where(poll.question_id.in_(chunk), poll.version_group.is_not(None),
                   poll.deleted_at.is_(None), poll.review_status == "published")).all()
        groups: dict[tuple, list] = {}
        for row in rows:
            groups.setdefault((row.question_id, row.version_group), []).append(row)
        for versions in groups.values():
            best = min(versions, key=lambda v: version_rank(
                v.population, v.answers, v.source_id, v.race_id is not None))
            flips.extend({"b_id": v.id, "b_counted": v is best} for v in versions
                         if bool(v.counted) != (v is best))
    if flips:
        table = table_of(Poll)
        db.session.execute(update(table).where(table.c.id == bindparam("b_id"))
                           .values(counted=bindparam("b_counted")), flips)
