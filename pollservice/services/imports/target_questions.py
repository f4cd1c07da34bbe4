"""The questions an import's rows go into: found by slug, created when a file names a new
one (and gives it a title), or given the new answers a long 538 file adds. Once the rows
are matched, a new question or choice that no row ends up using is dropped again.

A horse-race row names its race (``rows.RaceSpec``): the race is found by its vocabulary
key or created, and the question belongs to it; the race takes the election day and the
result the file gives (``result_source`` names the file). A topic row gives its subject.
Candidates' full names and parties go to their choices where these are not yet known.

An import resolves its rows batch after batch with one ``TargetQuestions``: the questions
and races found or created stay known (a question this import created takes the choices
a later batch fills), and what a batch created but none of its rows uses is dropped at
the end of that batch."""

from __future__ import annotations

from slugify import slugify

from ...domain import vocabulary
from ...domain.errors import ServiceError
from ...extensions import db
from ...models import Choice, Question, Race
from ..questions import create_question
from .matching import Planned
from .race_results import apply_results
from .rows import ImportRow, ImportSummary, RaceSpec, Reject
from .stored import load_questions, load_races


class TargetQuestions:
    def __init__(self, summary: ImportSummary, reject: Reject):
        self.summary = summary
        self.reject = reject
        self.new_choices: list[tuple[Question, Choice]] = []  # pending: this batch's
        self.new_questions: dict[str, Question] = {}  # created by this import
        self.batch_questions: dict[str, Question] = {}  # ... by the current batch
        self.found: dict[str, Question] = {}  # every question the import's rows named
        self.looked_up: set[str] = set()
        self.races: dict[tuple, Race] = {}
        self.new_races: dict[tuple, Race] = {}  # created by the current batch
        self.races_looked_up: set[tuple] = set()

    def resolve(self, rows: list[ImportRow]) -> dict[str, Question]:
        """Slug -> question for every slug the rows name that is stored or can be created;
        the rows of the others are rejected."""
        found = self.found
        slugs = {row.question for row in rows if row.question} - self.looked_up
        found.update(load_questions(slugs))
        self.looked_up |= slugs
        keys = {row.race.key for row in rows if row.race is not None} - self.races_looked_up
        self.races.update(load_races(keys))
        self.races_looked_up |= keys
        rows_of: dict[str, list[ImportRow]] = {}
        for row in rows:
            if not row.question and row.problems:  # the reader could not name it: say why
                for name, message in row.problems:
                    self.reject(row, name, message)
            elif not row.question:
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
            elif slug in self.new_questions:  # created by an earlier batch: as one file
                self._extend(question, its_rows, every_row=True)
            elif any(row.extend_choices for row in its_rows):
                self._extend(question, its_rows)
            self._place(question, its_rows)
        return found

    def _place(self, question: Question, rows: list[ImportRow]) -> None:
        """The question's race (found or created), subject, geography and candidates."""
        first = rows[0]
        if first.race is not None:
            race = self._race(first.race)
            if question.race_id is None and question.race is None:
                question.race = race
            for row in rows:
                if row.race is not None:
                    self._race_facts(race, row.race)
        if first.subject and not question.subject:
            question.subject = first.subject[:200]
        geography = first.geography or (first.race.geography if first.race else "")
        if geography and not question.geography:
            question.geography = geography
        if first.hypothetical and question.id is None:
            question.hypothetical = True
        candidates: dict[str, tuple[str, str | None]] = {}
        for row in rows:
            for name, info in (row.candidates or {}).items():
                candidates.setdefault(name.casefold(), info)
        for choice in question.choices:
            full_name, party = candidates.get(choice.name.casefold(), ("", None))
            if full_name and not choice.full_name:
                choice.full_name = full_name[:200]
            if party and not choice.party:
                choice.party = party

    def _race(self, spec: RaceSpec) -> Race:
        race = self.races.get(spec.key)
        if race is None:
            race = Race(slug=spec.slug, cycle=spec.cycle, office=spec.office,
                        geography=spec.geography, stage=spec.stage, party=spec.party,
                        seat=spec.seat, title=spec.title[:300], result_source="")
            db.session.add(race)
            self.races[spec.key] = self.new_races[spec.key] = race
        return race

    def _race_facts(self, race: Race, spec: RaceSpec) -> None:
        """The election day and the result a file gives (a later file's result wins)."""
        if spec.election_date is not None and race.election_date != spec.election_date:
            race.election_date = spec.election_date
        apply_results(race, spec.results, spec.result_parties, self.summary.source_name)

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
                                       region=titled.question_region
                                       or _region_of(titled))
        except ServiceError as error:
            for row in rows:
                for name, message in (error.fields or {"question": error.message}).items():
                    self.reject(row, "question." + name, message)
            return None
        self.new_questions[slug] = self.batch_questions[slug] = question
        return question

    def _extend(self, question: Question, rows: list[ImportRow], every_row: bool = False) -> None:
        known = {choice.name.casefold() for choice in question.choices}
        position = max((choice.position for choice in question.choices), default=-1)
        for name in _choices_for([row for row in rows if every_row or row.extend_choices]):
            if name.casefold() not in known and len(name) <= 120:
                position += 1
                choice = Choice(name=name, position=position, full_name="", status="running")
                question.choices.append(choice)
                known.add(name.casefold())
                self.new_choices.append((question, choice))

    def drop_unused(self, planned: list[Planned]) -> None:
        """Drop the new choices, questions and races of this batch that none of its planned
        rows uses (a later batch creates them again if it needs them); the summary lists
        the new questions and races that stay."""
        used = {(id(p.question), name) for p in planned for name in p.results}
        for question, choice in self.new_choices:
            if (id(question), choice.name) not in used:
                question.choices.remove(choice)  # pending: leaves the session
        self.new_choices = []
        wanted = {p.question.slug for p in planned}
        for slug, question in self.batch_questions.items():
            if slug in wanted:
                self.summary.created_questions.append(question.slug)
            else:
                if question.race is not None:
                    question.race = None
                db.session.expunge(question)
                del self.found[slug], self.new_questions[slug]
        self.batch_questions = {}
        used_races = {id(p.question.race) for p in planned if p.question.race is not None}
        for key, race in self.new_races.items():
            if id(race) in used_races:
                self.summary.created_races.append(race.slug)
            else:
                db.session.expunge(race)
                del self.races[key]
        self.new_races = {}


def _region_of(row: ImportRow) -> str:
    """A new question's region: the name of its place."""
    code = row.geography or (row.race.geography if row.race else "")
    return vocabulary.geography_name(code) if code else ""


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
