"""``fte-impeachment``: FiveThirtyEight's polls on impeaching and removing President Trump
(``impeachment-polls/impeachment_polls.csv``; data CC BY 4.0, FiveThirtyEight / ABC News).

Columns used: ``Start``, ``End`` (m/d/yyyy), ``Pollster``, ``Sponsor``, ``SampleSize``,
``Pop`` (a / rv / lv), ``tracking``, ``Text`` (the question's wording, kept in the notes),
``Category``, ``Include?``, ``Yes``, ``No``, ``Unsure``, ``URL``, ``Notes``.

Each ``Category`` is one topic question with the subject "Impeachment of Donald Trump"
and the choices Yes, No, Unsure: ``trump-impeachment-impeach``,
``trump-impeachment-impeach-and-remove``, ``trump-impeachment-begin-proceedings`` and so
on (a row without a category goes into ``trump-impeachment-other``). A question 538 left
out of its average (``Include?`` = no) is stored but not counted in averages. The
partisan subsamples (``Rep Yes``, ``Dem No``, ...) are not imported.

``Unsure`` is the least certain answer: where the three add up to more than 100 (one row:
54, 28, 28) it is stored empty with a warning, and Yes and No are kept.

The file has no poll id: a poll's ``source_id`` is made from its field dates, pollster,
population, sample size, wording and answers, so importing the file again adds nothing;
a row repeated word for word is skipped. The versions of one poll (the same question of
adults and of voters: same dates, pollster, sponsor, category and wording) share a
``version_group``, so one counts in averages and the others measure the gap between the
populations; rows 538 left out of its average stay out of every group.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from slugify import slugify

from ..rows import ImportRow
from .common import cell, date_field, flag, join_notes, open_csv, sample_size_field

NAME = "fte-impeachment"
DEFAULT_SOURCE = "fivethirtyeight-impeachment"
QUESTION_IS_TARGET = False
REQUIRED = ("Start", "End", "Pollster", "SampleSize", "Pop", "Text", "Category", "Include?",
            "Yes", "No")
SUBJECT = "Impeachment of Donald Trump"
CHOICES = ("Yes", "No", "Unsure")
TITLES = {
    "impeach": "Should Congress impeach President Trump?",
    "impeach_and_remove": "Should President Trump be impeached and removed from office?",
    "begin_proceedings": "Should Congress begin impeachment proceedings against President Trump?",
    "begin_inquiry": "Should Congress begin an impeachment inquiry into President Trump?",
    "remove": "Should the Senate remove President Trump from office?",
    "if_impeach_then_remove": "If the House impeaches President Trump, should the Senate "
                              "remove him from office?",
    "reasons": "Should President Trump be impeached for a particular reason (e.g. the Mueller "
               "report)?",
    "consider": "Should Congress consider impeaching President Trump?",
}
OTHER = "other"
COLUMNS = {"pollster": "Pollster", "sponsor": "Sponsor", "start_date": "Start", "end_date": "End",
           "sample_size": "SampleSize", "population": "Pop", "source_url": "URL",
           "notes": "Notes", "question": "Category", "results": "Yes", "results.Yes": "Yes",
           "results.No": "No", "results.Unsure": "Unsure"}


def matches(header: list[str]) -> bool:
    return {"Category", "Include?", "Yes", "No", "Pop"} <= set(header)


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    reader = open_csv(text, source_name, REQUIRED)
    return _rows(reader)


def question_of(category: str) -> tuple[str, str]:
    """The slug and title of a category's question."""
    key = category.strip().lower() or OTHER
    title = TITLES.get(key, f"{SUBJECT}: {key.replace('_', ' ')}" if key != OTHER
                       else f"{SUBJECT}: other questions")
    return "trump-impeachment-" + slugify(key), title


def _identity(record) -> str:
    parts = [cell(record, name) for name in ("Start", "End", "Pollster", "Pop", "SampleSize",
                                             "Text", "Category", "Yes", "No", "Unsure")]
    return "impeachment:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:20]


def _version_group(record) -> str:
    """One poll's versions (the same question asked of adults and of voters) share the field
    dates, pollster, sponsor, category and wording: one of them counts (``domain.versions``)."""
    parts = [cell(record, name) for name in ("Start", "End", "Pollster", "Sponsor", "Text", "Category")]
    return "impeachment:poll:" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:20]


def _rows(reader) -> Iterator[ImportRow]:
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        identity = _identity(record)
        if identity in seen:
            yield ImportRow(line, "", {}, skip="the same row again (word for word)")
            continue
        seen[identity] = line
        yield _row(record, line, identity)


def _row(record, line: int, identity: str) -> ImportRow:
    problems: list[tuple[str, str]] = []
    if None in record:
        problems.append(("row", "has more cells than the header"))
    slug, title = question_of(cell(record, "Category"))
    included = cell(record, "Include?").lower() != "no"
    results = {name: cell(record, name) for name in CHOICES}
    warnings: list[tuple[str, str]] = []
    _check_unsure(results, warnings)
    values = {
        "pollster": cell(record, "Pollster"), "sponsor": cell(record, "Sponsor"),
        "start_date": date_field(record, "Start", "start_date", problems),
        "end_date": date_field(record, "End", "end_date", problems),
        "sample_size": sample_size_field(record, "SampleSize", problems),
        "population": cell(record, "Pop"), "source_url": cell(record, "URL"),
        "notes": join_notes(f"Question: {cell(record, 'Text')}" if cell(record, "Text") else "",
                            cell(record, "Notes"),
                            "" if included else "538 left it out of its average"),
        "source_id": identity,
        "results": results,
    }
    extra: dict = {"tracking": flag(cell(record, "tracking"))}
    if not included:  # out of every version group: a recount would count it again
        extra["counted"] = False
    else:
        extra["version_group"] = _version_group(record)
    return ImportRow(line, slug, values, question_title=title, question_region="United States",
                     question_choices=CHOICES, problems=problems, columns=COLUMNS,
                     subject=SUBJECT, geography="US", extra=extra, warnings=warnings)


def _check_unsure(results: dict[str, str], warnings: list[tuple[str, str]]) -> None:
    """Empty ``Unsure`` (with a warning) when it makes the answers add up past 100."""
    try:
        shares = {name: float(text) for name, text in results.items() if text}
    except ValueError:
        return  # the row's check names the cell that is not a number
    total = sum(shares.values())
    if "Unsure" in shares and total > 101 and total - shares["Unsure"] <= 101:
        warnings.append(("results.Unsure", f"Yes, No and Unsure add up to {total:g}; "
                                           f"Unsure ({results['Unsure']}) stored empty"))
        results["Unsure"] = ""
