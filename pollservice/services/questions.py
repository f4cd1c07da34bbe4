"""Questions and their answer choices: reading, creating and editing them.

Editing a question never loses a stored result: a renamed choice keeps its results (they
point at the choice, not at its name), and a choice that has results cannot be removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from slugify import slugify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..domain.review import PUBLISHED
from ..domain.validation import choice_name_problem, text_problem
from ..domain.vocabulary import PARTIES, STATUSES
from ..extensions import db
from ..models import Choice, Question, Result
from ..readmodel.catalogue import search_ranked
from .paging import paginate
from .slug_redirects import current_slug, remember, slug_problem
from .transaction import transaction

MAX_TITLE = 300
MAX_SLUG = 120
MAX_REGION = 120
MAX_CHOICE = 120
MAX_FULL_NAME = 200


def get_question(slug: str) -> Question:
    question = db.session.execute(
        select(Question).where(Question.slug == slug).options(selectinload(Question.choices))
    ).scalar_one_or_none()
    if question is None:
        raise NotFound(f"No question with slug {slug!r}.", fields={"slug": "unknown question"})
    return question


def list_questions() -> list[Question]:
    return list(
        db.session.execute(
            select(Question).options(selectinload(Question.choices)).order_by(Question.title)
        ).scalars()
    )


def page_of_questions(page: int, per_page: int, race_id: int | None = None) -> tuple[list[Question], int]:
    """One page of the published questions by title (1-based ``page``), of one race when
    ``race_id`` is given, and how many there are in all; paginated in the database."""
    statement = (select(Question).where(Question.status == PUBLISHED).options(selectinload(Question.choices))
                 .order_by(Question.title, Question.id))
    if race_id is not None:
        statement = statement.where(Question.race_id == race_id)
    return paginate(statement, page, per_page)


def find_questions(text: str, page: int, per_page: int) -> tuple[list[Question], int]:
    """One page of the questions matching ``text`` by full text (best first; a slug typed
    whole comes first), or of all of them by title when ``text`` is empty; and how many
    match in all."""
    statement = select(Question).options(selectinload(Question.choices))
    ranked = search_ranked(db.session, text) if text.strip() else None
    if ranked is not None:
        found = ranked.subquery()
        statement = statement.join(found, found.c.question_id == Question.id).order_by(
            (Question.slug != text.strip()), found.c.rank, Question.id)
    elif text.strip():
        statement = statement.where(Question.slug == text.strip())
    else:
        statement = statement.order_by(Question.title, Question.id)
    return paginate(statement, page, per_page)


def question_by_slug_or_title(text: str) -> Question | None:
    """The question whose slug or title (any case) is ``text``, if exactly one."""
    text = " ".join(text.split())
    if not text:
        return None
    found = db.session.scalars(
        select(Question).where((Question.slug == text) | (func.lower(Question.title) == text.lower()))
        .options(selectinload(Question.choices)).order_by(Question.slug != text).limit(2)).all()
    if found and (found[0].slug == text or len(found) == 1):
        return found[0]
    return None


def latest_question() -> Question | None:
    """The most recently polled question (the poll form's default)."""
    return db.session.scalars(
        select(Question).options(selectinload(Question.choices))
        .order_by(Question.last_poll_end.desc().nulls_last(), Question.id).limit(1)).first()


def suggest_questions(text: str, limit: int = 10) -> list[Question]:
    """The few questions best matching ``text`` (full text, the last word a prefix), for
    the poll form's suggestions."""
    found, _total = find_questions(text, 1, limit) if text.strip() else ([], 0)
    return found


def create_question(
    title: str, choices: list[str], slug: str = "", region: str = "", description: str = ""
) -> Question:
    """A new question with its ordered answer choices (added to the session, not committed).
    Every field is checked here, so the form, the API and imports all name what is wrong
    rather than let the database refuse it."""
    errors: dict[str, str] = {}
    _check_length(errors, "title", title.strip(), MAX_TITLE)
    _check_length(errors, "slug", slug.strip(), MAX_SLUG)
    _check_length(errors, "region", region.strip(), MAX_REGION)
    for name in choices:
        _check_length(errors, "choices", (name or "").strip(), MAX_CHOICE)
        if "choices" not in errors and choice_name_problem((name or "").strip()):
            errors["choices"] = str(choice_name_problem((name or "").strip()))
    if text_problem(description, multiline=True):
        errors["description"] = str(text_problem(description, multiline=True))
    title = title.strip()
    slug = slugify(slug or title, max_length=120, word_boundary=True)
    names = [name.strip() for name in choices if name and name.strip()]
    if not title:
        errors["title"] = "is required"
    if not slug:
        errors["slug"] = "is required"
    if len(names) < 1:
        errors.setdefault("choices", "a question needs at least one answer choice")
    elif len({name.casefold() for name in names}) != len(names):
        errors.setdefault("choices", "answer choices must be different")
    if errors:
        raise ValidationFailed("The question has invalid fields.", fields=errors)
    if db.session.execute(select(Question.id).where(Question.slug == slug)).first():
        raise Conflict(f"A question with slug {slug!r} exists.", fields={"slug": "already taken"})
    owner = current_slug("question", slug)
    if owner is not None:
        raise Conflict(f"The slug {slug!r} was the question {owner!r}'s: its old links lead there.",
                       fields={"slug": f"was the slug of “{owner}” (its old links lead there)"})
    question = Question(slug=slug, title=title, region=region.strip(), description=description.strip())
    question.choices = [Choice(name=name, position=i) for i, name in enumerate(names)]
    db.session.add(question)
    return question


def _check_length(errors: dict[str, str], key: str, value: str, limit: int) -> None:
    """A text field's length and characters (no control or bidi characters)."""
    if len(value) > limit:
        errors[key] = f"must be at most {limit} characters"
    elif text_problem(value):
        errors[key] = str(text_problem(value))


def add_question(
    title: str, choices: list[str], slug: str = "", region: str = "", description: str = "",
    status: str = PUBLISHED,
) -> Question:
    """Create and commit a question with its answer choices; the admin's are ``draft``
    (domain/review.py) until a reviewer publishes them."""
    with transaction():
        question = create_question(title, choices, slug=slug, region=region, description=description)
        question.status = status
        return question


@dataclass(frozen=True)
class ChoiceEdit:
    """One row of a question's choice list as edited: ``id`` of an existing choice (or
    ``None`` for a new one), its (new) name, and whether to remove it. A candidate's
    details: ``full_name``, ``party`` (a ``vocabulary.PARTIES`` code, ``""`` for none),
    ``status`` (``vocabulary.STATUSES``) with ``withdrew_on`` (required for, and only for,
    ``withdrew``); ``None`` keeps what is stored (a new choice: none, running)."""

    id: int | None
    name: str
    remove: bool = False
    full_name: str | None = None
    party: str | None = None
    status: str | None = None
    withdrew_on: dt.date | None = None


def result_counts(question: Question) -> dict[int, int]:
    """Choice id -> stored results (of deleted polls too: they can be restored)."""
    rows = db.session.execute(
        select(Result.choice_id, func.count(Result.id))
        .join(Choice, Result.choice_id == Choice.id)
        .where(Choice.question_id == question.id)
        .group_by(Result.choice_id)
    ).all()
    return {choice_id: count for choice_id, count in rows}


def update_question(
    slug: str,
    title: str,
    choices: list[ChoiceEdit],
    new_slug: str = "",
    region: str = "",
    description: str = "",
) -> Question:
    """Edit a question: its title, slug (empty keeps it), region, description and
    choices in the order given. An existing choice left out of ``choices`` or marked
    ``remove`` is removed, which is refused while it has results. The commit gives the
    question a new data version (stored averages are keyed by choice, and every worker's
    cached answers must go); a renamed question's old slug is forgotten by every cache
    and redirects (301) to the new one.

    Raises
    ------
    ValidationFailed
        with per-field messages; ``choices.<i>`` names the ``i``-th row of ``choices``.
    """
    question = get_question(slug)
    existing = {choice.id: choice for choice in question.choices}
    errors: dict[str, str] = {}
    title = title.strip()
    if not title:
        errors["title"] = "is required"
    _check_length(errors, "title", title, MAX_TITLE)
    target_slug = slugify(new_slug, max_length=MAX_SLUG, word_boundary=True) if new_slug.strip() else slug
    if not target_slug:
        errors["slug"] = "must contain at least one letter or digit"
    elif target_slug != slug and (problem := slug_problem("question", target_slug, question.id)):
        errors["slug"] = problem
    _check_length(errors, "region", region.strip(), MAX_REGION)
    kept = _kept_choices(existing, result_counts(question), choices, errors)
    if errors:
        raise ValidationFailed("The question has invalid fields.", fields=errors)
    with transaction():
        question.title = title
        remember("question", slug, question.id, target_slug)
        question.slug = target_slug
        question.region = region.strip()
        question.description = description.strip()
        _replace_choices(question, existing, kept)
    return question


def _check_details(edit: ChoiceEdit, key: str, errors: dict[str, str]) -> None:
    """A candidate's details, each problem under ``<key>.<field>``."""
    if edit.full_name is not None and len(" ".join(edit.full_name.split())) > MAX_FULL_NAME:
        errors[f"{key}.full_name"] = f"must be at most {MAX_FULL_NAME} characters"
    if edit.party and edit.party not in PARTIES:
        errors[f"{key}.party"] = f"must be one of {', '.join(PARTIES)} (or none)"
    if edit.status is None:
        return
    if edit.status not in STATUSES:
        errors[f"{key}.status"] = f"must be one of {', '.join(STATUSES)}"
    elif edit.status == "withdrew" and edit.withdrew_on is None:
        errors[f"{key}.withdrew_on"] = "is required for a candidate who withdrew"
    elif edit.status != "withdrew" and edit.withdrew_on is not None:
        errors[f"{key}.withdrew_on"] = "is only for a candidate who withdrew (set the status to Withdrew)"


def _kept_choices(existing: dict[int, Choice], counts: dict[int, int], choices: list[ChoiceEdit],
                  errors: dict[str, str]) -> list[tuple[int | None, str, ChoiceEdit]]:
    """The choices to keep, in order, as ``(id or None, name, edit)``; problems go to
    ``errors``."""
    kept: list[tuple[int | None, str, ChoiceEdit]] = []
    mentioned: set[int] = set()
    for index, edit in enumerate(choices):
        key = f"choices.{index}"
        name = " ".join(edit.name.split())
        if edit.id is not None:
            if edit.id not in existing:
                errors[key] = "is not a choice of this question"
                continue
            mentioned.add(edit.id)
        if edit.remove or (edit.id is None and not name):
            if edit.id is not None and counts.get(edit.id):
                errors[key] = _cannot_remove(existing[edit.id].name, counts[edit.id])
            continue
        _check_details(edit, key, errors)
        if not name:
            errors[key] = "needs a name (tick Remove to remove the choice)"
        elif len(name) > MAX_CHOICE:
            errors[key] = f"must be at most {MAX_CHOICE} characters"
        elif choice_name_problem(name):
            errors[key] = str(choice_name_problem(name))
        else:
            kept.append((edit.id, name, edit))
    for choice_id, choice in existing.items():
        if choice_id not in mentioned and counts.get(choice_id):
            errors["choices"] = _cannot_remove(choice.name, counts[choice_id])
    folded = [name.casefold() for _, name, _ in kept]
    if not kept and not any(key.startswith("choices") for key in errors):
        errors["choices"] = "a question needs at least one answer choice"
    elif len(set(folded)) != len(folded):
        errors["choices"] = "answer choices must be different"
    return kept


def _cannot_remove(name: str, count: int) -> str:
    return (f"“{name}” has {count} stored result{'s' if count != 1 else ''} and cannot be removed; "
            "rename it instead")


def _replace_choices(question: Question, existing: dict[int, Choice],
                     kept: list[tuple[int | None, str, ChoiceEdit]]) -> None:
    """Give the question exactly ``kept`` as its choices, in order, with their details.
    Names and positions are unique per question, so a swap goes through placeholders in
    separate flushes."""
    kept_ids = {choice_id for choice_id, _, _ in kept if choice_id is not None}
    question.choices = [c for c in question.choices if c.id in kept_ids]  # orphans are deleted
    db.session.flush()
    for choice in question.choices:
        choice.name = f"~renaming~{choice.id}"
        choice.position = -1 - choice.position
    db.session.flush()
    ordered = []
    for position, (choice_id, name, edit) in enumerate(kept):
        choice = existing[choice_id] if choice_id is not None else Choice(name=name)
        choice.name, choice.position = name, position
        _apply_details(choice, edit)
        ordered.append(choice)
    question.choices = ordered
    db.session.flush()


def _apply_details(choice: Choice, edit: ChoiceEdit) -> None:
    if edit.full_name is not None:
        choice.full_name = " ".join(edit.full_name.split())
    if edit.party is not None:
        choice.party = edit.party or None
    if edit.status is not None:
        choice.status, choice.withdrew_on = edit.status, edit.withdrew_on
    elif choice.status is None:
        choice.status = "running"
