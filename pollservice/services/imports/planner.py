"""Planning an import (reads only): which rows go in, into which questions, and what each
does to the stored poll it identifies. Three parts, in this order, each reporting a bad
row through ``rows.Rejections``:

1. ``target_questions``: the questions the rows name, found, created or extended;
2. ``validation``: each row checked with the admin form's rules and the import's own
   fields (election date, actual results);
3. ``matching``: each checked row matched with its stored poll, and classed as added,
   updated, unchanged or skipped.

A ``Planner`` plans a file batch after batch (``plan`` of each batch's rows, then
``finish``), so that an import holds one batch of rows and plans at a time; what must
span the file (the questions, races and pollsters met, the keys and lines of the polls
given, the problems) it keeps. ``finish`` sorts problems and outcomes by line.
"""

from __future__ import annotations

from .matching import Matcher, Planned
from .rows import ImportRow, ImportSummary, Rejections
from .target_questions import TargetQuestions
from .validation import CheckedRow, check_row


class Planner:
    """The plan of one import's rows, batch by batch (see the module docstring)."""

    def __init__(self, summary: ImportSummary, default_source: str, only_question: str | None):
        self.summary = summary
        self.default_source = default_source
        self.only_question = only_question
        self.rejections = Rejections(summary)
        self.targets = TargetQuestions(summary, self.rejections.reject)
        self.matcher = Matcher(summary, self.rejections.reject)

    def plan(self, rows: list[ImportRow]) -> list[Planned]:
        """The polls to write for this batch of rows; the summary receives every row's
        outcome and problems. Nothing is written, but new questions and choices are added
        to the session (and taken out again when no row of the batch uses them)."""
        kept = _rows_to_plan(rows, self.summary, self.only_question)
        questions = self.targets.resolve(kept)
        checked: list[CheckedRow] = []
        for row in kept:
            question = questions.get(row.question)
            if question is None:
                continue  # already reported
            row_check = check_row(row, question, self.default_source, self.rejections.reject)
            if row_check is not None:
                checked.append(row_check)
                self.rejections.warn(row)
        planned = self.matcher.match_rows(checked)
        self.targets.drop_unused(planned)
        return planned

    def finish(self) -> None:
        summary = self.summary
        summary.problems.sort(key=lambda p: (p.line, p.ref))
        summary.outcomes.sort(key=lambda o: (o.line, o.ref))
        summary.warnings.sort(key=lambda p: (p.line, p.ref))


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
