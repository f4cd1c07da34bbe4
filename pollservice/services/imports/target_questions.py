"""The questions an import's rows go into: found by slug, created when a file names a new
one (and gives it a title), or given the new answers a long 538 file adds. Once the rows
are matched, a new question or choice that no row ends up using is dropped again."""

from __future__ import annotations

from slugify import slugify

from ...domain.errors import ServiceError
from ...extensions import db
from ...models import Choice, Question
from ..questions import create_question
from .matching import Planned
from .rows import ImportRow, ImportSummary, Reject
from .stored import load_questions


class TargetQuestions:
    def __init__(self, summary: ImportSummary, reject: Reject):
        self.summary = summary
        self.reject = reject
        self.new_choices: list[tuple[Question, Choice]] = []  # pending in the session
        self.new_questions: dict[str, Question] = {}

    def resolve(self, rows: list[ImportRow]) -> dict[str, Question]:
        """Slug -> question for every slug the rows name that is stored or can be created;
        the rows of the others are rejected."""
        found = load_questions({row.question for row in rows if row.question})
        rows_of: dict[str, list[ImportRow]] = {}
        for row in rows:
            if not row.question:
                self.reject(row, "question", "is required")
            else:
                rows_of.setdefault(row.question, []).append(row)
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

    def drop_unused(self, planned: list[Planned]) -> None:
        """Drop the new choices and questions no planned row uses; the summary lists the
        new questions that stay."""
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
