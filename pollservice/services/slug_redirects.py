"""Links that last: the old slugs of renamed questions, races and pollsters.

A rename calls ``remember`` in its transaction; a public read that finds no row under a
slug asks ``current_slug`` where that slug lives now (the web layer answers 301 there,
see ``web.old_slugs``). A merged pollster's slug leads to the pollster it was merged into
(``PollsterMerge``, the record the merge keeps anyway). An old slug stays with its row: no
other question, race or pollster may take it (``current_slug`` names its owner), so an old link never
silently starts to show something else.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from ..extensions import db
from ..models import Pollster, Question, Race, SlugRedirect
from .pollster_identity import merged_into

MODELS: dict[str, type[Question] | type[Race] | type[Pollster]] = {
    "question": Question, "race": Race, "pollster": Pollster}


def remember(kind: str, old_slug: str, target_id: int, new_slug: str) -> None:
    """Record in the current transaction that the row ``target_id`` of ``kind`` was renamed
    from ``old_slug`` to ``new_slug``. A row renamed back to one of its old slugs no longer
    needs that slug's redirect."""
    if old_slug == new_slug:
        return
    session = db.session
    session.execute(delete(SlugRedirect).where(SlugRedirect.kind == kind, SlugRedirect.old_slug == new_slug))
    existing = session.execute(select(SlugRedirect).where(
        SlugRedirect.kind == kind, SlugRedirect.old_slug == old_slug)).scalar_one_or_none()
    if existing is None:
        session.add(SlugRedirect(kind=kind, old_slug=old_slug, target_id=target_id))
    else:
        existing.target_id = target_id


def current_slug(kind: str, slug: str, ignore_id: int | None = None) -> str | None:
    """Where an old slug of ``kind`` lives now: the current slug of the row (other than
    ``ignore_id``) that used to be called ``slug``, or ``None`` if none was (or its row is
    gone). A slug that has an owner so is its old links' and may not be taken."""
    model = MODELS[kind]
    statement = (select(model.slug).join(SlugRedirect, SlugRedirect.target_id == model.id)
                 .where(SlugRedirect.kind == kind, SlugRedirect.old_slug == slug))
    if ignore_id is not None:
        statement = statement.where(model.id != ignore_id)
    owner = db.session.execute(statement).scalar_one_or_none()
    if owner is None and kind == "pollster":
        survivor = merged_into(slug)
        if survivor is not None and survivor.id != ignore_id:
            owner = survivor.slug
    return owner


def slug_problem(kind: str, slug: str, ignore_id: int) -> str | None:
    """Why the row ``ignore_id`` of ``kind`` may not take ``slug``: another row has it, or
    had it (its old links lead there); None if it may."""
    model = MODELS[kind]
    if db.session.execute(select(model.id).where(model.slug == slug, model.id != ignore_id)).first():
        return f"“{slug}” is taken by another {kind}"
    owner = current_slug(kind, slug, ignore_id=ignore_id)
    return None if owner is None else f"“{slug}” was the slug of “{owner}” (its old links lead there)"
