"""Exporting polls as the canonical CSV or JSON, each poll with its weight and house-effect
adjustment (per choice) in the current average by one method, read from the stored fit.

Deleted polls are left out (as they are from averages), and so are the versions of a poll
that averages do not count (``Poll.counted``: the canonical formats have no column for a
poll's versions yet). Importing an export into an empty database gives the same questions,
counted polls, results and sources: the importer ignores the weight columns, which belong
to the average, not to the poll.

The exports stream: ``iter_csv`` and ``iter_json`` read the polls from the database in
batches (``yield_per``) and yield the text in chunks of about 64 KB, so an export of any
size holds one batch of polls in memory (plus the stored weights of the question), and
its first bytes leave before the last poll is read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Choice, Poll, Question, Result
from ..readmodel import question_view
from .averages import poll_weights
from .imports.formats import canonical_csv
from .polls import POLL_ORDERS, poll_as_dict
from .questions import get_question, list_questions

WEIGHT_METHOD = "kalman"
JSON_FORMAT = "pollservice-polls"
JSON_VERSION = 1
BATCH = 500  # polls read from the database at a time
CHUNK = 64 * 1024  # characters yielded at a time


def export_questions(slug: str | None = None) -> list[Question]:
    """The question ``slug`` (``NotFound`` if unknown), or every question."""
    return [get_question(slug)] if slug else list_questions()


def choice_weights(question: Question, method: str = WEIGHT_METHOD
                   ) -> dict[int, dict[str, tuple[float, float]]]:
    """Poll id -> choice -> (weight, house adjustment) in the current ``method`` average.

    The weight is the poll's share of the current average (a choice's weights add up to
    1; old polls weigh almost nothing); the house adjustment is its pollster's house
    effect in points, which the method subtracts from the poll's result: the average is
    ``sum(weight * (pct - house_adjustment))``. A choice the poll did not report is absent.
    """
    weights: dict[int, dict[str, tuple[float, float]]] = {}
    for name, in_average in poll_weights(question_view(question.slug, question), method).items():
        for poll_id, pair in in_average.items():
            weights.setdefault(poll_id, {})[name] = pair
    return weights


def export_csv(slug: str | None = None, method: str = WEIGHT_METHOD) -> str:
    """The canonical CSV of one question's polls (or all), with weight columns."""
    return "".join(iter_csv(slug, method))


def iter_csv(slug: str | None = None, method: str = WEIGHT_METHOD) -> Iterator[str]:
    """``export_csv`` in chunks, reading the polls in batches."""
    questions = export_questions(slug)
    weights = {q.id: choice_weights(q, method) for q in questions}
    lines = canonical_csv.iter_csv([(q, _exported_polls(q)) for q in questions], weights,
                                   method, _has_actual(questions))
    return chunked(lines)


def iter_json(slug: str | None = None, method: str = WEIGHT_METHOD) -> Iterator[str]:
    """``dumps(export_json(...))`` in chunks, reading the polls in batches."""
    return chunked(_json_lines(export_questions(slug), method))


def _json_lines(questions: list[Question], method: str) -> Iterator[str]:
    yield "{\n" + "".join(f" {_text(k)}: {_text(v)},\n" for k, v in _document_head(method).items())
    yield ' "questions": [\n'
    for number, question in enumerate(questions):
        weights = choice_weights(question, method)
        meta = ", ".join(f"{_text(k)}: {_text(v)}" for k, v in _question_meta(question).items())
        yield (",\n" if number else "") + "  {" + meta + ', "polls": [\n'
        separator = ""
        for poll in _exported_polls(question):
            record = poll_record(poll, question.choices, weights.get(poll.id, {}), method)
            yield separator + "   " + _text(record)
            separator = ",\n"
        yield ("\n" if separator else "") + "  ]}"
    yield "\n ]\n}\n"


def _document_head(method: str) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "weights_method": method,
    }


def _question_meta(question: Question) -> dict[str, Any]:
    return {"slug": question.slug, "title": question.title, "region": question.region,
            "description": question.description,
            "choices": [choice.name for choice in question.choices]}


def chunked(pieces: Iterable[str], size: int = CHUNK) -> Iterator[str]:
    """The pieces joined into chunks of at least ``size`` characters (the last may be
    shorter): fewer, larger writes to the client than one per line."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def _exported_polls(question: Question) -> Iterator[Poll]:
    """The question's live polls, one version of each (the counted one), newest first,
    read from the database ``BATCH`` at a time."""
    statement = (select(Poll)
                 .where(Poll.question_id == question.id, Poll.public(), Poll.counted)
                 .options(selectinload(Poll.pollster), selectinload(Poll.results))
                 .order_by(*POLL_ORDERS["newest"])
                 .execution_options(yield_per=BATCH))
    polls = db.session.execute(statement).scalars()  # run when first read
    try:
        yield from polls
    finally:  # a client gone mid-export: close PostgreSQL's server-side cursor now
        polls.close()


def _has_actual(questions: list[Question]) -> bool:
    """Whether an exported poll of these questions carries an election result."""
    if not questions:
        return False
    return bool(db.session.execute(select(exists().where(
        Result.poll_id == Poll.id, Result.actual_pct.is_not(None),
        Poll.question_id.in_([q.id for q in questions]), Poll.public(),
        Poll.counted))).scalar())


def poll_record(poll: Poll, choices: list[Choice], weights: dict[str, tuple[float, float]],
                method: str) -> dict[str, Any]:
    """The API's poll shape plus what an export adds: source, election result, weights."""
    actual_by_choice = {r.choice_id: r.actual_pct for r in poll.results if r.actual_pct is not None}
    actual = {c.name: actual_by_choice[c.id] for c in choices if c.id in actual_by_choice}
    return {
        **poll_as_dict(poll),
        "source": poll.source,
        "source_id": poll.source_id,
        "election_date": poll.election_date.isoformat() if poll.election_date else None,
        "actual_results": actual or None,
        "weights": {
            "method": method,
            "choices": {name: {"weight": weight, "house_adjustment": adjustment}
                        for name, (weight, adjustment) in weights.items()},
        },
    }


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
