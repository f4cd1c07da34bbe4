"""``fte-polls``: the CSVs of FiveThirtyEight's polls page (data CC BY 4.0,
FiveThirtyEight / ABC News), in three layouts, recognised by their columns:

``answer``, ``pct`` (long: one row per answer, e.g. ``president_polls.csv``)
    Each 538 question belongs to a race (``rows.RaceSpec``: ``cycle``, ``office_type``,
    ``state``, ``stage``, a primary's ``party``, mapped to ``domain.vocabulary``), whose
    main question has the race's slug (``2020-president-pa``). The race's nominees are the
    two answers asked together in the most 538 questions of the cycle, office and stage
    (Biden and Trump in 2020); a 538 question without both is a hypothetical match-up,
    kept in its own question of the same race (``2020-president-us-trump-sanders``,
    ``hypothetical``). The choices are the answers in order of appearance, nominees first;
    a third-party candidate new to an existing question becomes a new choice of it, with
    538's ``candidate_name`` as full name and ``candidate_party`` as party. The race takes
    the ``election_date``.
``yes``, ``no`` (wide approval, e.g. ``president_approval_polls.csv``)
    One topic question per politician (``trump-approval``, subject "Donald Trump
    approval", choices Approve / Disapprove, with ``-<state>`` for a state's polls), as
    the ``fte-approval`` list; ``--question`` names another.
``dem``, ``rep`` (wide generic ballot, ``generic_ballot_polls.csv``)
    The race ``<cycle>-generic-ballot-us`` with the choices Democrats, Republicans (and
    Independents when the file fills ``ind``).

538 lists a poll once per population (and per candidate field) it reports, as separate
questions with one ``poll_id``. Every version is imported and linked by ``version_group``
("fivethirtyeight:poll:<poll_id>"); ``domain.versions`` says which one averages count.
Every poll keeps ``source`` "fivethirtyeight" and ``source_id`` = 538's ``question_id``
(the identity ``fte-approval`` and ``fte-raw-polls`` use too, so the same poll in two
files is one poll). The pollster is 538's ``display_name`` (found first by 538's
``pollster_id``; the ``pollster`` spelling becomes an alias); ``sponsors``,
``methodology`` (mode), ``partisan``, ``internal``, ``notes``, ``tracking`` and
``created_at`` (the day the poll was published) are kept. ``--question`` keeps only one
question's rows (approval: names the target question).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from slugify import slugify

from ....domain import vocabulary
from ..rows import ImportRejected, ImportRow, RaceSpec, RowProblem
from .common import (
    FTE_SOURCE,
    approval_slug,
    approval_title,
    cell,
    date_field,
    flag,
    fte_extra,
    fte_pollster_id,
    header_of,
    open_csv,
    sample_size_field,
)

NAME = "fte-polls"
DEFAULT_SOURCE = FTE_SOURCE
QUESTION_IS_TARGET = False  # except for approval files, handled below
COMMON = ("question_id", "poll_id", "pollster", "sample_size", "population", "start_date",
          "end_date")
LAYOUTS = {"long": ("answer", "pct"), "approval": ("yes", "no"), "generic": ("dem", "rep")}
COLUMNS = {"pollster": "display_name", "start_date": "start_date", "end_date": "end_date",
           "sample_size": "sample_size", "population": "population", "source_url": "url",
           "source_id": "question_id", "sponsor": "sponsors", "mode": "methodology",
           "election_date": "election_date", "question": "question_id"}


def layout_of(header: list[str]) -> str | None:
    for layout, columns in LAYOUTS.items():
        if set(columns) <= set(header):
            return layout
    return None


def matches(header: list[str]) -> bool:
    return {"question_id", "poll_id"} <= set(header) and layout_of(header) is not None


@dataclass
class _Question:
    """One 538 question (one poll version) with its answers."""

    line: int
    record: dict[str, Any]
    answers: dict[str, str] = field(default_factory=dict)  # answer -> pct text
    answer_lines: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    slug: str = ""
    title: str = ""
    region: str = ""
    choices: tuple[str, ...] = ()
    race: RaceSpec | None = None
    subject: str = ""
    geography: str = ""
    hypothetical: bool = False
    candidates: dict[str, tuple[str, str | None]] = field(default_factory=dict)


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    """The rows, lazily. A long file is read twice: first what each 538 question's race,
    nominees and choices need (its answers and race columns, not its whole record), then
    again, each question's row made when its first line comes by; so the reader holds a
    few columns per question, not every record. A wide file is one row per record."""
    layout = layout_of(header_of(text))
    if layout is None:
        raise ImportRejected(source_name, [RowProblem(
            1, "header", "needs answer and pct, yes and no, or dem and rep columns")])
    reader = open_csv(text, source_name, COMMON + LAYOUTS[layout])
    if layout == "long":
        return _long_rows(text, source_name, reader)
    return _wide_rows(reader, layout, question)


# What a long file's first reading keeps of a question's record (``_races`` reads them).
RACE_COLUMNS = ("cycle", "office_type", "stage", "state", "party", "seat_name", "election_date")


def _long_rows(text: str, source_name: str, reader) -> Iterator[ImportRow]:
    questions = _read_questions(reader, "long")
    _races(questions)
    waiting = {q.line: q for q in questions}  # first line -> question
    questions.clear()
    again = open_csv(text, source_name, ())
    for record in again:
        q = waiting.pop(again.line_num, None)
        if q is not None:
            q.record = record
            yield _row(q)


def _wide_rows(reader, layout: str, target: str | None) -> Iterator[ImportRow]:
    for record in reader:
        q = _Question(reader.line_num, record)
        if not cell(record, "question_id"):
            q.problems.append(("source_id", "is required (538's question id)"))
        _add_line(q, record, reader.line_num, layout)
        if layout == "approval":
            _approval([q], target)
        else:
            _generic([q])
        yield _row(q)


def _read_questions(reader, layout: str) -> list[_Question]:
    """A long file's questions, each with its answers and its record's race columns."""
    by_id: dict[str, _Question] = {}
    ordered: list[_Question] = []
    for record in reader:
        line = reader.line_num
        question_id = cell(record, "question_id")
        q = by_id.get(question_id) if question_id else None
        if q is None:
            q = _Question(line, {name: record.get(name) for name in RACE_COLUMNS if name in record})
            ordered.append(q)
            if question_id:
                by_id[question_id] = q
            else:
                q.problems.append(("source_id", "is required (538's question id)"))
        _add_line(q, record, line, layout)
    return ordered


def _add_line(q: _Question, record: dict[str, Any], line: int, layout: str) -> None:
    """One line's answers (and problems) to its question."""
    if None in record:
        q.problems.append(("row", f"line {line} has more cells than the header"))
    if layout == "long":
        answer = cell(record, "answer")
        if not answer:
            q.problems.append(("answer", f"line {line}: is required"))
        elif answer in q.answers:
            q.problems.append(("answer", f"line {line}: {answer!r} appears twice"))
        else:
            q.answers[answer] = cell(record, "pct")
            q.answer_lines[answer] = line
            q.candidates[answer] = (cell(record, "candidate_name"),
                                    vocabulary.party_code(cell(record, "candidate_party")))
    elif layout == "approval":
        q.answers = {"Approve": cell(record, "yes"), "Disapprove": cell(record, "no")}
    else:
        q.answers = {"Democrats": cell(record, "dem"), "Republicans": cell(record, "rep")}
        if cell(record, "ind"):
            q.answers["Independents"] = cell(record, "ind")


