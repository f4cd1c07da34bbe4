"""Matching checked rows with the stored polls they identify, each row classed as added,
updated, unchanged or skipped (a poll an editor deleted stays deleted); a row that gives
the same poll as an earlier row of the file is rejected.

A poll is identified by (question, ``source``, ``source_id``); without a source id by
question, source, pollster, field dates, population, sample size and sponsor, or by the
``natural_key`` the first importer stored as its source id.

An update changes only what the file carries: a field the format lacks (the approval list
has no sponsor or mode) keeps its stored value, a row that gives only some fields
(``ImportRow.update_fields``) or some answers (``partial_results``) leaves the others.

A pollster is found by 538's ``pollster_id``, then by any spelling met before
(``PollsterAlias``), then by its slug; only then is a new one created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...domain.poll_fields import AUDITED_FIELDS, SCALAR_FIELDS
from ...domain.validation import PollInput, pollster_alias_key, pollster_slug
from ...models import Question
from ..audit import changed_values
from .rows import ImportRow, ImportSummary, Reject, RowOutcome
from .stored import (
    EXTRA_DEFAULTS,
    EXTRA_FIELDS,
    StoredPoll,
    load_pollster_identities,
    load_pollsters,
    load_stored_polls,
)
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
    extra: dict[str, Any]  # EXTRA_FIELDS as they are to be stored
    pollster_fte_id: int | None = None


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


class Matcher:
    """Matches the rows of one import, batch after batch: the pollsters are read once, the
    stored polls of each question when a batch first names it, and what the file has
    given so far is remembered by key and line only (a repeat is rejected)."""

    def __init__(self, summary: ImportSummary, reject: Reject):
        self.summary = summary
        self.identities = load_pollster_identities()
        self.reject = reject
        self.pollsters = load_pollsters()
        self.slug_of_id = {pid: slug for slug, (pid, _name) in self.pollsters.items()}
        self.name_of_id = {pid: name for _slug, (pid, name) in self.pollsters.items()}
        self.index: dict[int, dict[tuple, StoredPoll]] = {}
        self.loaded: set[str] = set()  # slugs of the questions whose stored polls are read
        self.seen: dict[tuple, int] = {}  # (question, poll key) -> the first line with it
        self.slugs: dict[str, str] = {}  # pollster name -> slug
        # slug -> the first spelling the file uses, of each pollster the import creates
        self.new_pollsters: dict[str, str] = summary.created_pollsters

    def match_rows(self, checked: list[CheckedRow]) -> list[Planned]:
        """The rows of one batch to write, in file order; the summary counts every row's
        outcome. A question's stored polls are read when a batch first names it (before
        this import wrote any poll of it)."""
        first_seen = {c.question.slug: c.question for c in checked
                      if c.question.slug not in self.loaded}
        self.loaded.update(first_seen)
        ids = {q.id for q in first_seen.values() if q.id is not None}
        if ids:
            self.index.update(_index_stored(load_stored_polls(ids), self.slug_of_id))
        planned = []
        for row in checked:
            p = self.match(row)
            if p is not None:
                planned.append(p)
        return planned

    def match(self, checked: CheckedRow) -> Planned | None:
        """What to write for this row (None when it changes nothing or is rejected)."""
        row, question, data = checked.row, checked.question, checked.data
        slug = self._pollster_slug(row, data.pollster)
        key = _poll_key(data, slug)
        earlier = self.seen.get((question.slug, key))
        if earlier is not None:
            self.reject(row, "source_id" if data.source_id else "row",
                        f"repeats the poll of line {earlier}")
            return None
        self.seen[(question.slug, key)] = row.line
        stored = self._stored_poll(question, data, key)
        outcome = RowOutcome(row.line, row.ref, "", question.slug, data.pollster,
                             data.end_date.isoformat(), data.source_id)
        if stored is not None and stored.deleted:
            self.summary.skipped[DELETED_REASON] += 1
            outcome.action, outcome.poll_id = "skipped", stored.id
            self.summary.keep_outcome(outcome)
            return None
        if stored is not None:
            slug = self._keep_what_the_file_lacks(checked, stored, slug)
        return self._compare(checked, slug, stored, outcome)

    def _pollster_slug(self, row: ImportRow, name: str) -> str:
        """The pollster's slug: by 538 id, by a known spelling, by its own slug (new)."""
        ids, fte_id = self.identities, row.fte_pollster_id
        spellings = (name, *row.pollster_spellings)
        slug = ids.by_fte_id.get(fte_id) if fte_id is not None else None
        for spelling in spellings if slug is None else ():
            slug = ids.by_alias_key.get(pollster_alias_key(spelling))
            if slug is not None:
                break
        if slug is None:
            slug = self.slugs.get(name)
            if slug is None:
                slug = self.slugs[name] = pollster_slug(name)
        if fte_id is not None and fte_id not in ids.by_fte_id and ids.fte_id_of.get(slug) is None:
            ids.by_fte_id[fte_id] = slug  # the rest of the file finds it by its 538 id
            ids.fte_id_of[slug] = fte_id
        for spelling in spellings:
            key = pollster_alias_key(spelling)
            ids.by_alias_key.setdefault(key, slug)
            if key and len(spelling) <= 200:
                self.summary.pollster_spellings.setdefault(key, (spelling, slug))
        return slug

    def _keep_what_the_file_lacks(self, checked: CheckedRow, stored: StoredPoll,
                                  slug: str) -> str:
        """Give the row the stored values of the fields its format does not carry (or may
        not update); returns the pollster's slug (the stored one if the row may not change it)."""
        row, data = checked.row, checked.data
        allowed = row.update_fields
        for name in SCALAR_FIELDS:
            if name not in row.values or (allowed is not None and name not in allowed):
                setattr(data, name, stored.values[name])
        if allowed is not None and "election_date" not in allowed:
            checked.election_date = MISSING
        if allowed is not None and "pollster" not in allowed:
            return self.slug_of_id[stored.pollster_id]
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
        if checked.row.partial_results:  # the answers the file does not give are kept
            results.update({k: v for k, v in old_results.items() if k not in results})
        allowed = checked.row.update_fields
        if allowed is not None and "results" not in allowed:  # stored shares stay; actuals may come
            results = {k: (old_results[k][0] if k in old_results else pct, actual)
                       for k, (pct, actual) in results.items()}
        old_extra = dict(stored.extra) if stored is not None else dict(EXTRA_DEFAULTS)
        extra = {**old_extra, **{k: v for k, v in checked.row.extra.items() if k in EXTRA_FIELDS}}
        extended = bool(election_date or old_date
                        or any(a is not None for _p, a in results.values())
                        or any(a is not None for _p, a in old_results.values()))
        new = _snapshot(self._pollster_name(slug, data.pollster), vars(data), data.source,
                        data.source_id, results, election_date, extended, question, extra)
        old = None
        if stored is not None:
            old = _snapshot(self.name_of_id[stored.pollster_id], stored.values, stored.source,
                            stored.source_id, old_results, old_date, extended, question,
                            old_extra)
            outcome.poll_id = stored.id
            if old == new:
                summary.unchanged += 1
                outcome.action = "unchanged"
                summary.keep_outcome(outcome)
                return None
            old_changed, new_changed = changed_values(old, new)
            outcome.changes = {k: (old_changed[k], new_changed[k]) for k in new_changed}
            outcome.action = "updated"
            summary.updated += 1
        else:
            outcome.action = "added"
            summary.added += 1
        summary.keep_outcome(outcome)
        summary.questions.add(question.slug)
        return Planned(checked.row, question, data, slug, election_date, results, new, old,
                       stored, outcome, extra, self.identities.fte_id_of.get(slug))


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
              extended: bool, question: Question, extra: Mapping[str, Any]) -> dict[str, Any]:
    """A poll's values in the audit trail's shape (``audit.poll_snapshot``); with
    ``election_date`` and ``actual_results`` when either side of a comparison has them,
    and the import's own fields (publication day, tracking, version group) when set."""
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
    for name in EXTRA_FIELDS:
        value = extra.get(name, EXTRA_DEFAULTS[name])
        if value != EXTRA_DEFAULTS[name] and not (name == "counted" and extra.get("version_group")):
            snapshot[name] = value.isoformat() if isinstance(value, dt.date) else value
    return snapshot
