"""The file formats ``import-polls`` (and the admin upload) read, one module each, and how
a file's format is recognised from its header.

========================  ===============================================================
``canonical``             the project's own CSV (``formats/canonical_csv.py``, README)
``canonical-json``        the project's JSON export (``export.json``)
``fte-approval``          FiveThirtyEight's approval poll list (``approval_polllist.csv``)
``fte-polls``             FiveThirtyEight's polls page (``president_polls.csv``,
                          ``president_approval_polls.csv``, ``generic_ballot_polls.csv``)
``fte-raw-polls``         FiveThirtyEight's pollster-ratings polls with election results
                          (``raw-polls.csv``)
``fte-impeachment``       FiveThirtyEight's impeachment polls (``impeachment_polls.csv``)
``economist-polls``       The Economist's HuffPost Pollster presidential polls, 2008-2016
                          (``all_polls.csv``, ``all_polls_2012.csv``, ``all_polls_2008.csv``)
========================  ===============================================================

Every reader module has ``NAME``, ``DEFAULT_SOURCE``, ``QUESTION_IS_TARGET`` (whether
``--question`` names the question the rows go into, rather than keeping only that
question's rows), ``matches(header) -> bool`` and ``read_rows(text, source_name, question)``,
which checks the header at once (``ImportRejected`` on line 1) and returns an iterator of
``ImportRow``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..rows import ImportRejected, ImportRow, RowProblem
from . import (
    canonical,
    canonical_json,
    economist_polls,
    fte_approval,
    fte_impeachment,
    fte_polls,
    fte_raw_polls,
)
from .common import header_of

FORMATS = {module.NAME: module for module in (canonical, canonical_json, fte_approval, fte_polls,
                                              fte_raw_polls, fte_impeachment, economist_polls)}
# The most specific headers first: a canonical CSV accepts almost any header.
DETECTION_ORDER = ("fte-approval", "fte-raw-polls", "fte-polls", "fte-impeachment",
                   "economist-polls", "canonical")
# What each format's header has, for the message about a file in none of them.
SIGNATURES = {
    "canonical": "question, pollster, start_date, end_date, population and answer columns",
    "canonical-json": "a JSON document from export-polls",
    "fte-approval": "president, subgroup, approve, disapprove (538's approval_polllist.csv)",
    "fte-polls": "question_id, poll_id and answer/pct, yes/no or dem/rep (538's polls page)",
    "fte-raw-polls": "race, polldate, cand1_actual, cand2_actual (538's raw-polls.csv)",
    "fte-impeachment": "Category, Include?, Yes, No, Pop (538's impeachment_polls.csv)",
    "economist-polls": "start.date, end.date, number.of.observations, pollster "
                       "(The Economist's all_polls.csv)",
}


@dataclass
class Reading:
    format: str
    rows: Iterator[ImportRow]
    total_lines: int
    default_source: str
    only_question: str | None


def names() -> list[str]:
    return list(FORMATS)


def detect(text: str, source_name: str) -> str:
    """The format of a file, from its first character (JSON) or its CSV header."""
    if text.lstrip()[:1] in ("{", "["):
        return canonical_json.NAME
    header = header_of(text)
    if not header:
        raise ImportRejected(source_name, [RowProblem(1, "file", "is empty")])
    for name in DETECTION_ORDER:
        if FORMATS[name].matches(header):
            return name
    if "question" not in header:
        shown = ", ".join(header[:12]) + (f", ... ({len(header)} columns)" if len(header) > 12 else "")
        raise ImportRejected(source_name, [RowProblem(
            1, "header", f"is in no format pollservice reads; the header read: {shown}. "
            "Known formats: " + "; ".join(f"{name} ({what})" for name, what in SIGNATURES.items()))])
    return canonical.NAME  # the project's own format: its reader names the missing columns


def read(text: str, source_name: str, fmt: str | None = "auto",
         question: str | None = None) -> Reading:
    """Rows of a file's text in format ``fmt`` (``auto`` or empty: detected)."""
    name = detect(text, source_name) if fmt in (None, "", "auto") else fmt
    module = FORMATS.get(name)
    if module is None:
        raise ImportRejected(source_name, [RowProblem(
            1, "format", f"unknown format {name!r}; use one of {', '.join(FORMATS)}")])
    question = (question or "").strip() or None
    rows = module.read_rows(text, source_name, question)
    return Reading(name, rows, text.count("\n") + 1, module.DEFAULT_SOURCE,
                   None if module.QUESTION_IS_TARGET else question)
