"""The rows every reader gives and what an import reports about them: ``ImportRow`` (one
poll of one question as a file gives it), ``RowProblem``, ``RowOutcome``, ``ImportSummary``
and ``ImportRejected``; ``Rejections`` records a row's problems in a summary. The readers
(``formats``), the planner and the entry points share these; this module depends on
nothing else in the import package.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from slugify import slugify

from ...domain import vocabulary
from ...domain.errors import ValidationFailed


@dataclass
class RaceSpec:
    """The race a horse-race row belongs to, in vocabulary codes (``domain.vocabulary``):
    found by its key (cycle, office, geography, stage, party, seat) or created. The readers
    map a file's words ("U.S. President", "Pennsylvania", "Sen-GR") onto the codes, so a
    race polled in two files is one race."""

    cycle: int
    office: str
    geography: str
    stage: str = "general"
    party: str = ""  # a primary's party (vocabulary.PARTIES), else ""
    seat: str = ""  # "special" for a special election, else ""
    election_date: dt.date | None = None
    # The result when the file knows it: candidate (as the choices name them) -> share.
    results: dict[str, float] = field(default_factory=dict)
    result_parties: dict[str, str | None] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str, str, str, str, str]:
        return (self.cycle, self.office, self.geography, self.stage, self.party, self.seat)

    @property
    def slug(self) -> str:
        """``2020-president-pa``, ``2020-senate-ga-special-jungle-primary``,
        ``2020-president-ia-dem-primary``, ``2021-senate-ga-runoff``."""
        parts = [str(self.cycle), self.office, self.geography.lower(), self.seat,
                 self.party.lower(), "" if self.stage == "general" else self.stage]
        return slugify("-".join(p for p in parts if p), max_length=100)

    @property
    def title(self) -> str:
        """``2020 presidential election in Pennsylvania``, ``2021 Senate runoff in Georgia``."""
        place = vocabulary.geography_name(self.geography)
        office = {"president": "presidential", "generic-ballot": "generic congressional ballot",
                  "house": "House"}.get(self.office, vocabulary.OFFICES.get(self.office, self.office))
        party = vocabulary.PARTIES[self.party].name + " " if self.party in vocabulary.PARTIES else ""
        stage = {"general": "election", "primary": "primary", "caucus": "caucus",
                 "runoff": "runoff", "jungle-primary": "top-two primary"}.get(self.stage, self.stage)
        special = "special " if self.seat == "special" else ""
        where = "nationwide" if self.geography == vocabulary.NATIONAL else f"in {place}"
        if self.office == "generic-ballot":
            return f"{self.cycle} {office} ({where})"
        return f"{self.cycle} {party}{office} {special}{stage} {where}"


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
    # The question's place in the domain: its race (a horse race) or its subject (a topic),
    # and its geography code; a hypothetical match-up of a race is flagged.
    race: RaceSpec | None = None
    subject: str = ""
    geography: str = ""
    hypothetical: bool = False
    # Candidates the row names: display name -> (full name, party code).
    candidates: Mapping[str, tuple[str, str | None]] | None = None
    # Poll fields beyond the form's: published_on (date), tracking (bool), version_group.
    extra: dict[str, Any] = field(default_factory=dict)
    fte_pollster_id: int | None = None
    pollster_spellings: tuple[str, ...] = ()  # other names the file gives the same pollster
    # The fields an update of a stored poll may change (None: every field the row carries);
    # a format that only knows part of a poll (raw-polls' median date) leaves the rest.
    update_fields: frozenset[str] | None = None
    # The row gives only some of the poll's answers: an update keeps the others.
    partial_results: bool = False
    # Problems of optional fields: the field is stored empty and the row imported.
    warnings: list[tuple[str, str]] = field(default_factory=list)


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


# Row outcomes a summary keeps (the first ones, in file order): a preview lists a few
# hundred; the counts above them count every row, so a long file does not keep one
# outcome object per row.
OUTCOMES_KEPT = 1000


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
    warnings: list[RowProblem] = field(default_factory=list)  # optional fields stored empty
    rows: int = 0  # the file's rows (records) read
    races: set[int] = field(default_factory=set)  # ids of the races the import touched
    created_races: list[str] = field(default_factory=list)
    # The pollsters the import creates (no name, slug or alias matched): slug -> the first
    # spelling the file uses (``matching.Matcher`` fills it).
    created_pollsters: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0  # the whole import, reading to commit
    peak_memory_mb: float = 0.0  # the process's peak resident set size after the import
    # Every spelling of a pollster the file used: alias key -> (spelling, pollster slug).
    pollster_spellings: dict[str, tuple[str, str]] = field(default_factory=dict)

    def keep_outcome(self, outcome: RowOutcome) -> None:
        """List a row's outcome, while fewer than ``OUTCOMES_KEPT`` are listed (the counts
        are the caller's)."""
        if len(self.outcomes) < OUTCOMES_KEPT:
            self.outcomes.append(outcome)

    @property
    def merged(self) -> int:
        """Rows that matched a stored poll (updated or unchanged)."""
        return self.updated + self.unchanged

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
            "rows": self.rows, "merged": self.merged,
            "warnings": [p.as_dict() for p in self.warnings],
            "created_races": self.created_races,
            "created_pollsters": sorted(self.created_pollsters.values(), key=str.casefold),
            "seconds": round(self.seconds, 3), "peak_memory_mb": round(self.peak_memory_mb, 1),
            "timings": {name: round(value, 3) for name, value in self.timings.items()},
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
        self.rejected_rows: set[tuple[int, str]] = set()  # (line, ref): rows come and go in batches

    def reject(self, row: ImportRow, name: str, message: str) -> None:
        column = (row.columns or {}).get(name, name)
        line = (row.field_lines or {}).get(name, row.line)
        self.summary.problems.append(RowProblem(line, column, message, row.ref))
        if (row.line, row.ref) not in self.rejected_rows:
            self.rejected_rows.add((row.line, row.ref))
            self.summary.rejected += 1
            self.summary.keep_outcome(RowOutcome(row.line, row.ref, "rejected", row.question))

    def warn(self, row: ImportRow) -> None:
        """List the row's warnings (optional fields stored empty) at the file's column."""
        for name, message in row.warnings:
            column = (row.columns or {}).get(name, name)
            line = (row.field_lines or {}).get(name, row.line)
            self.summary.warnings.append(RowProblem(line, column, message, row.ref))


# How the planner's parts report a problem: reject(row, field, message).
Reject = Callable[[ImportRow, str, str], None]
