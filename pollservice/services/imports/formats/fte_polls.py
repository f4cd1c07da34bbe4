"""``fte-polls``: the CSVs of FiveThirtyEight's polls page (data CC BY 4.0,
FiveThirtyEight / ABC News), in three layouts, recognised by their columns:

``answer``, ``pct`` (long: one row per answer, e.g. ``president_polls.csv``)
    One question per race: ``<cycle>-<office>-<stage>-<state>``, e.g.
    ``2020-president-general-pennsylvania`` (``national`` when ``state`` is blank). The
    race's nominees are the two answers asked together in the most 538 questions of the
    cycle, office and stage (Biden and Trump in 2020). A 538 question without both of them
    is a hypothetical match-up (Trump vs Sanders) and is skipped: it asks about a race
    that did not happen. The choices are the answers in order of appearance, nominees
    first; a third-party candidate new to an existing question becomes a new choice of it.
    ``election_date`` is kept.
``yes``, ``no`` (wide approval, e.g. ``president_approval_polls.csv``)
    One question per politician (``trump-approval``, choices Approve / Disapprove, with
    ``-<state>`` for a state's polls), as the ``fte-approval`` list; ``--question`` names
    another.
``dem``, ``rep`` (wide generic ballot, ``generic_ballot_polls.csv``)
    ``<cycle>-generic-ballot`` with the choices Democrats, Republicans (and Independents
    when the file fills ``ind``).

538 lists a poll once per population (and per candidate field) it reports, as separate
questions with one ``poll_id``. Averaging them all would count the poll several times, so
one version per poll and question is imported: likely voters first, then registered
voters, voters, adults for elections; adults first for approval (538's own choices), then
the version with more candidates, then the lowest question id. The other versions are
skipped. Every poll keeps ``source`` "fivethirtyeight" and ``source_id`` = 538's
``question_id`` (the identity ``fte-approval`` uses too). The pollster is 538's
``display_name``; ``sponsors``, ``methodology`` (mode), ``partisan``, ``internal``,
``notes`` and ``tracking`` ("Tracking poll" in the notes) are kept. ``--question`` keeps
only one question's rows (approval: names the target question).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from slugify import slugify

from ..rows import ImportRejected, ImportRow, RowProblem
from .common import (
    APPROVAL_PREFERENCE,
    ELECTION_PREFERENCE,
    FTE_SOURCE,
    approval_slug,
    approval_title,
    cell,
    date_field,
    flag,
    header_of,
    join_notes,
    open_csv,
    sample_size_field,
    version_key,
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
    skip: str = ""


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    layout = layout_of(header_of(text))
    if layout is None:
        raise ImportRejected(source_name, [RowProblem(
            1, "header", "needs answer and pct, yes and no, or dem and rep columns")])
    reader = open_csv(text, source_name, COMMON + LAYOUTS[layout])
    questions = _read_questions(reader, layout)
    if layout == "long":
        _races(questions)
    elif layout == "approval":
        _approval(questions, question)
    else:
        _generic(questions)
    _choose_versions(questions, APPROVAL_PREFERENCE if layout == "approval" else ELECTION_PREFERENCE)
    return _rows(questions)


def _read_questions(reader, layout: str) -> list[_Question]:
    by_id: dict[str, _Question] = {}
    ordered: list[_Question] = []
    for record in reader:
        line = reader.line_num
        question_id = cell(record, "question_id")
        q = by_id.get(question_id) if question_id and layout == "long" else None
        if q is None:
            q = _Question(line, record)
            ordered.append(q)
            if question_id:
                by_id[question_id] = q
            else:
                q.problems.append(("source_id", "is required (538's question id)"))
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
        elif layout == "approval":
            q.answers = {"Approve": cell(record, "yes"), "Disapprove": cell(record, "no")}
        else:
            q.answers = {"Democrats": cell(record, "dem"), "Republicans": cell(record, "rep")}
            if cell(record, "ind"):
                q.answers["Independents"] = cell(record, "ind")
    return ordered


def _races(questions: list[_Question]) -> None:
    """Slug, title and choices of each question's race; hypothetical match-ups skipped."""
    pairs: dict[tuple[str, str, str], Counter] = {}
    for q in questions:
        contest = _contest(q.record)
        counter = pairs.setdefault(contest, Counter())
        counter.update(combinations(sorted(q.answers), 2))
    nominees = {contest: (counter.most_common(1)[0][0] if counter else ())
                for contest, counter in pairs.items()}
    choices: dict[str, list[str]] = {}
    for q in questions:
        contest = _contest(q.record)
        pair = nominees[contest]
        if not pair or not set(pair) <= set(q.answers):
            q.skip = ("hypothetical match-up (without both nominees, "
                      + " and ".join(pair) + ")") if pair else "question with a single answer"
            continue
        cycle, office, stage = contest
        state = cell(q.record, "state")
        seat = cell(q.record, "seat_number")
        place = slugify(state) if state else "national"
        if seat not in ("", "0"):
            place += f"-{slugify(seat)}"
        q.slug = "-".join(part for part in (slugify(cycle), slugify(office.replace("U.S.", "")),
                                            slugify(stage), place) if part)
        ordered = [a for a in q.answers if a in pair] + [a for a in q.answers if a not in pair]
        names = choices.setdefault(q.slug, [])
        names.extend(a for a in ordered if a not in names)
        q.title = (f"{cycle} {office} {stage} election, {state or 'national'}: "
                   + " vs ".join(a for a in q.answers if a in pair)).strip()
        q.region = state or "United States"
    for q in questions:
        if q.slug:
            q.choices = tuple(choices[q.slug])


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


def _generic(questions: list[_Question]) -> None:
    for q in questions:
        cycle = cell(q.record, "cycle")
        state = cell(q.record, "state")
        q.slug = "-".join(p for p in (slugify(cycle), "generic-ballot", slugify(state)) if p)
        where = f" in {state}" if state else ""
        q.title = (f"{cycle} generic congressional ballot{where}: would you vote for the "
                   "Democratic or the Republican candidate for the U.S. House?").strip()
        q.region = state or "United States"
        q.choices = ("Democrats", "Republicans")


def _choose_versions(questions: list[_Question], preference: tuple[str, ...]) -> None:
    versions: dict[tuple[str, str], list[_Question]] = {}
    for q in questions:
        poll_id = cell(q.record, "poll_id")
        if q.skip or not poll_id:
            continue
        versions.setdefault((q.slug, poll_id), []).append(q)
    for group in versions.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda q: version_key(cell(q.record, "population"), preference,
                                             len(q.answers), cell(q.record, "question_id")))
        for q in group[1:]:
            q.skip = "another version of the same 538 poll is imported (one version per poll)"


def _rows(questions: list[_Question]) -> Iterator[ImportRow]:
    for q in questions:
        if q.skip:
            yield ImportRow(q.line, q.slug, {}, skip=q.skip)
            continue
        record = q.record
        problems = list(q.problems)
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
            "notes": join_notes(cell(record, "notes"),
                                "Tracking poll" if flag(cell(record, "tracking")) else ""),
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
        yield ImportRow(q.line, q.slug, values, question_title=q.title[:300],
                        question_region=q.region, question_choices=q.choices,
                        extend_choices=bool(q.answer_lines) or "Independents" in q.answers,
                        problems=problems, columns=columns,
                        field_lines={f"results.{a}": n for a, n in q.answer_lines.items()})
