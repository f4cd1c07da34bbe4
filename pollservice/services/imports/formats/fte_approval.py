"""``fte-approval``: FiveThirtyEight's presidential approval poll list
(``approval_polllist.csv``; data CC BY 4.0, FiveThirtyEight / ABC News).

Columns used: ``president``, ``subgroup``, ``startdate``, ``enddate`` (m/d/yyyy),
``pollster``, ``samplesize``, ``population``, ``approve``, ``disapprove``, ``tracking``,
``url``, ``question_id``. The list repeats every poll once per trend line it feeds
(subgroups "All polls", "Adults", "Voters"); only "All polls" is imported, which holds one
version of every poll (538 prefers the adults' version). The other rows are counted as
skipped. 538's model outputs (``weight``, ``influence``, ``adjusted_*``) are not imported.

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
    open_csv,
    sample_size_field,
)

NAME = "fte-approval"
DEFAULT_SOURCE = FTE_SOURCE
QUESTION_IS_TARGET = True
REQUIRED = ("president", "subgroup", "startdate", "enddate", "pollster", "samplesize",
            "population", "approve", "disapprove", "question_id")
ONE_VERSION = "All polls"
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
    for record in reader:
        line = reader.line_num
        subgroup = cell(record, "subgroup")
        if subgroup != ONE_VERSION:
            yield ImportRow(line, "", {}, skip=f"subgroup {subgroup!r}: only {ONE_VERSION!r} "
                                               "is imported (one version per poll)")
            continue
        problems: list[tuple[str, str]] = []
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
            "notes": "Tracking poll" if cell(record, "tracking").upper() == "T" else "",
            "source": FTE_SOURCE,
            "source_id": cell(record, "question_id"),
            "results": {"Approve": cell(record, "approve"),
                        "Disapprove": cell(record, "disapprove")},
        }
        if not values["source_id"]:
            problems.append(("source_id", "is required (538's question id)"))
        slug = question or (approval_slug(president) if president else "")
        yield ImportRow(line, slug, values, question_title=approval_title(president or slug),
                        question_region="United States", question_choices=CHOICES,
                        problems=problems, columns=COLUMNS)
