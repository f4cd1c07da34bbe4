"""One identity per pollster: its aliases (other spellings of its name), finding the
pollster a typed name means (``search_pollsters``: the poll form's picker and its "did
you mean"), merging a duplicate into the pollster that survives, and where a merged
pollster's old address now leads.

A merge moves every poll of the merged pollster to the survivor in one SQL update (the
questions they belong to are declared with ``readmodel.events.mark_changed``, so their
data versions bump and their averages and house effects are rebuilt), writes one audit
entry per moved poll, moves the merged pollster's aliases, keeps its name as an alias
and its 538 ``pollster_id``, records a ``PollsterMerge`` row and deletes it, all in one
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process
from sqlalchemy import case, delete, func, insert, select, update

from ..domain.errors import Conflict, NotFound, UnknownPollster, ValidationFailed
from ..domain.validation import pollster_alias_key, pollster_slug
from ..extensions import db
from ..models import AuditEntry, Poll, Pollster, PollsterAlias, PollsterMerge, utcnow
from ..readmodel.events import mark_changed
from .transaction import transaction

MAX_ALIAS = 200
SUGGESTIONS = 10  # pollsters the picker offers
SIMILAR = 70  # RapidFuzz WRatio from which a spelling is offered as "did you mean" ("galup"/"gallup": 91)


def find_pollster(text: str) -> Pollster | None:
    """The pollster a person means by ``text``: its slug, its name (any case) or one of
    its aliases; ``None`` if none."""
    text = " ".join((text or "").split())
    if not text:
        return None
    found = db.session.execute(
        select(Pollster).where((Pollster.slug == text) | (func.lower(Pollster.name) == text.lower()))
    ).scalars().first()
    if found is None:
        found = db.session.execute(
            select(Pollster).join(PollsterAlias, PollsterAlias.pollster_id == Pollster.id)
            .where(PollsterAlias.key == pollster_alias_key(text))
        ).scalars().first()
    return found


def search_pollsters(text: str, limit: int = SUGGESTIONS) -> list[Pollster]:
    """The pollsters ``text`` may mean, best first: those whose name or one of whose
    aliases contains it (case, accents and punctuation ignored: both sides are compared
    as slugs; names starting with it first), then those with a spelling like it (a typo:
    ``similar_pollsters``)."""
    key = pollster_alias_key(text)
    if not key:
        return []
    found = list(db.session.execute(
        select(Pollster)
        .where(Pollster.slug.contains(key) | Pollster.aliases.any(PollsterAlias.key.contains(key)))
        .order_by(case((Pollster.slug.startswith(key), 0), else_=1), func.lower(Pollster.name))
        .limit(limit)).scalars())
    if len(found) < limit:
        found += similar_pollsters(key, limit - len(found), exclude={p.id for p in found})
    return found


def similar_pollsters(key: str, limit: int,
                      exclude: set[int] | frozenset[int] = frozenset()) -> list[Pollster]:
    """Pollsters whose name or an alias is spelled like ``key`` (a ``pollster_alias_key``),
    most alike first. Reads every pollster's slug and alias key: a few thousand short
    strings, whatever the number of polls."""
    spellings = [*db.session.execute(select(Pollster.id, Pollster.slug)).all(),
                 *db.session.execute(select(PollsterAlias.pollster_id, PollsterAlias.key)).all()]
    matches = process.extract(key, [spelling for _, spelling in spellings], scorer=fuzz.WRatio,
                              score_cutoff=SIMILAR, limit=None)
    ids: list[int] = []
    for _spelling, _score, index in matches:  # most alike first
        pollster_id = spellings[index][0]
        if pollster_id not in exclude and pollster_id not in ids:
            ids.append(pollster_id)
    ids = ids[:limit]
    by_id = {p.id: p for p in db.session.execute(select(Pollster).where(Pollster.id.in_(ids))).scalars()}
    return [by_id[pollster_id] for pollster_id in ids if pollster_id in by_id]


def unknown_pollster(name: str) -> UnknownPollster:
    """The refusal of a poll naming a pollster there is none of, with a few it may mean."""
    return UnknownPollster(name, [(p.slug, p.name) for p in search_pollsters(name, limit=3)])


def resolve_pollsters(texts: Sequence[str], field: str = "pollster") -> list[Pollster]:
    """Each of ``texts`` as a pollster (slug, name or alias); ``NotFound`` naming every
    one that matches none."""
    found = [(text, find_pollster(text)) for text in texts]
    missing = [text for text, pollster in found if pollster is None]
    if missing:
        names = ", ".join(repr(text) for text in missing)
        raise NotFound(f"No pollster with the slug, name or alias {names}.",
                       fields={field: f"unknown pollster {names}"})
    return [pollster for _, pollster in found if pollster is not None]


def merged_into(slug: str) -> Pollster | None:
    """The pollster a merged pollster's old slug now belongs to (the latest merge)."""
    return db.session.execute(
        select(Pollster).join(PollsterMerge, PollsterMerge.survivor_id == Pollster.id)
        .where(PollsterMerge.merged_slug == slug)
        .order_by(PollsterMerge.at.desc(), PollsterMerge.id.desc())
    ).scalars().first()


def count_polls_of(pollster: Pollster) -> int:
    """Every poll of the pollster, deleted ones too (a merge moves them all)."""
    return db.session.execute(
        select(func.count(Poll.id)).where(Poll.pollster_id == pollster.id)).scalar_one()


