"""Importing polls in bulk: atomic, idempotent, audited, and fast enough for 538's poll lists.

Every file format (``imports.formats``) turns its rows into ``ImportRow``s (``imports.rows``):
the raw values of one poll of one question, with the line they came from. An import then
runs in two phases:

1. **Plan** (reads only): every row is validated with the rules of the admin form
   (``polls.validate_poll``), matched with the stored poll it identifies, and classed as
   added, updated, unchanged, skipped or rejected. A dry run stops here and writes nothing.
2. **Write**: one transaction of bulk statements (executemany, ``INSERT ... RETURNING``)
   for pollsters, polls, results and audit entries, then the commit (``readmodel.events``) bumps the
   touched questions' data version, commits, and recomputes their stored averages once
   per question (not once per row).

Identity (idempotence): a poll is (question, ``source``, ``source_id``). A row without a
source id is identified by question, source, pollster, field dates, population, sample
size and sponsor, and stored with no source id (as typed-in polls are). A row whose
stored poll has the same values is unchanged; one whose values differ updates the poll
and the audit trail keeps the old and new values. A poll an editor deleted stays deleted.

Atomicity: by default one bad row rejects the whole file (``ImportRejected`` lists every
problem with its line and field) and nothing is written; ``skip_invalid`` imports the
good rows and reports the bad ones.

The package, each module importing only those above it:

- ``rows``: the rows and the summary every part shares;
- ``formats``: the readers, one per file format, and the detection of a file's format;
- ``stored``: the bulk reads of questions, pollsters and stored polls;
- ``validation``, ``matching``, ``target_questions``, then ``planner``: phase 1;
- ``writer``: phase 2's bulk statements;
- this module: the entry points ``read_text``, ``import_text`` and ``import_rows``.
"""

from __future__ import annotations

import csv
import resource
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ...domain.errors import Conflict
from ...extensions import db
from ...readmodel import mark_changed
from ..transaction import transaction
from . import formats
from .formats.common import lines
from .matching import Planned
from .planner import plan_rows
from .rows import ImportRejected, ImportRow, ImportSummary, RowProblem
from .writer import write_plan


def read_text(path: Path) -> str:
    """A file's text (UTF-8, with or without BOM); a file that is not UTF-8 is rejected."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ImportRejected(path.name, [RowProblem(
            line, "file", f"not UTF-8 text ({error.reason} at byte {error.start})")]) from None


def import_text(text: str, source_name: str, fmt: str = "auto", question: str | None = None,
                *, dry_run: bool = False, skip_invalid: bool = False, actor: str = "",
                wrap_rows: Callable[[Iterable[ImportRow], int], Iterable[ImportRow]] | None = None,
                on_phase: Callable[[str], None] | None = None) -> ImportSummary:
    """Import a file's text in format ``fmt`` (``auto``: detected from its header).

    ``question`` names the question an approval list goes into, or keeps only that
    question's rows in other formats. ``wrap_rows(rows, total_lines)`` may wrap the row
    iterator (a progress bar). Raises ``ImportRejected`` as ``import_rows`` does, also for
    a file whose format or header is wrong.
    """
    reading = formats.read(text, source_name, fmt, question)
    rows: Iterable[ImportRow] = reading.rows
    if wrap_rows is not None:
        rows = wrap_rows(rows, reading.total_lines)
    started = time.perf_counter()
    try:
        summary = import_rows(rows, source_name, default_source=reading.default_source,
                              actor=actor, dry_run=dry_run, skip_invalid=skip_invalid,
                              only_question=reading.only_question, on_phase=on_phase,
                              format_name=reading.format)
    except ImportRejected as error:
        if error.summary is not None:
            _measure(error.summary, text, reading.format, started)
        raise
    _measure(summary, text, reading.format, started)
    return summary


def _measure(summary: ImportSummary, text: str, fmt: str, started: float) -> None:
    """The file's records, the import's seconds and the process's peak memory so far."""
    summary.seconds = time.perf_counter() - started
    if fmt != "canonical-json":
        summary.rows = max(sum(1 for _record in csv.reader(lines(text))) - 1, 0)
    summary.peak_memory_mb = peak_rss_mb()


def peak_rss_mb() -> float:
    """The process's peak resident set size (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def import_rows(rows: Iterable[ImportRow], source_name: str, default_source: str = "csv",
                actor: str = "", *, dry_run: bool = False, skip_invalid: bool = False,
                only_question: str | None = None, on_phase: Callable[[str], None] | None = None,
                format_name: str = "canonical") -> ImportSummary:
    """Validate every row, then store the polls in one transaction, whose commit queues
    one recompute per touched question for the workers (``pollservice.jobs``).

    Parameters
    ----------
    rows
        the file's rows, from a reader in ``imports.formats``.
    source_name
        the file's name: for messages and the audit trail (``import:NAME``).
    default_source
        ``source`` of rows that do not name one.
    actor
        who imports, for the audit trail (default ``import:<source_name>``).
    dry_run
        plan only: the summary says what would be added, updated, skipped and rejected;
        nothing is written.
    skip_invalid
        import the valid rows and report the others instead of rejecting the file.
    only_question
        import only this question's rows (the others are skipped).

    Returns
    -------
    ImportSummary

    Raises
    ------
    ImportRejected
        listing every bad row (line, field, message) when any row is invalid and neither
        ``skip_invalid`` nor ``dry_run`` is set; the database is left exactly as it was.
    """
    started = time.perf_counter()
    summary = ImportSummary(dry_run=dry_run, source_name=source_name, format=format_name)
    phase = on_phase or (lambda _name: None)
    try:
        plan = _read_and_plan(rows, summary, default_source, only_question, phase, started)
        if dry_run or (summary.problems and not skip_invalid):
            db.session.rollback()
            if summary.problems and not (dry_run or skip_invalid):
                raise ImportRejected(source_name, summary.problems, summary)
            return summary
        _write(plan, actor or f"import:{source_name}", summary, phase)
    except IntegrityError:
        db.session.rollback()  # a concurrent write stored the same poll or pollster first
        raise Conflict(f"{source_name}: another write changed the same polls meanwhile; "
                       "nothing was imported. Try again.") from None
    except Exception:
        db.session.rollback()
        raise
    _commit(summary, phase)
    return summary


def _read_and_plan(rows: Iterable[ImportRow], summary: ImportSummary, default_source: str,
                   only_question: str | None, phase: Callable[[str], None],
                   started: float) -> list[Planned]:
    """Read the rows and plan them; the summary gets the time each phase took."""
    kept = []
    for row in rows:  # rows left out on purpose are only counted (538's lists are long)
        summary.rows += 1  # the rows given (import_text counts a file's records instead)
        if row.skip:
            summary.skipped[row.skip] += 1
        else:
            kept.append(row)
    summary.timings["read"] = time.perf_counter() - started
    phase("checking")
    with db.session.no_autoflush:
        plan = plan_rows(kept, summary, default_source, only_question)
    summary.timings["plan"] = time.perf_counter() - started - summary.timings["read"]
    return plan


def _write(plan: list[Planned], actor: str, summary: ImportSummary,
           phase: Callable[[str], None]) -> None:
    phase("writing")
    mark = time.perf_counter()
    write_plan(plan, actor, summary)
    summary.timings["write"] = time.perf_counter() - mark


def _commit(summary: ImportSummary, phase: Callable[[str], None]) -> None:
    phase("committing")
    mark = time.perf_counter()
    with transaction():  # the commit bumps, publishes and queues each touched question once
        mark_changed(db.session, summary.question_ids)
    summary.timings["commit"] = time.perf_counter() - mark
