"""Importing polls in bulk: atomic, idempotent, audited, and fast enough for 538's poll lists.

Every file format (``imports.formats``) turns its rows into ``ImportRow``s (``imports.rows``):
the raw values of one poll of one question, with the line they came from. An import then
takes the rows as a stream, ``BATCH_ROWS`` at a time, each batch in two phases:

1. **Plan** (reads only): every row is validated with the rules of the admin form
   (``polls.validate_poll``), matched with the stored poll it identifies, and classed as
   added, updated, unchanged, skipped or rejected. A dry run stops here and writes nothing.
2. **Write**: bulk statements (executemany, ``INSERT ... RETURNING``) for pollsters,
   polls, results and audit entries, in the import's one transaction; the batch is then
   let go. After the last batch, the aliases and counted versions are written and the
   commit (``readmodel.events``) bumps the touched questions' data version and queues
   their recomputes once per question (not once per row). Once a row is bad (without
   ``skip_invalid``) nothing more is written, the rest is still checked so that every
   problem is listed, and everything is rolled back.

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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from ...domain.errors import Conflict
from ...extensions import db
from ...readmodel import mark_changed
from ..transaction import transaction
from . import formats
from .formats.common import lines
from .planner import Planner
from .rows import ImportRejected, ImportRow, ImportSummary, RowProblem
from .writer import Writes

BATCH_ROWS = 2000  # rows planned and written together (one executemany per statement)


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
                format_name: str = "canonical", batch_rows: int = BATCH_ROWS,
                on_batch: Callable[[ImportSummary], None] | None = None) -> ImportSummary:
    """Validate the rows and store the polls in one transaction, whose commit queues one
    recompute per touched question for the workers (``pollservice.jobs``).

    The rows are consumed as a stream, ``batch_rows`` at a time (see the module docstring).

    Parameters
    ----------
    rows
        the file's rows, from a reader in ``imports.formats`` (read once, lazily).
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
    batch_rows, on_batch
        rows planned and written together; a callable given the summary after each batch.

    Returns
    -------
    ImportSummary

    Raises
    ------
    ImportRejected
        listing every bad row (line, field, message) when any row is invalid and neither
        ``skip_invalid`` nor ``dry_run`` is set; the database is left exactly as it was.
    """
    summary = ImportSummary(dry_run=dry_run, source_name=source_name, format=format_name)
    phase = on_phase or (lambda _name: None)
    try:
        wrote = _plan_and_write(rows, summary, _Options(
            default_source, only_question, actor or f"import:{source_name}", dry_run,
            skip_invalid, batch_rows), phase, on_batch)
        if not wrote:
            db.session.rollback()
            if summary.problems and not (dry_run or skip_invalid):
                raise ImportRejected(source_name, summary.problems, summary)
            return summary
    except IntegrityError:
        db.session.rollback()  # a concurrent write stored the same poll or pollster first
        raise Conflict(f"{source_name}: another write changed the same polls meanwhile; "
                       "nothing was imported. Try again.") from None
    except Exception:
        db.session.rollback()
        raise
    _commit(summary, phase)
    return summary


@dataclass
class _Options:
    default_source: str
    only_question: str | None
    actor: str
    dry_run: bool
    skip_invalid: bool
    batch_rows: int


def _plan_and_write(rows: Iterable[ImportRow], summary: ImportSummary, options: _Options,
                    phase: Callable[[str], None],
                    on_batch: Callable[[ImportSummary], None] | None) -> bool:
    """Plan and write the rows batch by batch; whether the writes are to be committed
    (False: a dry run, or a bad row without ``skip_invalid``)."""
    planner = Planner(summary, options.default_source, options.only_question)
    writes = Writes(options.actor, summary)
    timings = summary.timings
    for name in ("read", "plan", "write"):
        timings[name] = 0.0
    phase("checking")
    mark = time.perf_counter()
    for batch in _batches(rows, summary, options.batch_rows):
        now = time.perf_counter()
        timings["read"] += now - mark
        with db.session.no_autoflush:
            planned = planner.plan(batch)
        mark = time.perf_counter()
        timings["plan"] += mark - now
        if _writing(summary, options):
            writes.write(planned)
            now, mark = mark, time.perf_counter()
            timings["write"] += mark - now
        if on_batch is not None:
            on_batch(summary)
    planner.finish()
    if not _writing(summary, options):
        return False
    phase("writing")
    now = time.perf_counter()
    writes.finish()
    timings["write"] += time.perf_counter() - now
    return True


def _writing(summary: ImportSummary, options: _Options) -> bool:
    return not options.dry_run and not (summary.problems and not options.skip_invalid)


def _batches(rows: Iterable[ImportRow], summary: ImportSummary,
             size: int) -> Iterator[list[ImportRow]]:
    """The rows in lists of ``size``; rows left out on purpose are only counted."""
    batch: list[ImportRow] = []
    for row in rows:
        summary.rows += 1  # the rows given (import_text counts a file's records instead)
        if row.skip:
            summary.skipped[row.skip] += 1
            continue
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _commit(summary: ImportSummary, phase: Callable[[str], None]) -> None:
    phase("committing")
    mark = time.perf_counter()
    with transaction():  # the commit bumps, publishes and queues each touched question once
        mark_changed(db.session, summary.question_ids)
    summary.timings["commit"] = time.perf_counter() - mark
