"""Helpers the readers share: CSV headers, FiveThirtyEight's dates, numbers, pollster ids
and poll versions, and question names for approval lists."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from slugify import slugify

from ....domain.poll_fields import TRUE_WORDS
from ..rows import ImportRejected, RowProblem

FTE_SOURCE = "fivethirtyeight"
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
MONTH_ONLY = re.compile(r"^[A-Za-z]+ \d{4}$")


def lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, lazily: ``io.StringIO`` would hold a copy
    four times the size of the text (it stores UCS-4). Lines end in LF or CRLF, or in CR
    alone when the text has no LF."""
    start, size = 0, len(text)
    # "\r\n" and "\n" end with "\n"; a file with CR-only endings (old Mac) has no "\n" at all
    ending = "\n" if "\n" in text or "\r" not in text else "\r"
    while start < size:
        end = text.find(ending, start)
        end = size if end < 0 else end + 1
        yield text[start:end]
        start = end


def open_csv(text: str, source_name: str, required: Iterable[str]) -> csv.DictReader:
    """A ``DictReader`` over the text with a stripped header; a required column that is
    missing rejects the whole file (line 1)."""
    reader = csv.DictReader(lines(text))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportRejected(
            source_name, [RowProblem(1, name, "required column is missing") for name in missing])
    reader.fieldnames = header
    return reader


def header_of(text: str) -> list[str]:
    """The names in the text's first CSV record, stripped (``[]`` for an empty text)."""
    for record in csv.reader(lines(text)):
        return [name.strip() for name in record]
    return []


def cell(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    return "" if value is None else str(value).strip()


def us_date(text: str) -> dt.date:
    """538's ``m/d/yyyy`` or ``m/d/yy`` dates."""
    text = text.strip()
    if not text:
        raise ValueError("is required")
    for pattern in ("%m/%d/%Y", "%m/%d/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (m/d/yyyy)")


def date_field(record: Mapping[str, Any], column: str, name: str,
               problems: list[tuple[str, str]], required: bool = True) -> dt.date | None:
    text = cell(record, column)
    if not text and not required:
        return None
    try:
        return us_date(text)
    except ValueError as exc:
        problems.append((name, str(exc)))
        return None


def whole_number(text: str) -> int | None:
    """A sample size: empty stays unknown (``None``). 538 averages the sample sizes of
    merged versions ("2202.5"); they are rounded to the nearest whole respondent."""
    text = text.strip()
    if not text:
        return None
    number = float(text)  # ValueError names the text
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a number")
    return int(math.floor(number + 0.5))


def sample_size_field(record: Mapping[str, Any], column: str,
                      problems: list[tuple[str, str]]) -> int | str | None:
    text = cell(record, column)
    try:
        return whole_number(text)
    except ValueError:
        problems.append(("sample_size", f"{text!r} is not a number"))
        return None


def flag(text: str) -> bool:
    """A 538 yes/no cell: a yes word of the one vocabulary is true, anything else false."""
    return text.strip().lower() in TRUE_WORDS


def join_notes(*parts: str) -> str:
    return "; ".join(part.strip() for part in parts if part and part.strip())


def last_name(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if w.casefold() not in NAME_SUFFIXES]
    return words[-1] if words else name


def approval_slug(politician: str, region: str = "") -> str:
    """``Donald Trump`` -> ``trump-approval``; ``Joseph R. Biden Jr.`` -> ``biden-approval``."""
    slug = slugify(last_name(politician)) + "-approval"
    return f"{slug}-{slugify(region)}" if region else slug


def approval_title(politician: str, region: str = "") -> str:
    where = f" ({region})" if region else ""
    return (f"Do you approve or disapprove of the way {politician} is handling the job of "
            f"president?{where}")


def fte_pollster_id(record: Mapping[str, Any]) -> int | None:
    """538's ``pollster_id`` (a stable key across its files), when the file has one."""
    text = cell(record, "pollster_id")
    return int(text) if text.isdigit() else None


def fte_extra(record: Mapping[str, Any], warnings: list[tuple[str, str]]) -> dict[str, Any]:
    """A 538 poll's publication day (``created_at`` "10/21/20 14:10" or ``createddate``),
    tracking flag and version group (its ``poll_id``). A publication day that is not a date
    is left empty with a warning (it is optional); one a copy coarsened to the month
    ("January 2021", as in one copy of the Trump list) is left empty without one."""
    extra: dict[str, Any] = {"tracking": flag(cell(record, "tracking"))}
    column = "created_at" if "created_at" in record else "createddate"
    created = cell(record, column)
    if created and not MONTH_ONLY.match(created):
        try:
            extra["published_on"] = us_date(created.split()[0])
        except ValueError as exc:
            warnings.append((column, f"{exc}; stored empty"))
    poll_id = cell(record, "poll_id")
    if poll_id:
        extra["version_group"] = f"{FTE_SOURCE}:poll:{poll_id}"
    return extra
