"""Pollsters: who ran the polls. Reading one with its polls across questions and its
house effects, adding one, renaming one, deleting one that has no polls, and the
inclusion policy (a pollster excluded from averages, with a public reason)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.validation import name_problem, pollster_alias_key, text_problem
from ..extensions import db
from ..models import Poll, Pollster, PollsterAlias, Question, Result
from ..readmodel import question_view
from . import audit
from .averages import house_effects
from .paging import paginate
from .polls import pollster_slug
from .slug_redirects import current_slug, remember
from .transaction import transaction

MAX_NAME = 200


def get_pollster(slug: str) -> Pollster:
    pollster = db.session.execute(select(Pollster).where(Pollster.slug == slug)).scalar_one_or_none()
    if pollster is None:
        raise NotFound(f"No pollster with slug {slug!r}.", fields={"slug": "unknown pollster"})
    return pollster


def find_pollster(text: str) -> Pollster:
    """The pollster a filter names: by its slug (``reuters-ipsos``), by its name in any case
    (``reuters/ipsos``: the slug it would make), or by another spelling of it (an alias,
    also the name of a pollster merged into it). ``NotFound`` naming ``pollster`` otherwise."""
    wanted = text.strip()
    candidates = (Pollster.slug == wanted, Pollster.slug == pollster_slug(wanted),
                  func.lower(Pollster.name) == wanted.lower())
    for condition in candidates:
        pollster = db.session.execute(select(Pollster).where(condition).limit(1)).scalar_one_or_none()
        if pollster is not None:
            return pollster
    pollster = db.session.execute(
        select(Pollster).join(PollsterAlias, PollsterAlias.pollster_id == Pollster.id)
        .where(PollsterAlias.key == pollster_alias_key(wanted)).limit(1)).scalar_one_or_none()
    if pollster is None:
        raise NotFound(f"No pollster {wanted!r}: give its slug or its name (see /api/v1/pollsters).",
                       fields={"pollster": f"unknown pollster {wanted!r}"})
    return pollster


def list_pollsters(text: str = "", published_only: bool = False) -> list[tuple[Pollster, int]]:
    """Pollsters by name, each with its number of polls (deleted polls not counted);
    ``text`` keeps those whose name contains it; ``published_only`` leaves out those with
    no published poll (the public list)."""
    counts = (
        select(Poll.pollster_id, func.count(Poll.id).label("n"))
        .where(Poll.public())
        .group_by(Poll.pollster_id)
        .subquery()
    )
    statement = (
        select(Pollster, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.pollster_id == Pollster.id)
        .order_by(func.lower(Pollster.name))
    )
    if text.strip():
        statement = statement.where(Pollster.name.icontains(text.strip(), autoescape=True))
    if published_only:
        statement = statement.where(counts.c.n > 0)
    return [(pollster, int(n)) for pollster, n in db.session.execute(statement).all()]


def has_published_polls(pollster: Pollster) -> bool:
    """Whether the pollster has a poll that is not deleted (public pages show only those)."""
    return db.session.execute(
        select(Poll.id).where(Poll.pollster_id == pollster.id, Poll.public()).limit(1)
    ).first() is not None


def get_public_pollster(slug: str) -> Pollster:
    """``get_pollster`` for the public pages and feeds: ``NotFound`` also for a pollster
    with no published poll (a typo's pollster, or one whose polls were all deleted)."""
    pollster = get_pollster(slug)
    if not has_published_polls(pollster):
        raise NotFound(f"No published poll by {pollster.name}.", fields={"slug": "no published poll"})
    return pollster


def page_of_pollsters(text: str, page: int, per_page: int,
                      published_only: bool = False) -> tuple[list[tuple[Pollster, int]], int]:
    """One page of the pollsters by name, each with its number of polls (deleted polls not
    counted; counted for this page's pollsters only), and how many match in all. ``text``
    keeps those whose name or one of whose aliases contains it; ``published_only`` those
    with at least one poll that is not deleted (the public list)."""
    statement = select(Pollster).options(selectinload(Pollster.aliases)).order_by(
        func.lower(Pollster.name), Pollster.id)
    if published_only:
        statement = statement.where(Pollster.polls.any(Poll.public()))
    text = " ".join(text.split())
    if text:
        statement = statement.where(Pollster.name.icontains(text, autoescape=True) | Pollster.aliases.any(
            PollsterAlias.name.icontains(text, autoescape=True)))
    found, total = paginate(statement, page, per_page)
    counts = dict(db.session.execute(
        select(Poll.pollster_id, func.count(Poll.id))
        .where(Poll.pollster_id.in_([p.id for p in found]), Poll.public())
        .group_by(Poll.pollster_id)).all()) if found else {}
    return [(p, int(counts.get(p.id, 0))) for p in found], total


def page_of_pollster_polls(pollster: Pollster, page: int, per_page: int) -> tuple[list[Poll], int]:
    """One page of the pollster's polls of every question, newest first (deleted polls
    left out), and how many there are in all."""
    return paginate(
        select(Poll)
        .where(Poll.pollster_id == pollster.id, Poll.public())
        .options(selectinload(Poll.question).selectinload(Question.choices),
                 selectinload(Poll.results).selectinload(Result.choice))
        .order_by(Poll.end_date.desc(), Poll.start_date.desc(), Poll.id.desc()), page, per_page)


def pollster_question_count(pollster: Pollster) -> int:
    return db.session.scalar(select(func.count(func.distinct(Poll.question_id))).where(
        Poll.pollster_id == pollster.id, Poll.public())) or 0


def pollster_house_effects(pollster: Pollster, questions: list[Question]) -> list[dict[str, Any]]:
    """The pollster's house effect on each choice of these questions, where the stored
    fit has one: ``question, choice, effect, lower, upper, n_polls`` (points relative
    to the average pollster; 95% interval)."""
    rows = []
    for question in questions:
        for choice, effects in house_effects(question_view(question.slug, question)).items():
            for effect in effects:
                if effect["pollster"] == pollster.name:
                    rows.append({"question": question, "choice": choice, **effect})
    return rows


def _check_name(name: str, ignore_id: int | None = None) -> tuple[str, str]:
    """A pollster name, cleaned, and its slug; raises ``ValidationFailed`` naming ``name``."""
    name = " ".join(name.split())
    slug = pollster_slug(name)
    problem = None
    if not name:
        problem = "is required"
    elif len(name) > MAX_NAME:
        problem = f"must be at most {MAX_NAME} characters"
    elif not slug:
        problem = "must contain at least one letter or digit"
    elif name_problem(name):
        problem = name_problem(name)
    else:
        clash = db.session.execute(
            select(Pollster).where(
                (Pollster.slug == slug) | (func.lower(Pollster.name) == name.lower())
            )
        ).scalars().first()
        if clash is not None and clash.id != ignore_id:
            problem = f"is taken: “{clash.name}” already exists"
        elif owner := current_slug("pollster", slug, ignore_id=ignore_id):
            owner_name = db.session.execute(select(Pollster.name).where(Pollster.slug == owner)).scalar_one()
            problem = f"was a name of “{owner_name}” (its old links lead there): choose that pollster"
    if problem:
        raise ValidationFailed("The pollster has an invalid name.", fields={"name": problem})
    return name, slug


def add_pollster(name: str) -> Pollster:
    name, slug = _check_name(name)
    pollster = Pollster(name=name, slug=slug)
    with transaction():
        db.session.add(pollster)
    return pollster


def rename_pollster(slug: str, name: str) -> Pollster:
    """Rename a pollster; its slug follows the name (imports find pollsters by slug), and
    the old slug redirects to the new one.
    The stored house effects of its questions are rebuilt under the new name (the commit
    gives each of them a new data version)."""
    pollster = get_pollster(slug)
    name, new_slug = _check_name(name, ignore_id=pollster.id)
    if name == pollster.name:
        return pollster
    with transaction():
        remember("pollster", pollster.slug, pollster.id, new_slug)
        pollster.name, pollster.slug = name, new_slug
    return pollster


def delete_pollster(slug: str) -> str:
    """Delete a pollster with no polls (a typo's, or one whose polls were merged away),
    with its aliases; returns its name. ``Conflict`` (409) naming ``pollster`` if any poll,
    deleted ones too, is still its: those polls would lose their pollster (merge it instead)."""
    pollster = get_pollster(slug)
    polls, deleted = db.session.execute(
        select(func.count(Poll.id), func.count(Poll.deleted_at)).where(Poll.pollster_id == pollster.id)).one()
    if polls:
        of_them = f", {deleted} of them deleted" if deleted else ""
        raise Conflict(f"{pollster.name} has {polls} poll{'s' if polls != 1 else ''}{of_them}: a pollster "
                       "with polls cannot be deleted. Merge it into the pollster its polls belong to.",
                       fields={"pollster": f"has {polls} poll{'s' if polls != 1 else ''}"})
    name = pollster.name
    with transaction():
        db.session.delete(pollster)
    return name


MAX_REASON = 2000


def set_inclusion(slug: str, excluded: bool, reason: str, actor: str) -> Pollster:
    """The inclusion policy: leave a pollster's polls out of every average (``excluded``),
    with the public reason (required, shown on its page, its polls' pages and the
    methodology page), or take them in again. The commit gives each of its questions a new
    data version, so every stored average is recomputed. In the content audit trail
    (``pollster.exclude`` / ``pollster.include``). ``ValidationFailed`` naming ``reason``."""
    pollster = get_pollster(slug)
    reason = reason.strip()
    if excluded and not reason:
        raise ValidationFailed("Say why the pollster is excluded; the reason is public.",
                               fields={"reason": "is required to exclude a pollster"})
    if len(reason) > MAX_REASON or text_problem(reason, multiline=True):
        problem = text_problem(reason, multiline=True) or f"must be at most {MAX_REASON} characters"
        raise ValidationFailed("The reason is not valid.", fields={"reason": str(problem)})
    if pollster.excluded_from_averages == excluded and (not excluded or pollster.exclusion_reason == reason):
        return pollster
    with transaction():
        pollster.excluded_from_averages, pollster.exclusion_reason = excluded, reason if excluded else ""
        audit.record_content_change(actor, "pollster.exclude" if excluded else "pollster.include",
                                    f"pollster:{pollster.slug}", {"reason": reason} if excluded else {})
    return pollster


def excluded_pollsters() -> list[Pollster]:
    """The pollsters left out of the averages, by name (the methodology page lists them)."""
    return list(db.session.execute(
        select(Pollster).where(Pollster.excluded_from_averages.is_(True)).order_by(func.lower(Pollster.name))
    ).scalars())
