"""Exporting polls as the canonical CSV or JSON, each poll with its weight and house-effect
adjustment (per choice) in the current average by one method, read from the stored fit.

Deleted polls are left out (as they are from averages), and so are the versions of a poll
that averages do not count (``Poll.counted``: the canonical formats have no column for a
poll's versions yet). Importing an export into an empty database gives the same questions,
counted polls, results and sources: the importer ignores the weight columns, which belong
to the average, not to the poll.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..models import Choice, Poll, Question
from ..readmodel import question_view
from .averages import poll_weights
from .imports.formats import canonical_csv
from .polls import list_polls, poll_as_dict
from .questions import get_question, list_questions

WEIGHT_METHOD = "kalman"
JSON_FORMAT = "pollservice-polls"
JSON_VERSION = 1


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
    items = [(q, _exported_polls(q)) for q in export_questions(slug)]
    weights = {q.id: choice_weights(q, method) for q, _polls in items}
    return canonical_csv.write_polls(items, weights, method)


def export_json(slug: str | None = None, method: str = WEIGHT_METHOD) -> dict[str, Any]:
    """The canonical JSON document (the ``canonical-json`` import format)."""
    questions = []
    for question in export_questions(slug):
        weights = choice_weights(question, method)
        questions.append({
            "slug": question.slug,
            "title": question.title,
            "region": question.region,
            "description": question.description,
            "choices": [choice.name for choice in question.choices],
            "polls": [poll_record(poll, question.choices, weights.get(poll.id, {}), method)
                      for poll in _exported_polls(question)],
        })
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "weights_method": method,
        "questions": questions,
    }


def _exported_polls(question: Question) -> list[Poll]:
    """The question's live polls, one version of each (the counted one)."""
    return [poll for poll in list_polls(question) if poll.counted]


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


def dumps(document: dict[str, Any]) -> str:
    """The JSON document with one poll per line: readable, diffable, and the importer's
    line numbers then point at the poll."""
    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    head = [f" {text(key)}: {text(value)}," for key, value in document.items() if key != "questions"]
    questions = []
    for question in document["questions"]:
        meta = ", ".join(f"{text(k)}: {text(v)}" for k, v in question.items() if k != "polls")
        polls = ",\n".join("   " + text(poll) for poll in question["polls"])
        questions.append("  {" + meta + ', "polls": [\n' + polls + ("\n" if polls else "") + "  ]}")
    return "{\n" + "\n".join(head) + '\n "questions": [\n' + ",\n".join(questions) + "\n ]\n}\n"
