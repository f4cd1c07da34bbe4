"""What a worker computes of a question's margin: its default pair's margin line (real-time
and retrospective) and current value by every method (``stats.fit_margin``), stored beside
the choices' series in ``computed_series`` under the method key ``margin:<method>``
(``domain.margins.margin_key``) and the row of choice ``a``. Loaded by ``jobs.compute``
only, never by the web process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from .. import stats
from ..domain.margins import Pair, default_pair, margin_key, names_a_choice
from ..domain.methods import DEFAULT_METHOD
from ..models import Question
from ..readmodel.series import Payloads, trend_frame
from ..services.averages import exclusions

#: Election = (election day, office of stats.outcome), as ``jobs.compute.race_election``.
Election = tuple[Any, str]


def pair_frame(frames: dict[str, pd.DataFrame], pair: Pair) -> pd.DataFrame:
    """The polls that reported both choices of ``pair``, with ``pct_a`` and ``pct_b``."""
    a = frames[pair.a].rename(columns={"pct": "pct_a"})
    b = frames[pair.b][["poll_id", "pct"]].rename(columns={"pct": "pct_b"})
    return a.merge(b, on="poll_id", how="inner")


def question_pair(question: Question, series: dict[tuple[str, bool], Payloads]) -> Pair | None:
    """The default pair of ``question`` from its current real-time average (the default
    method's, without the choices left out of it: ``services.averages.exclusions``)."""
    stored = series.get((DEFAULT_METHOD, True), {})
    averages = {name: None if payload is None else payload["average"] for name, payload in stored.items()}
    last_polls = {name: None if average is None else pd.Timestamp(average["as_of"]).date()
                  for name, average in averages.items()}
    left = exclusions(question, last_polls)
    estimates = {name: None if average is None or name in left else float(average["estimate"])
                 for name, average in averages.items()}
    return default_pair([c.name for c in question.choices], estimates, question.race_id is not None)


def decided_by_date(lines: dict[str, pd.DataFrame]) -> pd.Series | None:
    """The percent of respondents who named a choice, per date: the sum of the choices' lines
    (``date``, ``estimate``) without the answers that name none ("Undecided", "Don't know":
    ``domain.margins.names_a_choice``), where at least two choices have a value; None for
    fewer than two choices. What ``stats.outcome_bounds`` allocates the undecided by."""
    chosen = [line.set_index(pd.to_datetime(line["date"]))["estimate"]
              for name, line in lines.items() if line is not None and names_a_choice(name)]
    if len(chosen) < 2:
        return None
    table = pd.concat(chosen, axis=1)
    return table.sum(axis=1, min_count=2)


def _rounded(values) -> list[float | None]:
    return [None if pd.isna(v) else round(float(v), 4) for v in values]


def _line_payload(line: pd.DataFrame, election: Election | None,
                  decided: pd.Series | None) -> dict[str, list]:
    payload = {"date": [d.date().isoformat() for d in pd.to_datetime(line["date"])],
               **{column: _rounded(line[column]) for column in ("estimate", "lower", "upper")}}
    if election is not None:  # the election-day interval of the margin (kind "margin")
        bounds = stats.outcome_bounds(line, election[0], election[1], "margin", decided=decided)
        payload["outcome_lower"] = _rounded(bounds["outcome_lower"])
        payload["outcome_upper"] = _rounded(bounds["outcome_upper"])
    return payload


def margin_payloads(frame: pd.DataFrame, pair: Pair, method: str, election: Election | None,
                    decided: dict[bool, pd.Series | None] | None = None) -> dict[bool, dict[str, Any]]:
    """The stored payload of the pair's margin by ``method``, per line (real-time or not),
    from one fit: ``a``, ``b``, ``net``, ``trend`` and the current ``average``; ``decided``:
    each line's ``decided_by_date``, for the election-day interval."""
    results = stats.fit_margin(frame, method)
    average = results.average()
    shared = {"a": pair.a, "b": pair.b, "net": pair.net, "average": {
        **{key: round(float(average[key]), 4) for key in ("estimate", "lower", "upper")},
        "n_polls": int(average["n_polls"]), "as_of": average["as_of"].isoformat()}}
    return {realtime: {**shared, "trend": _line_payload(results.trend(realtime=realtime), election,
                                                        (decided or {}).get(realtime))}
            for realtime in (False, True)}


def decided_of(payloads: Payloads) -> pd.Series | None:
    """``decided_by_date`` of one method's stored choice lines (one line: real-time or not)."""
    return decided_by_date({name: None if payload is None else trend_frame(payload)
                            for name, payload in payloads.items()})


def compute_margins(question: Question, pair_polls: Callable[[Pair], pd.DataFrame],
                    series: dict[tuple[str, bool], Payloads],
                    election: Election | None) -> dict[tuple[str, bool], Payloads]:
    """The default pair's margin series of every method (``{(margin_key(method),
    realtime): {choice a: payload}}``); for a question without a pair, or whose pair no
    poll reported together, one empty row per method (so a read knows it was computed).
    ``pair_polls`` gives a pair's poll frame (``jobs.populations.FitFrames.pair``)."""
    pair = question_pair(question, series)
    frame = None if pair is None else pair_polls(pair)
    if pair is None or frame is None or frame.empty:
        if not question.choices:
            return {}
        first = question.choices[0].name
        return {(margin_key(method), realtime): {first: None}
                for method in stats.METHODS for realtime in (False, True)}
    stored: dict[tuple[str, bool], Payloads] = {}
    for method in stats.METHODS:
        decided = {realtime: decided_of(series.get((method, realtime), {})) for realtime in (False, True)}
        for realtime, payload in margin_payloads(frame, pair, method, election, decided).items():
            stored[(margin_key(method), realtime)] = {pair.a: payload}
    return stored
