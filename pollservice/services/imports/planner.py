"""Planning an import (reads only): every row validated against its question, and matched
with the stored poll it identifies."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slugify import slugify
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Choice, Pollster, Question
from ..audit import AUDITED_FIELDS, changed_values
from ..errors import ServiceError, ValidationFailed
from ..polls import PollInput, parse_date, pollster_slug, validate_poll
from ..questions import create_question
from .rows import ImportRow, ImportSummary, RowOutcome, RowProblem
from .stored import StoredPoll, chunks, load_stored_polls

MISSING = object()
DELETED_REASON = "deleted in pollservice (a re-import does not bring it back)"


def natural_key(question: str, data: PollInput) -> str:
    """The stable id the first importer gave rows without a source id (still matched)."""
    parts = [question, data.pollster.casefold(), data.start_date.isoformat(),
             data.end_date.isoformat(), data.population, str(data.sample_size or ""),
             data.sponsor.casefold()]
    return "key:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:20]


def _field_key(pollster_slug: str, start: dt.date, end: dt.date, population: str,
               sample_size: int | None, sponsor: str) -> tuple:
    """Identity of a poll without a source id."""
    return ("fields", pollster_slug, start, end, population, sample_size, sponsor.casefold())


# --- plan -------------------------------------------------------------------------------


@dataclass
class Planned:
    row: ImportRow
    question: Question
    data: PollInput
    pollster_slug: str
    election_date: dt.date | None
    results: dict[str, tuple[float, float | None]]  # choice -> (pct, actual share)
    new: dict[str, Any]
    old: dict[str, Any] | None
    stored: StoredPoll | None
    outcome: RowOutcome


class Planner:
    def __init__(self, summary: ImportSummary, default_source: str, only_question: str | None):
        self.summary = summary
        self.default_source = default_source
        self.only_question = only_question
        self.rejected_rows: set[int] = set()
        self.slugs: dict[str, str] = {}
        self.new_pollsters: dict[str, str] = {}

    def pollster_slug(self, name: str) -> str:
        slug = self.slugs.get(name)
        if slug is None:
            slug = self.slugs[name] = pollster_slug(name)
        return slug

    def reject(self, row: ImportRow, name: str, message: str) -> None:
        column = (row.columns or {}).get(name, name)
        line = (row.field_lines or {}).get(name, row.line)
        self.summary.problems.append(RowProblem(line, column, message, row.ref))
        if id(row) not in self.rejected_rows:
            self.rejected_rows.add(id(row))
            self.summary.rejected += 1
            self.summary.outcomes.append(RowOutcome(row.line, row.ref, "rejected", row.question))

    def plan(self, rows: list[ImportRow]) -> list[Planned]:
        summary = self.summary
        kept: list[ImportRow] = []
        for row in rows:
            if row.skip:
                summary.skipped[row.skip] += 1
            elif self.only_question and row.question != self.only_question:
                summary.skipped[f"not question {self.only_question}"] += 1
            else:
                kept.append(row)
        questions = self._questions(kept)
        validated: list[tuple[ImportRow, Question, PollInput, dt.date | None, dict]] = []
        for row in kept:
            question = questions.get(row.question)
            if question is None:
                continue  # already reported
            checked = self._validate(row, question)
            if checked is not None:
                validated.append((row, question, *checked))
        planned = self._match(validated)
        self._drop_unused_new_choices(questions, planned)
        summary.problems.sort(key=lambda p: (p.line, p.ref))
        summary.outcomes.sort(key=lambda o: (o.line, o.ref))
        return planned

    # questions -------------------------------------------------------------------------

    def _questions(self, rows: list[ImportRow]) -> dict[str, Question]:
        slugs = {row.question for row in rows if row.question}
        found: dict[str, Question] = {}
        for chunk in chunks(sorted(slugs)):
            found.update((q.slug, q) for q in db.session.execute(
                select(Question).where(Question.slug.in_(chunk))
                .options(selectinload(Question.choices))).scalars())
        rows_of: dict[str, list[ImportRow]] = {}
        for row in rows:
            if not row.question:
                self.reject(row, "question", "is required")
            else:
                rows_of.setdefault(row.question, []).append(row)
        self.new_choices: list[tuple[Question, Choice]] = []
        self.new_questions: dict[str, Question] = {}
        for slug, its_rows in rows_of.items():
            question = found.get(slug)
            if question is None:
                question = self._create(slug, its_rows)
                if question is None:
                    continue
                found[slug] = question
            elif any(row.extend_choices for row in its_rows):
                self._extend(question, its_rows)
        return found

    def _create(self, slug: str, rows: list[ImportRow]) -> Question | None:
        if slugify(slug, max_length=120, word_boundary=True) != slug:
            # A new question is stored under its slug; a cell that is not one would be
            # looked up again as written and never found, so a re-import would conflict.
            for row in rows:
                self.reject(row, "question", f"must be a slug (lower case, digits and hyphens), "
                                             f"e.g. {slugify(slug, max_length=120)!r}")
            return None
        titled = next((row for row in rows if row.question_title), None)
        if titled is None:
            for row in rows:
                self.reject(row, "question",
                            f"no question {slug!r}; add a question_title column to create it")
            return None
        try:
            question = create_question(titled.question_title, _choices_for(rows), slug=slug,
                                       region=titled.question_region)
        except ServiceError as error:
            for row in rows:
                for name, message in (error.fields or {"question": error.message}).items():
                    self.reject(row, "question." + name, message)
            return None
        self.new_questions[slug] = question
        return question

    def _extend(self, question: Question, rows: list[ImportRow]) -> None:
        known = {choice.name.casefold() for choice in question.choices}
        position = max((choice.position for choice in question.choices), default=-1)
        for name in _choices_for([row for row in rows if row.extend_choices]):
            if name.casefold() not in known and len(name) <= 120:
                position += 1
                choice = Choice(name=name, position=position)
                question.choices.append(choice)
                known.add(name.casefold())
                self.new_choices.append((question, choice))

    def _drop_unused_new_choices(self, questions: dict[str, Question],
                                 planned: list[Planned]) -> None:
        used = {(id(p.question), name) for p in planned for name in p.results}
        for question, choice in self.new_choices:
            if (id(question), choice.name) not in used:
                question.choices.remove(choice)  # pending: leaves the session
        wanted = {p.question.slug for p in planned}
        for slug, question in self.new_questions.items():
            if slug in wanted:
                self.summary.created_questions.append(question.slug)
            else:
                db.session.expunge(question)

    # rows ------------------------------------------------------------------------------

    def _validate(self, row: ImportRow, question: Question):
        reported = {name for name, _message in row.problems}
        for name, message in row.problems:
            self.reject(row, name, message)
        try:
            data = validate_poll(question, {"source": self.default_source, **row.values})
        except ValidationFailed as error:
            for name, message in error.fields.items():
                if name not in reported:
                    self.reject(row, name, message)
            data = None
        errors: dict[str, str] = {}
        election_date: Any = MISSING
        raw_date = row.values.get("election_date", MISSING)
        if raw_date is not MISSING:
            election_date = None
            if raw_date not in (None, ""):
                try:
                    election_date = parse_date(raw_date)
                except ValueError as exc:
                    errors["election_date"] = str(exc)
        actual: Any = MISSING
        raw_actual = row.values.get("actual_results", MISSING)
        if raw_actual is not MISSING:
            actual = _actual_results(question, raw_actual, errors,
                                     data.results if data is not None else None)
        for name, message in errors.items():
            if name not in reported:
                self.reject(row, name, message)
        if data is None or errors or row.problems:
            return None
        return data, election_date, actual

    def _match(self, validated) -> list[Planned]:
        summary = self.summary
        question_ids = {q.id for _row, q, *_ in validated if q.id is not None}
        stored_by_question = load_stored_polls(question_ids)
        pollsters = {slug: (pid, name) for pid, slug, name in db.session.execute(
            select(Pollster.id, Pollster.slug, Pollster.name)).all()}
        slug_of_id = {pid: slug for slug, (pid, _name) in pollsters.items()}
        name_of_id = {pid: name for _slug, (pid, name) in pollsters.items()}
        index: dict[int, dict[tuple, StoredPoll]] = {}
        for question_id, polls in stored_by_question.items():
            by_key = index.setdefault(question_id, {})
            for poll in polls:
                if poll.source_id:
                    by_key[(poll.source, poll.source_id)] = poll
                else:
                    v = poll.values
                    by_key[(poll.source, _field_key(slug_of_id[poll.pollster_id], v["start_date"],
                                                    v["end_date"], v["population"],
                                                    v["sample_size"], v["sponsor"]))] = poll
        seen: dict[tuple, ImportRow] = {}
        planned: list[Planned] = []
        for row, question, data, election_date, actual in validated:
            slug = self.pollster_slug(data.pollster)
            if data.source_id:
                key = (data.source, data.source_id)
            else:
                key = (data.source, _field_key(slug, data.start_date, data.end_date,
                                               data.population, data.sample_size, data.sponsor))
            earlier = seen.get((question.slug, key))
            if earlier is not None:
                self.reject(row, "source_id" if data.source_id else "row",
                            f"repeats the poll of line {earlier.line}")
                continue
            seen[(question.slug, key)] = row
            by_key = index.get(question.id, {}) if question.id is not None else {}
            stored = by_key.get(key)
            if stored is None and not data.source_id:  # ids the first importer made up
                stored = by_key.get((data.source, natural_key(question.slug, data)))
            outcome = RowOutcome(row.line, row.ref, "", question.slug, data.pollster,
                                 data.end_date.isoformat(), data.source_id)
            if stored is not None and stored.deleted:
                summary.skipped[DELETED_REASON] += 1
                outcome.action, outcome.poll_id = "skipped", stored.id
                summary.outcomes.append(outcome)
                continue
            names = {c.id: c.name for c in question.choices if c.id is not None}
            old_results: dict[str, tuple[float, float | None]] = {}
            old_date = None
            if stored is not None:
                old_results = {names[cid]: (pct, act) for cid, (_rid, pct, act)
                               in stored.results.items()}
                old_date = stored.election_date
            if election_date is MISSING:
                election_date = old_date
            results = {}
            for name, pct in data.results.items():
                if actual is MISSING:
                    share = old_results.get(name, (None, None))[1]
                else:
                    share = actual.get(name)
                results[name] = (pct, share)
            if slug in pollsters:
                pollster_name = pollsters[slug][1]
            else:  # a new pollster is created with the first spelling the file uses
                pollster_name = self.new_pollsters.setdefault(slug, data.pollster)
            extended = bool(election_date or old_date
                            or any(a is not None for _p, a in results.values())
                            or any(a is not None for _p, a in old_results.values()))
            new = _snapshot(pollster_name, vars(data), data.source, data.source_id,
                            results, election_date, extended, question)
            old = None
            if stored is not None:
                old = _snapshot(name_of_id[stored.pollster_id], stored.values, stored.source,
                                stored.source_id, old_results, old_date, extended, question)
                outcome.poll_id = stored.id
                if old == new:
                    summary.unchanged += 1
                    outcome.action = "unchanged"
                    summary.outcomes.append(outcome)
                    continue
                old_changed, new_changed = changed_values(old, new)
                outcome.changes = {k: (old_changed[k], new_changed[k]) for k in new_changed}
                outcome.action = "updated"
                summary.updated += 1
            else:
                outcome.action = "added"
                summary.added += 1
            summary.outcomes.append(outcome)
            summary.questions.add(question.slug)
            planned.append(Planned(row, question, data, slug, election_date, results, new, old,
                                    stored, outcome))
        return planned


def _choices_for(rows: list[ImportRow]) -> list[str]:
    """A question's choices as the rows give them: each row's ``question_choices``, then
    the choices the rows fill, in order of appearance."""
    names: list[str] = []
    seen: set[str] = set()
    for row in rows:
        filled = [name for name, value in (row.values.get("results") or {}).items()
                  if value not in (None, "")]
        for name in (*row.question_choices, *filled):
            name = str(name).strip()
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
    return names


def _actual_results(question: Question, raw: Any, errors: dict[str, str],
                    results: dict[str, float] | None) -> dict[str, float]:
    """Actual election shares per choice, validated like poll percents."""
    if not isinstance(raw, Mapping):
        errors["actual_results"] = "must map answer choices to percents"
        return {}
    names = {choice.name for choice in question.choices}
    shares: dict[str, float] = {}
    for name, value in raw.items():
        key = f"actual_results.{name}"
        if value is None or str(value).strip() == "":
            continue
        if name not in names:
            errors[key] = "is not a choice of this question"
            continue
        try:
            share = float(str(value).strip().rstrip("%"))
        except ValueError:
            errors[key] = f"{value!r} is not a number"
            continue
        if not math.isfinite(share):
            errors[key] = "must be a finite number"
            continue
        if not 0 <= share <= 100:
            errors[key] = "must be between 0 and 100"
        elif results is not None and name not in results:
            errors[key] = "needs the poll's own percent for this choice"
        else:
            shares[name] = share
    return shares


def _snapshot(pollster: str, values: Mapping[str, Any], source: str, source_id: str | None,
              results: Mapping[str, tuple[float, float | None]], election_date: dt.date | None,
              extended: bool, question: Question) -> dict[str, Any]:
    """A poll's values in the audit trail's shape (``audit.poll_snapshot``); with
    ``election_date`` and ``actual_results`` when either side of a comparison has them."""
    snapshot: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        if name == "pollster":
            value = pollster
        elif name == "source":
            value = source
        elif name == "source_id":
            value = source_id
        else:
            value = values[name]
        snapshot[name] = value.isoformat() if isinstance(value, dt.date) else value
    order = [c.name for c in question.choices]
    snapshot["results"] = {name: results[name][0] for name in order if name in results}
    if extended:
        snapshot["election_date"] = election_date.isoformat() if election_date else None
        snapshot["actual_results"] = {name: results[name][1] for name in order
                                      if name in results and results[name][1] is not None}
    return snapshot