def _races(questions: list[_Question]) -> None:
    """Race, slug, title and choices of each question; hypothetical match-ups get their own."""
    pairs: dict[tuple[str, str, str], Counter] = {}
    for q in questions:
        counter = pairs.setdefault(_contest(q.record), Counter())
        counter.update(combinations(sorted(q.answers), 2))
    nominees = {contest: (counter.most_common(1)[0][0] if counter else ())
                for contest, counter in pairs.items()}
    choices: dict[str, list[str]] = {}
    for q in questions:
        q.race = _race_of(q)
        if q.race is None:
            continue
        pair = nominees[_contest(q.record)]
        q.geography = q.race.geography
        if pair and set(pair) <= set(q.answers):
            q.slug, q.title = q.race.slug, q.race.title
            ordered = [a for a in q.answers if a in pair] + [a for a in q.answers if a not in pair]
        else:  # a match-up that is not the race as it is run
            ordered = list(q.answers)
            q.hypothetical = True
            q.slug = slugify(q.race.slug + "-" + "-".join(_short(a) for a in ordered),
                             max_length=120, word_boundary=True)
            q.title = f"{q.race.title}: {' vs '.join(ordered)} (hypothetical match-up)"
        names = choices.setdefault(q.slug, [])
        names.extend(a for a in ordered if a not in names)
        q.region = vocabulary.geography_name(q.race.geography)
    for q in questions:
        if q.slug:
            q.choices = tuple(choices[q.slug])


def _short(answer: str) -> str:
    return slugify(answer.split()[-1] if answer.split() else answer)


