"""Matching checked rows with the stored polls they identify, each row classed as added,
updated, unchanged or skipped (a poll an editor deleted stays deleted); a row that gives
the same poll as an earlier row of the file is rejected.

A poll is identified by (question, ``source``, ``source_id``); without a source id by
question, source, pollster, field dates, population, sample size and sponsor, or by the
``natural_key`` the first importer stored as its source id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...domain.poll_fields import AUDITED_FIELDS
from ...domain.validation import PollInput, pollster_alias_key, pollster_slug
from ...models import Question
from ..audit import changed_values
from .rows import ImportRow, ImportSummary, Reject, RowOutcome
from .stored import StoredPoll, load_alias_slugs, load_pollsters, load_stored_polls
from .validation import MISSING, CheckedRow

DELETED_REASON = "deleted in pollservice (a re-import does not bring it back)"
Results = dict[str, tuple[float, float | None]]  # choice -> (pct, actual share)


@dataclass
class Planned:
    """A row to write: a new poll (``stored`` is None) or an update of a stored one."""

    row: ImportRow
    question: Question
    data: PollInput
    pollster_slug: str
    election_date: dt.date | None
    results: Results
    new: dict[str, Any]
    old: dict[str, Any] | None
    stored: StoredPoll | None
    outcome: RowOutcome


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


def match_rows(checked: list[CheckedRow], summary: ImportSummary,
               reject: Reject) -> list[Planned]:
    """The rows to write, in file order; the summary counts every row's outcome."""
    question_ids = {c.question.id for c in checked if c.question.id is not None}
    matcher = _Matcher(summary, reject, load_stored_polls(question_ids), load_pollsters(),
                       load_alias_slugs())
    planned = []
    for row in checked:
        p = matcher.match(row)
        if p is not None:
            planned.append(p)
    return planned


