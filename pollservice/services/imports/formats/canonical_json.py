"""``canonical-json``: the project's JSON export (``export-polls --format json``,
``GET /api/v1/questions/<slug>/export.json``) read back::

    {"format": "pollservice-polls", "version": 1,
     "questions": [{"slug", "title", "region", "choices": [...],
                    "polls": [{"pollster", "sponsor", "start_date", "end_date",
                               "sample_size", "population", "mode", "source_url",
                               "partisan", "internal", "notes", "source", "source_id",
                               "election_date", "results": {choice: pct},
                               "actual_results": {choice: pct}, ...}]}]}

A question that does not exist yet is created with its ``title``, ``region`` and
``choices``. A poll's ``id`` and ``weights`` (the export's weight and house adjustment)
are ignored. Problems are reported with the line where the poll's object starts and its
place in the document (``questions[0].polls[3]``).
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from collections.abc import Callable, Iterator
from typing import Any

from ....domain.json_input import decode_json
from ..rows import ImportRejected, ImportRow, RowProblem

NAME = "canonical-json"
DEFAULT_SOURCE = "json"
QUESTION_IS_TARGET = False
POLL_FIELDS = ("pollster", "sponsor", "start_date", "end_date", "sample_size", "population",
               "mode", "source_url", "partisan", "internal", "notes", "source", "source_id",
               "election_date", "results", "actual_results")
POSITION = "\x00at"  # key the decoder adds to every object: where it starts in the text


def matches(header: list[str]) -> bool:
    return False  # recognised by its first character, not a CSV header


class _PositionDecoder(json.JSONDecoder):
    """A JSON decoder that records where each object starts (the pure-Python scanner;
    about ten times slower than ``json.loads``, a fraction of a second for an export)."""

    # Set by JSONDecoder.__init__ (the stubs do not declare it).
    parse_object: Callable[..., tuple[Any, int]]

    def __init__(self) -> None:
        super().__init__()
        parse_object = self.parse_object

        def object_with_position(s_and_end, *args, **kwargs):
            obj, end = parse_object(s_and_end, *args, **kwargs)
            if isinstance(obj, dict):
                obj[POSITION] = s_and_end[1]
            return obj, end

        self.parse_object = object_with_position
        # py_make_scanner exists at runtime (the C scanner ignores parse_object); not in the stubs.
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]


def read_rows(text: str, source_name: str, question: str | None = None) -> Iterator[ImportRow]:
    try:
        document = decode_json(lambda: _PositionDecoder().decode(text), text)
    except json.JSONDecodeError as error:
        raise ImportRejected(source_name, [RowProblem(error.lineno, "file",
                                                      f"not valid JSON: {error.msg}")]) from None
    newlines = [i for i, char in enumerate(text) if char == "\n"]

    def line_of(obj: dict) -> int:
        return bisect.bisect_left(newlines, obj.get(POSITION, 0)) + 1

    questions = document.get("questions") if isinstance(document, dict) else None
    if not isinstance(questions, list):
        raise ImportRejected(source_name, [RowProblem(
            1, "questions", 'expected {"questions": [{"slug": ..., "polls": [...]}, ...]}')])
    return _rows(questions, line_of)


def _rows(questions: list[Any], line_of) -> Iterator[ImportRow]:
    for i, question in enumerate(questions):
        where = f"questions[{i}]"
        if not isinstance(question, dict):
            yield ImportRow(1, "", {}, ref=where, problems=[("question", "must be an object")])
            continue
        slug = str(question.get("slug") or "").strip()
        choices = question.get("choices") or []
        if not isinstance(choices, list):
            choices = []
        polls = question.get("polls")
        if not isinstance(polls, list):
            yield ImportRow(line_of(question), slug, {}, ref=where,
                            problems=[("polls", "must be a list of polls")])
            continue
        for j, poll in enumerate(polls):
            ref = f"{where}.polls[{j}]"
            if not isinstance(poll, dict):
                yield ImportRow(line_of(question), slug, {}, ref=ref,
                                problems=[("poll", "must be an object")])
                continue
            values = {name: _plain(poll[name]) for name in POLL_FIELDS if name in poll}
            for name in ("source", "source_id"):
                if values.get(name) in (None, ""):
                    values.pop(name, None)
            if values.get("actual_results") is None:
                values.pop("actual_results", None)
            yield ImportRow(line_of(poll), slug, values, ref=ref,
                            question_title=str(question.get("title") or ""),
                            question_region=str(question.get("region") or ""),
                            question_choices=tuple(str(c) for c in choices))


def _plain(value: Any) -> Any:
    """The value without the decoder's position keys."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != POSITION}
    return value