def _race_of(q: _Question) -> RaceSpec | None:
    """The 538 question's race in vocabulary codes; None (a problem) when a word is unknown."""
    record = q.record
    cycle, office_text, stage_text = _contest(record)
    office = vocabulary.office_code(office_text)
    stage = vocabulary.stage_code(stage_text or "general")
    geography = vocabulary.geography_code(cell(record, "state"))
    unknown = [(column, value) for column, value, code in (
        ("cycle", cycle, cycle.isdigit() or None), ("office_type", office_text, office),
        ("stage", stage_text, stage), ("state", cell(record, "state"), geography)) if code is None]
    if unknown or office is None or stage is None or geography is None:
        for column, value in unknown:
            q.problems.append((column, f"{value!r} is not a known {column}"))
        return None
    party = vocabulary.party_code(cell(record, "party")) or "" if stage in ("primary", "caucus") else ""
    seat = "special" if "special" in cell(record, "seat_name").lower() else ""
    election_date = date_field(record, "election_date", "election_date", q.problems, required=False)
    return RaceSpec(int(cycle), office, geography, stage, party, seat, election_date)


def _contest(record: dict[str, Any]) -> tuple[str, str, str]:
    return cell(record, "cycle"), cell(record, "office_type"), cell(record, "stage")


def _approval(questions: list[_Question], target: str | None) -> None:
    for q in questions:
        politician = cell(q.record, "politician")
        state = cell(q.record, "state")
        q.slug = target or (approval_slug(politician, state) if politician else "")
        q.title = approval_title(politician or q.slug, state)
        q.region = state or "United States"
        q.choices = ("Approve", "Disapprove")
        q.subject = f"{politician} approval" if politician else ""
        q.geography = vocabulary.geography_code(state) or ""


def _generic(questions: list[_Question]) -> None:
    for q in questions:
        cycle = cell(q.record, "cycle")
        geography = vocabulary.geography_code(cell(q.record, "state"))
        if not cycle.isdigit() or geography is None:
            q.problems.append(("cycle" if not cycle.isdigit() else "state", "is not a known value"))
            continue
        q.race = RaceSpec(int(cycle), "generic-ballot", geography, "general")
        q.slug, q.title, q.geography = q.race.slug, q.race.title, geography
        q.region = vocabulary.geography_name(geography)
        q.choices = ("Democrats", "Republicans")
        q.candidates = {"Democrats": ("", "DEM"), "Republicans": ("", "REP"),
                        "Independents": ("", "IND")}


def _row(q: _Question) -> ImportRow:
    """One 538 question as the row of one poll version."""
    record = q.record
    problems = list(q.problems)
    warnings: list[tuple[str, str]] = []
    values: dict[str, Any] = {
        "pollster": cell(record, "display_name") or cell(record, "pollster"),
        "sponsor": cell(record, "sponsors"),
        "start_date": date_field(record, "start_date", "start_date", problems),
        "end_date": date_field(record, "end_date", "end_date", problems),
        "sample_size": sample_size_field(record, "sample_size", problems),
        "population": cell(record, "population"),
        "mode": cell(record, "methodology"),
        "source_url": cell(record, "url"),
        "partisan": bool(cell(record, "partisan")),
        "internal": flag(cell(record, "internal")),
        "notes": cell(record, "notes"),
        "source": FTE_SOURCE,
        "source_id": cell(record, "question_id"),
        "results": dict(q.answers),
    }
    if "election_date" in record:
        values["election_date"] = date_field(record, "election_date", "election_date",
                                             problems, required=False)
    columns = dict(COLUMNS)
    if q.answer_lines:  # long layout: each answer's pct is on its own line
        columns.update({f"results.{a}": "pct" for a in q.answers})
    else:
        columns.update({"results.Approve": "yes", "results.Disapprove": "no",
                        "results.Democrats": "dem", "results.Republicans": "rep",
                        "results.Independents": "ind"})
    pollster = cell(record, "pollster")
    return ImportRow(q.line, q.slug, values, question_title=q.title[:300],
                     question_region=q.region, question_choices=q.choices,
                     extend_choices=bool(q.answer_lines) or "Independents" in q.answers,
                     problems=problems, columns=columns,
                     field_lines={f"results.{a}": n for a, n in q.answer_lines.items()},
                     race=q.race, subject=q.subject, geography=q.geography,
                     hypothetical=q.hypothetical, candidates=q.candidates,
                     extra=fte_extra(record, warnings), warnings=warnings,
                     fte_pollster_id=fte_pollster_id(record),
                     pollster_spellings=(pollster,) if pollster else ())