class _Matcher:
    def __init__(self, summary: ImportSummary, reject: Reject,
                 stored_by_question: dict[int, list[StoredPoll]],
                 pollsters: dict[str, tuple[int, str]], alias_slugs: dict[str, str] | None = None):
        self.summary = summary
        self.reject = reject
        self.pollsters = pollsters
        self.alias_slugs = alias_slugs or {}  # alias key -> pollster slug
        slug_of_id = {pid: slug for slug, (pid, _name) in pollsters.items()}
        self.name_of_id = {pid: name for _slug, (pid, name) in pollsters.items()}
        self.index = _index_stored(stored_by_question, slug_of_id)
        self.seen: dict[tuple, ImportRow] = {}  # (question, poll key) -> first row with it
        self.slugs: dict[str, str] = {}  # pollster name -> slug
        self.new_pollsters: dict[str, str] = {}  # slug -> the first spelling the file uses

    def match(self, checked: CheckedRow) -> Planned | None:
        """What to write for this row (None when it changes nothing or is rejected)."""
        row, question, data = checked.row, checked.question, checked.data
        slug = self._pollster_slug(data.pollster)
        key = _poll_key(data, slug)
        earlier = self.seen.get((question.slug, key))
        if earlier is not None:
            self.reject(row, "source_id" if data.source_id else "row",
                        f"repeats the poll of line {earlier.line}")
            return None
        self.seen[(question.slug, key)] = row
        stored = self._stored_poll(question, data, key)
        outcome = RowOutcome(row.line, row.ref, "", question.slug, data.pollster,
                             data.end_date.isoformat(), data.source_id)
        if stored is not None and stored.deleted:
            self.summary.skipped[DELETED_REASON] += 1
            outcome.action, outcome.poll_id = "skipped", stored.id
            self.summary.outcomes.append(outcome)
            return None
        return self._compare(checked, slug, stored, outcome)

    def _pollster_slug(self, name: str) -> str:
        slug = self.slugs.get(name)
        if slug is None:
            slug = pollster_slug(name)
            if slug not in self.pollsters:  # a merged pollster's name: its survivor
                slug = self.alias_slugs.get(pollster_alias_key(name), slug)
            self.slugs[name] = slug
        return slug

    def _pollster_name(self, slug: str, name: str) -> str:
        if slug in self.pollsters:
            return self.pollsters[slug][1]
        # a new pollster is created with the first spelling the file uses
        return self.new_pollsters.setdefault(slug, name)

    def _stored_poll(self, question: Question, data: PollInput, key: tuple) -> StoredPoll | None:
        by_key = self.index.get(question.id, {}) if question.id is not None else {}
        stored = by_key.get(key)
        if stored is None and not data.source_id:  # ids the first importer made up
            stored = by_key.get((data.source, natural_key(question.slug, data)))
        return stored

    def _compare(self, checked: CheckedRow, slug: str, stored: StoredPoll | None,
                 outcome: RowOutcome) -> Planned | None:
        """The row's values against those of its stored poll (if any): added, updated or
        unchanged. Results and election date the file does not give are kept."""
        summary, question, data = self.summary, checked.question, checked.data
        old_results, old_date = _stored_results(question, stored)
        election_date = old_date if checked.election_date is MISSING else checked.election_date
        results = _results(data, checked.actual, old_results)
        extended = bool(election_date or old_date
                        or any(a is not None for _p, a in results.values())
                        or any(a is not None for _p, a in old_results.values()))
        new = _snapshot(self._pollster_name(slug, data.pollster), vars(data), data.source,
                        data.source_id, results, election_date, extended, question)
        old = None
        if stored is not None:
            old = _snapshot(self.name_of_id[stored.pollster_id], stored.values, stored.source,
                            stored.source_id, old_results, old_date, extended, question)
            outcome.poll_id = stored.id
            if old == new:
                summary.unchanged += 1
                outcome.action = "unchanged"
                summary.outcomes.append(outcome)
                return None
            old_changed, new_changed = changed_values(old, new)
            outcome.changes = {k: (old_changed[k], new_changed[k]) for k in new_changed}
            outcome.action = "updated"
            summary.updated += 1
        else:
            outcome.action = "added"
            summary.added += 1
        summary.outcomes.append(outcome)
        summary.questions.add(question.slug)
        return Planned(checked.row, question, data, slug, election_date, results, new, old,
                       stored, outcome)


def _index_stored(stored_by_question: dict[int, list[StoredPoll]],
                  slug_of_id: dict[int, str]) -> dict[int, dict[tuple, StoredPoll]]:
    """Question id -> poll key -> stored poll."""
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
    return index


def _poll_key(data: PollInput, pollster_slug: str) -> tuple:
    if data.source_id:
        return (data.source, data.source_id)
    return (data.source, _field_key(pollster_slug, data.start_date, data.end_date,
                                    data.population, data.sample_size, data.sponsor))


def _stored_results(question: Question, stored: StoredPoll | None
                    ) -> tuple[Results, dt.date | None]:
    """The stored poll's results by choice name, and its election date."""
    if stored is None:
        return {}, None
    names = {c.id: c.name for c in question.choices if c.id is not None}
    return ({names[cid]: (pct, act) for cid, (_rid, pct, act) in stored.results.items()},
            stored.election_date)


def _results(data: PollInput, actual: Any, old_results: Results) -> Results:
    """The row's percents, each with its actual share: the file's, else the stored one."""
    results = {}
    for name, pct in data.results.items():
        if actual is MISSING:
            share = old_results.get(name, (None, None))[1]
        else:
            share = actual.get(name)
        results[name] = (pct, share)
    return results


def _snapshot(pollster: str, values: Mapping[str, Any], source: str, source_id: str | None,
              results: Mapping[str, tuple[float, float | None]], election_date: dt.date | None,
              extended: bool, question: Question) -> dict[str, Any]:
    """A poll's values in the audit trail's shape (``audit.poll_snapshot``); with
    ``election_date`` and ``actual_results`` when either side of a comparison has them."""
    snapshot: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        value: Any
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
