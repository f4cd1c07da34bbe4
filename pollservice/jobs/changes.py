"""Why the average moved, computed in a worker (it fits each choice twice): the question's
poll frames handed to ``stats.changes.decompose_change`` for a method and two days, as the
JSON body ``GET /api/v1/questions/<slug>/changes`` answers and the question page words."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session, selectinload

from ..domain.margins import Pair, default_pair
from ..models import Question
from ..readmodel.frames import poll_frames
from ..stats.changes import decompose_change, decompose_margin_change
from .populations import fit_frames, population_moves

POLLS_LISTED = 25  # per choice, the largest contributions


def _number(value) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 3)


def choice_change(frame: pd.DataFrame, method: str, start: dt.date, end: dt.date,
                  decompose=decompose_change) -> dict[str, Any]:
    found = decompose(frame, method, start, end)
    facts = frame.set_index("poll_id")
    value = facts["pct"] if "pct" in facts.columns else facts["pct_a"] - facts["pct_b"]
    value = value - population_moves(facts)  # the poll as published
    polls = [{"id": int(row.poll_id), "pollster": str(facts.at[row.poll_id, "pollster"]),
              "end_date": facts.at[row.poll_id, "end_date"].date().isoformat(),
              "pct": round(float(value[row.poll_id]), 2),
              "kind": row.kind,
              "contribution": round(float(row.contribution), 3)}
             for row in found["polls"].head(POLLS_LISTED).itertuples(index=False)]
    new_polls = int((found["polls"]["kind"] == "new").sum())
    return {"before": _number(found["before"]), "after": _number(found["after"]),
            "change": _number(found["change"]), "new_polls": new_polls,
            "parts": {key: _number(found[key]) for key in ("new", "fading", "house", "other")},
            "polls": polls}


def words(name: str, change: dict[str, Any], days: int) -> str:
    """One choice's change in a sentence: "Approve: up 1.2 points in 7 days: 3 new polls,
    mostly Siena (+0.8); older polls fading −0.3."."""
    if change["change"] is None:
        return f"{name}: no average {days} days earlier to compare with."
    amount = change["change"]
    head = (f"{name}: {'up' if amount > 0 else 'down'} {abs(amount):.1f} points in {days} days"
            if abs(amount) >= 0.05 else f"{name}: unchanged in {days} days")
    parts = change["parts"]
    bits = []
    if change["new_polls"]:
        bits.append(f"{change['new_polls']} new poll{'s' if change['new_polls'] != 1 else ''} "
                    f"({parts['new']:+.1f})")
        top = next((p for p in change["polls"] if p["kind"] == "new"), None)
        if top is not None and abs(top["contribution"]) >= 0.1:
            # "mostly" only for a poll that pulled the way the new polls did, a good part of it
            pull = top["contribution"]
            mostly = pull * parts["new"] > 0 and abs(pull) >= 0.3 * abs(parts["new"])
            lead = "mostly" if mostly else "the largest pull"
            bits[-1] += f", {lead} {top['pollster']} ({pull:+.1f})"
    else:
        bits.append("no new poll")
    if abs(parts["fading"] or 0) >= 0.05:
        bits.append(f"older polls fading {parts['fading']:+.1f}")
    if abs(parts["house"] or 0) >= 0.05:
        bits.append(f"house effects estimated again {parts['house']:+.1f}")
    return f"{head}: " + "; ".join(bits) + "."


def _margin_change(question: Question, pair_polls: Callable[[Pair], pd.DataFrame], choices: dict[str, Any],
                   method: str, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    """The change of the margin of the question's default pair (chosen as the recompute
    chooses it, from the averages on ``end``), in margin points; None without a pair."""
    estimates = {name: change["after"] for name, change in choices.items()}
    pair = default_pair([c.name for c in question.choices], estimates, question.race_id is not None)
    if pair is None:
        return None
    polls = pair_polls(pair)
    if polls.empty or (polls["end_date"] <= pd.Timestamp(end)).sum() == 0:
        return None
    change = choice_change(polls, method, start, end, decompose_margin_change)
    name = f"Net ({pair.a} \u2212 {pair.b})" if pair.net else f"{pair.a} \u2212 {pair.b}"
    change["words"] = words(name, change, (end - start).days)
    return {"a": pair.a, "b": pair.b, "net": pair.net, **change}


def changes_body(session: Session, spec: dict[str, Any]) -> bytes:
    """The JSON of ``spec`` (``question_id``, ``method``, ``from``, ``to``: ISO dates)."""
    question = session.get(Question, spec["question_id"], options=[selectinload(Question.choices)])
    if question is None:
        return json.dumps({"choices": {}}).encode()
    start, end = dt.date.fromisoformat(spec["from"]), dt.date.fromisoformat(spec["to"])
    days = (end - start).days
    choices = {}
    fitted = fit_frames(session, question, poll_frames(session, question))
    for name, frame in fitted.shares.items():
        if frame.empty or (frame["end_date"] <= pd.Timestamp(end)).sum() == 0:
            continue
        try:
            change = choice_change(frame, spec["method"], start, end)
        except ValueError:  # polls the method cannot fit on those days (the read checks the days)
            continue
        change["words"] = words(name, change, days)
        choices[name] = change
    body = {"question": question.slug, "method": spec["method"], "from": spec["from"], "to": spec["to"],
            "data_version": spec["data_version"], "choices": choices,
            "margin": _margin_change(question, fitted.pair, choices, spec["method"], start, end)}
    return json.dumps(body).encode()
