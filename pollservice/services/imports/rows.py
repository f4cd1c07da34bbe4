"""The rows every reader gives and what an import reports about them: ``ImportRow`` (one
poll of one question as a file gives it), ``RowProblem``, ``RowOutcome``, ``ImportSummary``
and ``ImportRejected``; ``Rejections`` records a row's problems in a summary. The readers
(``formats``), the planner and the entry points share these; this module depends on
nothing else in the import package.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ...domain.errors import ValidationFailed


@dataclass
class ImportRow:
    """One poll of one question as a file gives it.

    ``values`` holds what ``validate_poll`` takes (strings or typed values), plus, when the
    file has them, ``election_date`` and ``actual_results`` (choice -> actual share).
    """

    line: int
    question: str  # slug
    values: dict[str, Any]
    question_title: str = ""
    question_region: str = ""
    # Choices a new question starts with (else: the choices this file fills for it).
    question_choices: tuple[str, ...] = ()
    # Answers that an existing question lacks become new choices of it (538's long files).
    extend_choices: bool = False
    # Problems the reader found, as (field, message); the row is then rejected.
    problems: list[tuple[str, str]] = field(default_factory=list)
    skip: str = ""  # why the reader leaves this row out on purpose (not an error)
    ref: str = ""  # where the row is when that is not a line (JSON: questions[0].polls[3])
    columns: Mapping[str, str] | None = None  # our field name -> the file's column name
    field_lines: Mapping[str, int] | None = None  # a field found on another line (long files)


@dataclass
class RowProblem:
    line: int
    field: str
    message: str
    ref: str = ""

    @property
    def location(self) -> str:
        """The line, with the place in the document when the file is not a table."""
        return f"{self.line} ({self.ref})" if self.ref else str(self.line)

    def __str__(self) -> str:
        return f"line {self.location}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "ref": self.ref or None, "field": self.field,
                "message": self.message}


@dataclass
class RowOutcome:
    """What the import does (or would do) with one row: for previews."""

    line: int
    ref: str
    action: str  # added, updated, unchanged, skipped, rejected
    question: str
    pollster: str = ""
    end_date: str = ""
    source_id: str | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    poll_id: int | None = None

    @property
    def location(self) -> str:
        return f"{self.line} ({self.ref})" if self.ref else str(self.line)


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> rows
    questions: set[str] = field(default_factory=set)
    question_ids: set[int] = field(default_factory=set)
    created_questions: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    dry_run: bool = False
    source_name: str = ""
    format: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase

    @property
    def rejected_lines(self) -> int:
        return len({(p.line, p.ref) for p in self.problems})

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.source_name, "format": self.format, "dry_run": self.dry_run,
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": self.rejected, "skipped": sum(self.skipped.values()),
            "skipped_reasons": dict(self.skipped.most_common()),
            "questions": sorted(self.questions), "created_questions": self.created_questions,
            "problems": [p.as_dict() for p in self.problems],
        }


class ImportRejected(ValidationFailed):
    """One or more rows are invalid; nothing was written."""

    def __init__(self, source_name: str, problems: list[RowProblem],
                 summary: ImportSummary | None = None):
        first = problems[0]
        super().__init__(
            f"{source_name}: {len(problems)} problem(s); nothing was imported. "
            f"First: line {first.location}, {first.field}: {first.message}",
            fields={f"line {p.location}: {p.field}": p.message for p in problems[:50]},
        )
        self.source_name = source_name
        self.problems = problems
        self.summary = summary


class Rejections:
    """Records the problems the planner finds in rows: each at the file's line and column
    for the field, each rejected row counted once (with a "rejected" outcome)."""

    def __init__(self, summary: ImportSummary):
        self.summary = summary
        self.rejected_rows: set[int] = set()

    def reject(self, row: ImportRow, name: str, message: str) -> None:
        column = (row.columns or {}).get(name, name)
        line = (row.field_lines or {}).get(name, row.line)
        self.summary.problems.append(RowProblem(line, column, message, row.ref))
        if id(row) not in self.rejected_rows:
            self.rejected_rows.add(id(row))
            self.summary.rejected += 1
            self.summary.outcomes.append(RowOutcome(row.line, row.ref, "rejected", row.question))


# How the planner's parts report a problem: reject(row, field, message).
Reject = Callable[[ImportRow, str, str], None]
