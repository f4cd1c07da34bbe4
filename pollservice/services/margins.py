"""Margins and net values of a question, read from the series the workers store
(``jobs.margins``: the default pair's margin by every method) and turned into plain values.
Nothing here fits a model: a pair is served if it is the stored default pair, in either
order (``b - a`` is ``-(a - b)`` with its bounds swapped: every method is antisymmetric in
the two shares, ``tests/stats/test_margin.py``); any other pair is refused with 422."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..domain.errors import BadRequest, NotFound, NotReady, ValidationFailed
from ..domain.margins import Pair, interval_text, margin_key, margin_label
from ..readmodel import QuestionView
from ..readmodel.series import OUTCOME_COLUMNS, StaleRead, trend_frame
from .averages import check_window, trend_as_records


class _NotStored(Exception):
    """The stored version has share series but no margin rows: it was computed by a
    release before margins (its next recompute, or ``recompute-averages --all``, adds them)."""


def _stored_payloads(view: QuestionView, method: str, realtime: bool) -> dict:
    try:
        return view.series(margin_key(method), realtime)
    except StaleRead:  # no margin rows: gone with their version, or stored before margins
        view.series(method, realtime)  # StaleRead again if the version itself is gone
        raise _NotStored from None


def stored_margin(view: QuestionView, method: str, realtime: bool = False) -> tuple[Pair, dict] | None:
    """The stored default pair and its payload by ``method`` (None: the question has no
    pair, or its margin was never computed)."""
    try:
        return _pair_of(_stored_payloads(view, method, realtime))
    except _NotStored:
        return None


def _pair_of(stored: dict) -> tuple[Pair, dict] | None:
    for payload in stored.values():
        if payload is not None:
            return Pair(payload["a"], payload["b"], bool(payload["net"])), payload
    return None


def _swapped(values: dict[str, Any]) -> dict[str, Any]:
    """``b - a`` from ``a - b``: the estimate negated, the bounds negated and swapped."""
    flipped = dict(values, estimate=-values["estimate"], lower=-values["upper"], upper=-values["lower"])
    if "outcome_lower" in values:
        flipped.update(outcome_lower=-values["outcome_upper"], outcome_upper=-values["outcome_lower"])
    return flipped


def described(pair: Pair, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` (estimate, lower, upper, ...) with the pair, its ``label`` ("Biden +7.2",
    "net +3.1") and ``text`` ("Biden +7.2, 95% interval +5.1 to +9.3")."""
    return {"a": pair.a, "b": pair.b, "net": pair.net, **values,
            "label": margin_label(pair, values["estimate"]),
            "text": interval_text(pair, values["estimate"], values["lower"], values["upper"])}


def _on_day(view: QuestionView, method: str, as_of: dt.date) -> dict[str, Any] | None:
    found = stored_margin(view, method, realtime=True)
    if found is None:
        return None
    line = trend_frame(found[1])
    row = line[line["date"] == pd.Timestamp(as_of)].dropna(subset=["estimate"])
    if row.empty:
        return None
    values = {key: round(float(row.iloc[0][key]), 3) for key in ("estimate", "lower", "upper")}
    return described(found[0], {**values, "as_of": as_of})


def average_margin(view: QuestionView, method: str, as_of: dt.date | None = None) -> dict[str, Any] | None:
    """The default pair's margin in the average: the stored current one, or (``as_of``
    before the last poll) the stored real-time line on that day; None if there is none."""
    found = stored_margin(view, method)
    if found is None:
        return None
    pair, payload = found
    average = payload["average"]
    if as_of is not None and as_of < dt.date.fromisoformat(average["as_of"]):
        return _on_day(view, method, as_of)
    values = {key: round(float(average[key]), 3) for key in ("estimate", "lower", "upper")}
    return described(pair, {**values, "n_polls": int(average["n_polls"]),
                            "as_of": dt.date.fromisoformat(average["as_of"])})


