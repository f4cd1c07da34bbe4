"""Planning an import (reads only): which rows go in, into which questions, and what each
does to the stored poll it identifies. Three parts, in this order, each reporting a bad
row through ``rows.Rejections``:

1. ``target_questions``: the questions the rows name, found, created or extended;
2. ``validation``: each row checked with the admin form's rules and the import's own
   fields (election date, actual results);
3. ``matching``: each checked row matched with its stored poll, and classed as added,
   updated, unchanged or skipped.

Problems and outcomes are then sorted by line.
"""

from __future__ import annotations

from .matching import Planned, match_rows
from .rows import ImportRow, ImportSummary, Rejections
from .target_questions import TargetQuestions
from .validation import CheckedRow, check_row


def plan_rows(rows: list[ImportRow], summary: ImportSummary, default_source: str,
              only_question: str | None) -> list[Planned]:
    """The polls to write for these rows; the summary receives every row's outcome and
    problems. Nothing is written, but new questions and choices are added to the session
    (and taken out again when no row uses them)."""
    rejections = Rejections(summary)
    reject = rejections.reject
    kept = _rows_to_plan(rows, summary, only_question)
    targets = TargetQuestions(summary, reject)
    questions = targets.resolve(kept)
    checked: list[CheckedRow] = []
    for row in kept:
        question = questions.get(row.question)
        if question is None:
            continue  # already reported
        row_check = check_row(row, question, default_source, reject)
        if row_check is not None:
            checked.append(row_check)
            rejections.warn(row)
    planned = match_rows(checked, summary, reject)
    targets.drop_unused(planned)
    summary.problems.sort(key=lambda p: (p.line, p.ref))
    summary.outcomes.sort(key=lambda o: (o.line, o.ref))
    summary.warnings.sort(key=lambda p: (p.line, p.ref))
    return planned


def _rows_to_plan(rows: list[ImportRow], summary: ImportSummary,
                  only_question: str | None) -> list[ImportRow]:
    """The rows not left out on purpose (counted as skipped, with the reason)."""
    kept: list[ImportRow] = []
    for row in rows:
        if row.skip:
            summary.skipped[row.skip] += 1
        elif only_question and row.question != only_question:
            summary.skipped[f"not question {only_question}"] += 1
        else:
            kept.append(row)
    return kept
