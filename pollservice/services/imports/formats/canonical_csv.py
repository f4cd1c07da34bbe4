"""The canonical CSV: one row per poll and question, one column per answer choice.

Columns (a header row names them; order does not matter; README.md documents them):

- ``question`` (required): the question's slug.
- ``question_title``, ``question_region``: used only to create a question that does not
  exist yet; its answer choices are then the choice columns this file fills for it, in
  column order.
- ``pollster`` (required), ``sponsor``.
- ``start_date``, ``end_date`` (required, ``YYYY-MM-DD``).
- ``sample_size``: a whole number, empty when unknown.
- ``population`` (required): ``a`` adults, ``rv`` registered voters, ``lv`` likely
  voters, ``v`` voters.
- ``mode``, ``source_url``, ``partisan`` and ``internal`` (yes/no), ``notes``.
- ``source``, ``source_id``: where the poll came from and its id there. Importing a row
  whose (question, source, source_id) is stored updates that poll instead of adding one.
  Without a ``source_id`` the poll is identified by question, source, pollster, field
  dates, population, sample size and sponsor.
- ``election_date``: for a poll about an election that has happened, its day.
- ``actual:<choice>``: that choice's actual share in the election (percent).
- ``weight_<method>:<choice>``, ``house_adjustment_<method>:<choice>``: written by the
  export (the poll's weight and house-effect adjustment in the current average by that
  method); ignored on import.
- Every other column is an answer choice, holding a percent (0 to 100) or nothing.

Formula injection (OWASP "CSV Injection"): the export writes a text cell (and a header
cell) that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return with a
single quote before it, so a spreadsheet shows it as text instead of running it; the
importer takes that quote off again. To keep the round trip exact, a text that itself
starts with a quote followed by one of those characters or by another quote gets one more
quote; any other leading quote (``'s-Hertogenbosch``) is left alone both ways. Numbers
and dates are written as they are (``-3.5`` stays a number).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping
from typing import overload

from ....domain.poll_fields import ACTUAL_PREFIX, CANONICAL_COLUMNS, DERIVED_COLUMN
from ....models import Poll, Question
from ..rows import ImportRejected, ImportRow, RowProblem
from .common import lines

POLL_COLUMNS = list(CANONICAL_COLUMNS)
REQUIRED_COLUMNS = ["question", "pollster", "start_date", "end_date", "population"]
VALUE_COLUMNS = [c for c in POLL_COLUMNS if c not in ("question", "question_title", "question_region")]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED = (*FORMULA_TRIGGERS, "'")

# Weights of one question: poll id -> choice -> (weight, house adjustment).
Weights = Mapping[int, Mapping[str, tuple[float, float]]]


def matches(header: list[str]) -> bool:
    return all(name in header for name in REQUIRED_COLUMNS)


def read_rows(stream: Iterable[str], source_name: str,
              question: str | None = None) -> Iterator[ImportRow]:
    """Parse a canonical CSV; a missing required column rejects the whole file at once."""
    reader = csv.DictReader(stream)
    header = [unquote_text(name.strip()) for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ImportRejected(
            source_name, [RowProblem(1, name, "required column is missing") for name in missing]
        )
    reader.fieldnames = header
    actual_columns = {name: name[len(ACTUAL_PREFIX):] for name in header
                      if name.startswith(ACTUAL_PREFIX)}
    choice_columns = [name for name in header if name and name not in POLL_COLUMNS
                      and name not in actual_columns and not DERIVED_COLUMN.match(name)]
    if not choice_columns:
        raise ImportRejected(source_name, [RowProblem(1, "header", "no answer-choice column")])
    return _rows(reader, choice_columns, actual_columns)


def _rows(reader: csv.DictReader, choice_columns: list[str],
          actual_columns: dict[str, str]) -> Iterator[ImportRow]:
    for record in reader:
        line = reader.line_num
        slug = (record.get("question") or "").strip()
        if None in record:
            yield ImportRow(line=line, question=slug, values={},
                            problems=[("row", "has more cells than the header")])
            continue
        record = {name: unquote_text(value) for name, value in record.items()}
        values = {name: record.get(name) for name in VALUE_COLUMNS if name in record}
        values = {k: v for k, v in values.items() if not (k in ("source", "source_id") and not v)}
        values["results"] = {
            name: record[name] for name in choice_columns if (record.get(name) or "").strip()
        }
        if actual_columns:
            values["actual_results"] = {choice: record[column]
                                        for column, choice in actual_columns.items()
                                        if (record.get(column) or "").strip()}
        yield ImportRow(
            line=line,
            question=slug,
            values=values,
            question_title=(record.get("question_title") or "").strip(),
            question_region=(record.get("question_region") or "").strip(),
        )


def read_text_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    return read_rows(lines(text), source_name, question)


def write_polls(questions: Iterable[tuple[Question, list[Poll]]],
                weights: Mapping[int, Weights] | None = None, method: str = "kalman") -> str:
    """The canonical CSV of these polls; choice columns in each question's order.

    ``weights`` (question id -> poll id -> choice -> (weight, house adjustment)) adds the
    columns ``weight_<method>:<choice>`` and ``house_adjustment_<method>:<choice>``.
    ``actual:<choice>`` columns appear when a poll carries an election result.
    """
    questions = list(questions)
    has_actual = any(r.actual_pct is not None
                     for _question, polls in questions for poll in polls for r in poll.results)
    return "".join(iter_csv(questions, weights, method, has_actual))


def iter_csv(questions: Iterable[tuple[Question, Iterable[Poll]]],
             weights: Mapping[int, Weights] | None, method: str, has_actual: bool) -> Iterator[str]:
    """``write_polls`` one line at a time, reading each question's polls as it goes (an
    export streams them); ``has_actual``: whether to write the ``actual:`` columns."""
    questions = list(questions)
    choice_columns = choice_column_order([[c.name for c in q.choices] for q, _polls in questions])
    actual_columns = [ACTUAL_PREFIX + name for name in choice_columns] if has_actual else []
    weight_columns = []
    if weights is not None:
        weight_columns = ([f"weight_{method}:{name}" for name in choice_columns]
                          + [f"house_adjustment_{method}:{name}" for name in choice_columns])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")

    def line(row: list) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        return out.getvalue()

    yield line([quote_text(name) for name in
                POLL_COLUMNS + choice_columns + actual_columns + weight_columns])
    for question, polls in questions:
        names = {choice.id: choice.name for choice in question.choices}
        question_weights = (weights or {}).get(question.id, {})
        for poll in polls:
            yield line(_poll_row(question, names, poll, choice_columns, has_actual,
                                 question_weights.get(poll.id, {}) if weight_columns else None))


def _poll_row(question: Question, names: Mapping[int, str], poll: Poll, choice_columns: list[str],
              has_actual: bool, poll_weights: Mapping[str, tuple[float, float]] | None) -> list:
    results = {names[r.choice_id]: r for r in poll.results}
    text = quote_text
    row = [
        text(question.slug), text(question.title), text(question.region),
        text(poll.pollster.name), text(poll.sponsor), poll.start_date.isoformat(),
        poll.end_date.isoformat(), "" if poll.sample_size is None else poll.sample_size,
        text(poll.population), text(poll.mode), text(poll.source_url),
        "yes" if poll.partisan else "no", "yes" if poll.internal else "no",
        text(poll.notes), text(poll.source), text(poll.source_id or ""),
        poll.election_date.isoformat() if poll.election_date else "",
        *[_format_pct(results[name].pct if name in results else None) for name in choice_columns],
    ]
    if has_actual:
        row.extend(_format_pct(results[name].actual_pct if name in results else None)
                   for name in choice_columns)
    if poll_weights is not None:
        row.extend(_format_number(poll_weights[name][0] if name in poll_weights else None)
                   for name in choice_columns)
        row.extend(_format_number(poll_weights[name][1] if name in poll_weights else None)
                   for name in choice_columns)
    return row


def choice_column_order(orders: Iterable[list[str]]) -> list[str]:
    """One list of choice columns that keeps each question's order of its choices (an
    import creates a question's choices in column order): a topological sort of the
    questions' orders, earliest-listed choice first among those free to go next.

    Only questions that order the same choices both ways (Trump, Biden and Biden, Trump)
    cannot all keep their order in one header; the earliest-listed choice then goes
    first. The JSON export keeps every question's order.
    """
    appearance: list[str] = []
    after: dict[str, set[str]] = {}  # choice -> the choices some question lists next
    for order in orders:
        for name in order:
            if name not in after:
                appearance.append(name)
                after[name] = set()
        for first, second in zip(order, order[1:], strict=False):
            if first != second:
                after[first].add(second)
    waiting = {name: 0 for name in appearance}  # choices that must come before it
    for followers in after.values():
        for name in followers:
            waiting[name] += 1
    columns: list[str] = []
    remaining = list(appearance)
    while remaining:
        # the earliest choice free to go next; in a conflict, simply the earliest one
        name = next((n for n in remaining if waiting[n] == 0), remaining[0])
        remaining.remove(name)
        columns.append(name)
        for follower in after[name]:
            waiting[follower] -= 1
    return columns


@overload
def quote_text(value: str) -> str: ...
@overload
def quote_text(value: None) -> None: ...
def quote_text(value: str | None) -> str | None:
    """A text cell a spreadsheet will not run as a formula (see the module docstring)."""
    if value and (value.startswith(FORMULA_TRIGGERS)
                  or (value.startswith("'") and value[1:2] and value[1:2] in _QUOTED)):
        return "'" + value
    return value


@overload
def unquote_text(value: str) -> str: ...
@overload
def unquote_text(value: None) -> None: ...
def unquote_text(value: str | None) -> str | None:
    """The text ``quote_text`` quoted (any other cell as it is)."""
    if value and value.startswith("'") and value[1:2] and value[1:2] in _QUOTED:
        return value[1:]
    return value


def _format_pct(value: float | None) -> str:
    return "" if value is None else f"{value:.10g}"


def _format_number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"
