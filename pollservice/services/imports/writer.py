"""Writing an import's plan with bulk statements (executemany, ``INSERT ... RETURNING``):
pollsters (with 538's id and every spelling met as an alias), polls, results and audit
entries, in the session's transaction; then which version of each poll is counted
(``domain.versions``). The caller commits (``readmodel.events`` then bump, recompute and
publish) or rolls back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update

from ...domain.errors import Conflict
from ...domain.poll_fields import SCALAR_FIELDS
from ...extensions import db
from ...models import AuditEntry, Poll, Pollster, PollsterAlias, Result, utcnow
from ..audit import changed_values
from ..bulk import chunks, insert_ignoring_conflicts, table_of
from ..poll_versions import recount_versions
from .matching import Planned
from .rows import ImportSummary
from .stored import EXTRA_DEFAULTS, EXTRA_FIELDS, StoredPoll

ChoiceIds = dict[int, dict[str, int]]  # id(question) -> choice name -> choice id
AuditRows = list[dict[str, Any]]


def _stored(p: Planned) -> StoredPoll:
    """The stored poll an update changes (``_update_polls`` is given updates only)."""
    assert p.stored is not None, "an update without a stored poll"
    return p.stored


class Writes:
    """The writes of one import, one batch of planned rows at a time (``write``), then
    what spans the file (``finish``): the aliases of every pollster spelling met and the
    counted version of each poll, once per question."""

    def __init__(self, actor: str, summary: ImportSummary):
        self.actor = actor
        self.summary = summary
        self.versioned: set[int] = set()  # questions with poll versions to recount
        self.now = utcnow()

    def write(self, plan: list[Planned]) -> None:
        """Store a batch's plan with bulk statements in the session's transaction."""
        if not plan:
            return
        now, actor = self.now, self.actor
        db.session.flush()  # new questions and answer choices get their ids
        pollster_ids = _pollster_ids(plan)
        choice_ids = {id(p.question): {c.name: c.id for c in p.question.choices} for p in plan}
        audit_rows: AuditRows = []
        adds = [p for p in plan if p.stored is None]
        if adds:
            audit_rows += _insert_polls(adds, pollster_ids, choice_ids, actor, now)
        updates = [p for p in plan if p.stored is not None]
        if updates:
            audit_rows += _update_polls(updates, pollster_ids, choice_ids, actor, now)
        db.session.execute(insert(table_of(AuditEntry)), audit_rows)
        self.summary.question_ids.update(p.question.id for p in plan)
        self.versioned.update(p.question.id for p in plan if p.extra.get("version_group"))

    def finish(self) -> None:
        """The aliases and the counted versions (not committed)."""
        db.session.flush()
        _write_aliases(self.summary)
        recount_versions(self.versioned)


def _insert_polls(adds: list[Planned], pollster_ids: dict[str, int], choice_ids: ChoiceIds,
                  actor: str, now: dt.datetime) -> AuditRows:
    """Insert the new polls and their results; returns the audit entries of their creation."""
    poll_table = table_of(Poll)
    params = [{"question_id": p.question.id, "pollster_id": pollster_ids[p.pollster_slug],
               **{name: getattr(p.data, name) for name in SCALAR_FIELDS},
               "source": p.data.source, "source_id": p.data.source_id,
               "election_date": p.election_date, "created_at": now,
               **{name: p.extra.get(name, EXTRA_DEFAULTS[name]) for name in EXTRA_FIELDS}} for p in adds]
    ids = db.session.execute(
        insert(poll_table).returning(poll_table.c.id, sort_by_parameter_order=True), params
    ).scalars().all()
    results: list[dict[str, Any]] = []
    audit_rows: AuditRows = []
    for p, poll_id in zip(adds, ids, strict=True):
        p.outcome.poll_id = poll_id
        choices = choice_ids[id(p.question)]
        results.extend({"poll_id": poll_id, "choice_id": choices[name], "pct": pct,
                        "actual_pct": share} for name, (pct, share) in p.results.items())
        audit_rows.append({"poll_id": poll_id, "action": "create", "actor": actor, "at": now,
                           "old_values": None, "new_values": p.new})
    db.session.execute(insert(table_of(Result)), results)
    return audit_rows


def _update_polls(updates: list[Planned], pollster_ids: dict[str, int], choice_ids: ChoiceIds,
                  actor: str, now: dt.datetime) -> AuditRows:
    """Update the stored polls and their results; returns the audit entries of the changes."""
    poll_table = table_of(Poll)
    c = poll_table.c
    statement = (update(poll_table).where(c.id == bindparam("b_id")).values(
        pollster_id=bindparam("b_pollster_id"), election_date=bindparam("b_election_date"),
        updated_at=bindparam("b_updated_at"),
        **{name: bindparam("b_" + name) for name in (*SCALAR_FIELDS, *EXTRA_FIELDS)}))
    db.session.execute(statement, [
        {"b_id": _stored(p).id, "b_pollster_id": pollster_ids[p.pollster_slug],
         "b_election_date": p.election_date, "b_updated_at": now,
         **{"b_" + name: getattr(p.data, name) for name in SCALAR_FIELDS},
         **{"b_" + name: p.extra.get(name, EXTRA_DEFAULTS[name]) for name in EXTRA_FIELDS}}
        for p in updates])
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    removed: list[int] = []
    audit_rows: AuditRows = []
    for p in updates:
        stored = _stored(p)
        assert p.old is not None, "an update without the stored poll's values"
        choices = choice_ids[id(p.question)]
        wanted = {choices[name]: value for name, value in p.results.items()}
        for choice_id, (rid, pct, share) in stored.results.items():
            if choice_id not in wanted:
                removed.append(rid)
            elif wanted[choice_id] != (pct, share):
                changed.append({"b_id": rid, "b_pct": wanted[choice_id][0],
                                "b_actual": wanted[choice_id][1]})
        added.extend({"poll_id": stored.id, "choice_id": choice_id, "pct": pct,
                      "actual_pct": share} for choice_id, (pct, share) in wanted.items()
                     if choice_id not in stored.results)
        old, new = changed_values(p.old, p.new)
        audit_rows.append({"poll_id": stored.id, "action": "update", "actor": actor,
                           "at": now, "old_values": old, "new_values": new})
    _write_result_changes(changed, added, removed)
    return audit_rows


def _write_result_changes(changed: list[dict[str, Any]], added: list[dict[str, Any]],
                          removed: list[int]) -> None:
    """Delete, update and insert the results of updated polls (in that order)."""
    result_table = table_of(Result)
    for chunk in chunks(removed):
        db.session.execute(delete(result_table).where(result_table.c.id.in_(chunk)))
    if changed:
        db.session.execute(update(result_table).where(result_table.c.id == bindparam("b_id"))
                           .values(pct=bindparam("b_pct"), actual_pct=bindparam("b_actual")),
                           changed)
    if added:
        db.session.execute(insert(result_table), added)


def _pollster_ids(plan: list[Planned]) -> dict[str, int]:
    """Pollster ids by slug, creating the pollsters the plan names for the first time
    (with 538's pollster id when the file has it) and giving a stored pollster the 538 id
    it lacked."""
    wanted: dict[str, tuple[str, int | None]] = {}
    for p in plan:
        wanted.setdefault(p.pollster_slug, (p.data.pollster, p.pollster_fte_id))
    ids: dict[str, int] = {}
    fte_ids: dict[str, int | None] = {}
    for chunk in chunks(sorted(wanted)):
        for pid, slug, fte_id in db.session.execute(
                select(Pollster.id, Pollster.slug, Pollster.fte_pollster_id)
                .where(Pollster.slug.in_(chunk))):
            ids[slug], fte_ids[slug] = pid, fte_id
    missing = [{"slug": slug, "name": name, "fte_pollster_id": fte_id}
               for slug, (name, fte_id) in wanted.items() if slug not in ids]
    if missing:
        # a concurrent import or poll may create the same pollster meanwhile: read it back
        insert_ignoring_conflicts(db.session, Pollster, missing)
        for chunk in chunks([m["slug"] for m in missing]):
            ids.update((slug, pid) for pid, slug in db.session.execute(
                select(Pollster.id, Pollster.slug).where(Pollster.slug.in_(chunk))))
    unstored = sorted(str(m["name"]) for m in missing if m["slug"] not in ids)
    if unstored:  # another pollster holds the 538 id these rows give
        raise Conflict(f"Pollster {unstored[0]!r}: its 538 pollster_id belongs to another pollster.")
    given = [{"b_id": ids[slug], "b_fte": fte_id} for slug, (_name, fte_id) in wanted.items()
             if fte_id is not None and slug in fte_ids and fte_ids[slug] is None]
    if given:
        table = table_of(Pollster)
        db.session.execute(update(table).where(table.c.id == bindparam("b_id"))
                           .values(fte_pollster_id=bindparam("b_fte")), given)
    return ids


def _write_aliases(summary: ImportSummary) -> None:
    """Every spelling of a pollster the file used (``summary.pollster_spellings``, from
    every matched row, unchanged ones too) becomes an alias of it, once."""
    spellings = summary.pollster_spellings
    if not spellings:
        return
    known: set[str] = set()
    for chunk in chunks(sorted(spellings)):
        known.update(db.session.execute(
            select(PollsterAlias.key).where(PollsterAlias.key.in_(chunk))).scalars())
    wanted = {key: value for key, value in spellings.items() if key not in known}
    ids: dict[str, int] = {}
    for chunk in chunks(sorted({slug for _name, slug in wanted.values()})):
        ids.update((slug, pid) for pid, slug in db.session.execute(
            select(Pollster.id, Pollster.slug).where(Pollster.slug.in_(chunk))))
    new = [{"pollster_id": ids[slug], "name": name, "key": key,
            "source": summary.source_name[:200]}
           for key, (name, slug) in wanted.items() if slug in ids]
    insert_ignoring_conflicts(db.session, PollsterAlias, new)