def merge_pollsters(survivor: Pollster, merged: Sequence[Pollster] | Pollster,
                    actor: str) -> list[PollsterMerge]:
    """Merge one or more pollsters into ``survivor`` in one transaction (see the module
    docstring); returns the ``PollsterMerge`` records. ``Conflict`` if one of them is the
    survivor itself or appears twice."""
    merged = [merged] if isinstance(merged, Pollster) else list(merged)
    if not merged:
        raise ValidationFailed("Name at least one pollster to merge.", fields={"merged": "is required"})
    for pollster in merged:
        if pollster.id == survivor.id:
            raise Conflict(f"{survivor.name} cannot be merged into itself.",
                           fields={"merged": "is the pollster that survives"})
    if len({p.id for p in merged}) != len(merged):
        raise Conflict("A pollster is named twice.", fields={"merged": "names a pollster twice"})
    with transaction():
        return [_merge_one(survivor, pollster, actor) for pollster in merged]


def _merge_one(survivor: Pollster, merged: Pollster, actor: str) -> PollsterMerge:
    session = db.session
    moved = session.execute(select(Poll.id, Poll.question_id).where(Poll.pollster_id == merged.id)).all()
    now = utcnow()
    if moved:
        session.execute(update(Poll).where(Poll.pollster_id == merged.id)
                        .values(pollster_id=survivor.id, updated_at=now)
                        .execution_options(synchronize_session=False))
        session.execute(insert(AuditEntry), [
            {"poll_id": poll_id, "action": "update", "actor": actor, "at": now,
             "old_values": {"pollster": merged.name}, "new_values": {"pollster": survivor.name}}
            for poll_id, _ in moved])
        mark_changed(session, {question_id for _, question_id in moved})
    session.execute(update(PollsterAlias).where(PollsterAlias.pollster_id == merged.id)
                    .values(pollster_id=survivor.id).execution_options(synchronize_session=False))
    # Merges into the merged pollster now lead to the survivor (their slugs redirect there).
    session.execute(update(PollsterMerge).where(PollsterMerge.survivor_id == merged.id)
                    .values(survivor_id=survivor.id).execution_options(synchronize_session=False))
    record = PollsterMerge(survivor_id=survivor.id, merged_name=merged.name, merged_slug=merged.slug,
                           merged_fte_pollster_id=merged.fte_pollster_id, polls_moved=len(moved),
                           actor=actor, at=now)
    fte_id, merged_name = merged.fte_pollster_id, merged.name
    session.expunge(merged)  # deleted by SQL: the ORM must not touch its (moved) polls
    session.execute(delete(Pollster).where(Pollster.id == merged.id))
    session.add(record)
    if survivor.fte_pollster_id is None and fte_id is not None:
        survivor.fte_pollster_id = fte_id
    _keep_alias(survivor, merged_name, source=f"merge:{actor}")
    session.flush()
    session.expire(survivor, ["aliases", "polls"])
    return record


def _keep_alias(pollster: Pollster, name: str, source: str) -> None:
    """Add ``name`` as an alias of ``pollster`` unless that spelling is known already."""
    key = pollster_alias_key(name)
    known = db.session.execute(select(PollsterAlias.id).where(PollsterAlias.key == key)).first()
    if key and known is None and key != pollster_alias_key(pollster.name):
        db.session.add(PollsterAlias(pollster_id=pollster.id, name=name, key=key, source=source))


def list_aliases(pollster: Pollster) -> list[PollsterAlias]:
    return list(db.session.execute(
        select(PollsterAlias).where(PollsterAlias.pollster_id == pollster.id)
        .order_by(func.lower(PollsterAlias.name))).scalars())


def add_alias(pollster: Pollster, name: str, source: str = "admin") -> PollsterAlias:
    """A new spelling of the pollster's name; ``ValidationFailed`` naming ``alias`` if it
    is empty, too long, or already another pollster's name or alias."""
    name = " ".join((name or "").split())
    key = pollster_alias_key(name)
    problem = None
    if not name:
        problem = "is required"
    elif len(name) > MAX_ALIAS:
        problem = f"must be at most {MAX_ALIAS} characters"
    elif not key:
        problem = "must contain at least one letter or digit"
    elif key == pollster_alias_key(pollster.name):
        problem = "is the pollster's own name"
    else:
        problem = _alias_clash(pollster, key)
    if problem:
        raise ValidationFailed("The alias is invalid.", fields={"alias": problem})
    alias = PollsterAlias(pollster_id=pollster.id, name=name, key=key, source=source)
    with transaction():
        db.session.add(alias)
    return alias


def _alias_clash(pollster: Pollster, key: str) -> str | None:
    # Another pollster's own name first: importers record each pollster's name as one of
    # its aliases too, and the way out is then a merge, not an alias.
    other = db.session.execute(select(Pollster).where(Pollster.slug == pollster_slug(key))).scalars().first()
    if other is not None and other.id != pollster.id and pollster_alias_key(other.name) == key:
        return f"is the name of the pollster “{other.name}”: merge it instead"
    owner = db.session.execute(
        select(Pollster).join(PollsterAlias, PollsterAlias.pollster_id == Pollster.id)
        .where(PollsterAlias.key == key)).scalars().first()
    if owner is not None:
        return ("is already an alias of this pollster" if owner.id == pollster.id
                else f"is already an alias of “{owner.name}”")
    return None


def remove_alias(pollster: Pollster, alias_id: int) -> str:
    """Remove one alias of the pollster; returns its name."""
    alias = db.session.get(PollsterAlias, alias_id)
    if alias is None or alias.pollster_id != pollster.id:
        raise NotFound("No such alias of this pollster.", fields={"alias": "unknown alias"})
    name = alias.name
    with transaction():
        db.session.delete(alias)
    return name
