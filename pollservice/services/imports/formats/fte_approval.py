"""``fte-approval``: FiveThirtyEight's presidential approval poll list
(``approval_polllist.csv``; data CC BY 4.0, FiveThirtyEight / ABC News).

Columns used: ``president``, ``subgroup``, ``startdate``, ``enddate`` (m/d/yyyy),
``pollster``, ``samplesize``, ``population``, ``approve``, ``disapprove``, ``tracking``,
``url``, ``question_id``, ``poll_id``, ``createddate`` (the day the poll was published).
The list repeats a poll version once per trend line it feeds (subgroups "All polls",
"Adults", "Voters"): each 538 question is imported once (the repeats are counted as
skipped), and the versions of one poll (its ``poll_id``) are linked by ``version_group``,
one of them counted in averages (``domain.versions``: adults first, as 538's "All polls").
538's model outputs (``weight``, ``influence``, ``adjusted_*``) are not imported. The list
has no sponsor, mode, partisan or notes column: importing it over polls from the polls
page leaves those as they are.

Each president's polls go into the question ``<last name>-approval`` (``trump-approval``,
``biden-approval``) with the choices Approve and Disapprove, unless ``--question`` names
another; every poll keeps ``source`` "fivethirtyeight" and ``source_id`` = 538's
``question_id``, the identity the demo data uses, so importing the full list over the demo
updates and adds instead of duplicating. Sample sizes 538 averaged over merged versions
("2202.5") are rounded to whole respondents.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..rows import ImportRow
from .common import (
    FTE_SOURCE,
    approval_slug,
    approval_title,
    cell,
    date_field,
    fte_extra,
    open_csv,
    sample_size_field,
)

NAME = "fte-approval"
DEFAULT_SOURCE = FTE_SOURCE
QUESTION_IS_TARGET = True
REQUIRED = ("president", "subgroup", "startdate", "enddate", "pollster", "samplesize",
            "population", "approve", "disapprove", "question_id")
COLUMNS = {
    "question": "president", "pollster": "pollster", "start_date": "startdate",
    "end_date": "enddate", "sample_size": "samplesize", "population": "population",
    "source_url": "url", "source_id": "question_id", "results": "approve",
    "results.Approve": "approve", "results.Disapprove": "disapprove",
}
CHOICES = ("Approve", "Disapprove")


def matches(header: list[str]) -> bool:
    return {"president", "subgroup", "approve", "disapprove"} <= set(header)


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    reader = open_csv(text, source_name, REQUIRED)
    return _rows(reader, question)


def _rows(reader, question: str | None) -> Iterator[ImportRow]:
    seen: dict[str, int] = {}  # 538 question id -> the line it was read on
    for record in reader:
        line = reader.line_num
        question_id = cell(record, "question_id")
        if question_id and question_id in seen:
            yield ImportRow(line, "", {}, skip="the same 538 question again, for another "
                                               "subgroup (one row per question)")
            continue
        seen[question_id] = line
        yield _row(record, line, question)


def _row(record, line: int, question: str | None) -> ImportRow:
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    if None in record:
        problems.append(("row", "has more cells than the header"))
    president = cell(record, "president")
    values = {
        "pollster": cell(record, "pollster"),
        "start_date": date_field(record, "startdate", "start_date", problems),
        "end_date": date_field(record, "enddate", "end_date", problems),
        "sample_size": sample_size_field(record, "samplesize", problems),
        "population": cell(record, "population"),
        "source_url": cell(record, "url"),
        "source": FTE_SOURCE,
        "source_id": cell(record, "question_id"),
        "results": {"Approve": cell(record, "approve"),
                    "Disapprove": cell(record, "disapprove")},
    }
    if not values["source_id"]:
        problems.append(("source_id", "is required (538's question id)"))
    slug = question or (approval_slug(president) if president else "")
    return ImportRow(line, slug, values, question_title=approval_title(president or slug),
                     question_region="United States", question_choices=CHOICES,
                     problems=problems, columns=COLUMNS, warnings=warnings,
                     extra=fte_extra(record, warnings),
                     subject=f"{president} approval" if president else "", geography="US")