def _requested_pair(view: QuestionView, stored: Pair, a: str | None, b: str | None) -> bool:
    """Whether the asked pair is the stored one reversed; BadRequest naming ``a`` or ``b``
    for a missing or unknown choice or a pair of one choice, ValidationFailed for a pair
    that is not stored."""
    names = [c.name for c in view.question.choices]
    if a is None and b is None:
        return False
    for param, value in (("a", a), ("b", b)):
        if value is None:
            raise BadRequest("Give both a and b, or neither (the default pair).",
                             fields={param: "is required with " + ("b" if param == "a" else "a")})
        if value not in names:
            raise BadRequest(f"{value!r} is not a choice of this question.",
                             fields={param: "must be one of: " + ", ".join(names)})
    if a == b:
        raise BadRequest("a and b must be two different choices.", fields={"b": "must differ from a"})
    if (a, b) == (stored.a, stored.b):
        return False
    if (a, b) == (stored.b, stored.a):
        return True
    raise ValidationFailed(
        f"Margins are computed for this question's default pair, {stored.a} and {stored.b} "
        f"(either order), only.", fields={"b": f"the pair must be {stored.a} and {stored.b}"})


def _window(line: pd.DataFrame, start: dt.date | None, end: dt.date | None) -> pd.DataFrame:
    check_window(start, end)
    keep = pd.Series(True, index=line.index)
    if start:
        keep &= line["date"] >= pd.Timestamp(start)
    if end:
        keep &= line["date"] <= pd.Timestamp(end)
    return line[keep].reset_index(drop=True)


def margin_trend(view: QuestionView, method: str, realtime: bool = False, start: dt.date | None = None,
                 end: dt.date | None = None) -> tuple[Pair, pd.DataFrame] | None:
    """The stored pair and its daily margin line between ``start`` and ``end`` (None: no
    pair)."""
    found = stored_margin(view, method, realtime)
    return None if found is None else (found[0], _window(trend_frame(found[1]), start, end))


def question_margin(view: QuestionView, method: str, a: str | None = None, b: str | None = None,
                    realtime: bool = False, start: dt.date | None = None,
                    end: dt.date | None = None) -> dict[str, Any]:
    """The margin ``a - b`` (default: the question's default pair): its current value and
    daily line with their 95% intervals (and, for a race with an election date, the
    election-day interval of each day), from the stored series."""
    if view.state.computed_version == 0:
        raise NotReady("This question's averages are being computed; try again in a moment.",
                       fields={"slug": "not computed yet"}, retry_after=5)
    try:
        found = _pair_of(_stored_payloads(view, method, realtime))
    except _NotStored:
        raise NotReady("This question's margin is not computed yet (its averages were stored "
                       "before margins were); it is computed at its next recompute.",
                       fields={"slug": "margin not computed yet"}, retry_after=60) from None
    if found is None and a is None and b is None:
        raise NotFound("This question has no margin: fewer than two of its choices are in its "
                       "average, or no poll reported both.", fields={"slug": "no margin"})
    if found is None:
        raise ValidationFailed("This question has no margin: fewer than two of its choices are "
                               "in its average, or no poll reported both.",
                               fields={"a": "no pair of choices to compare"})
    pair, payload = found
    reverse = _requested_pair(view, pair, a, b)
    line = _window(trend_frame(payload), start, end)
    current = average_margin(view, method)
    assert current is not None
    if reverse:
        pair = Pair(pair.b, pair.a, pair.net)
        line = line.assign(estimate=-line["estimate"], lower=-line["upper"], upper=-line["lower"])
        if OUTCOME_COLUMNS[0] in line.columns:
            line = line.assign(outcome_lower=-line["outcome_upper"], outcome_upper=-line["outcome_lower"])
        values = {key: current[key] for key in ("estimate", "lower", "upper", "n_polls", "as_of")}
        current = described(pair, _swapped(values))
    return {"computed": view.computed(), "question": view.slug, "method": method, "realtime": realtime,
            "from_": start, "to": end, "average": current, "trend": trend_as_records(line)}
