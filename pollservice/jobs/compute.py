"""What a worker computes: every stored result of one question for one data version.

A recompute (``Engine.recompute``, one per queued question) reads the question's data
version, then its polls (in that order: a concurrent write can only make the results look
older than their data, never newer), fits every method (``pollservice.stats``), real-time
and retrospective, with house effects and each poll's weight (and the margin of the
question's default pair by every method: ``jobs.margins``), and writes the charts' text
alternatives (``jobs.charts``), all in memory; then, in one short transaction, stores them
under that version, makes it the question's ``computed_version``, drops what is older than
the previous complete version (reads that started on it may still need it) and marks the
job done. Then it publishes the question's new state to every web worker and queues the
drawing of the default charts of that version (``Engine.draw_default_charts``, at a lower
priority than any recompute: drawing seven charts takes longer than all the fits of a
small question). A chart not drawn yet is drawn on request (``Engine.render``, at the
highest priority), from the same stored version, so a chart never mixes versions.

This module imports the statistics and the renderer: the worker command and processes
that compute in themselves (tests, ``recompute-averages``) load it; the web process never
does (``install`` puts an ``Engine`` into the app's ``Jobs``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from typing import Any

import numpy as np
import pandas as pd
from flask import Flask, current_app
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload
from threadpoolctl import threadpool_limits

from .. import stats
from ..domain.methods import DEFAULT_METHOD
from ..extensions import SessionArg, db
from ..models import ComputedSeries, Question, Race, StoredChart, utcnow
from ..readmodel import QuestionView, read_model
from ..readmodel.frames import poll_frames
from ..readmodel.series import Payloads, StaleRead
from ..readmodel.versions import QuestionState, states_from_database
from ..services import race_map
from ..services.bulk import insert_ignoring_conflicts
from ..services.changes import changes_key, default_changes_spec
from ..services.charts import DEFAULT_VARIANTS, MIMETYPES, ChartVariant, alt_text_key
from ..services.editions import record_edition
from ..services.robustness import ROBUSTNESS_KEY
from . import charts, queue, webhooks
from .changes import changes_body
from .margins import compute_margins, decided_by_date
from .populations import fit_frames, population_moves
from .robustness import question_robustness

log = logging.getLogger(__name__)


def _rounded(values: np.ndarray) -> list[float | None]:
    return [None if np.isnan(v) else round(float(v), 4) for v in values]


#: Election = (election day, office of stats.outcome): the race a question's line leads to.
Election = tuple[dt.date, str]
_PRIMARY_STAGES = {"primary", "caucus", "jungle-primary"}


def race_election(race: Race | None) -> Election | None:
    """The election day and statistics office of a race with a date, else None (offices the
    historical table does not cover, e.g. mayor, get no election-day interval)."""
    if race is None or race.election_date is None:
        return None
    office = "generic" if race.office == "generic-ballot" else race.office
    if race.stage in _PRIMARY_STAGES:
        office = "primary"
    return (race.election_date, office) if office in stats.OFFICES else None


def _trend_payload(trend: pd.DataFrame, election: Election | None = None,
                   decided: pd.Series | None = None) -> dict[str, list]:
    payload = {
        "date": [d.date().isoformat() for d in pd.to_datetime(trend["date"])],
        "estimate": _rounded(trend["estimate"].to_numpy(float)),
        "lower": _rounded(trend["lower"].to_numpy(float)),
        "upper": _rounded(trend["upper"].to_numpy(float)),
    }
    if election is not None:  # the election-day interval, up to the election (null after)
        bounds = stats.outcome_bounds(trend, election[0], election[1], "share", decided=decided)
        payload["outcome_lower"] = _rounded(bounds["outcome_lower"].to_numpy(float))
        payload["outcome_upper"] = _rounded(bounds["outcome_upper"].to_numpy(float))
    return payload


def _payloads(results: stats.AggregateResults, frame: pd.DataFrame,
              trends: dict[bool, pd.DataFrame], average: dict, scale: float = 1.0,
              election: Election | None = None,
              decided: dict[bool, pd.Series | None] | None = None) -> dict[bool, dict[str, Any]]:
    """The payloads of one choice (one per trend line in ``trends``) from its fit.
    ``scale``: the factor by which the cap to 100 scaled this choice's average; the
    poll weights take it too, so that sum(weight * (pct - house adjustment)) is still the
    average (the weights then add up to ``scale`` instead of 1). ``pct`` is the poll as
    published: its adjustment includes the move to the question's population
    (``jobs.populations``). With ``election`` (see
    :func:`race_election`) the lines carry ``outcome_lower`` / ``outcome_upper``, the
    undecided allocated by ``decided`` (per line: ``jobs.margins.decided_by_date``)."""
    contributions = results.contributions()
    contributions["weight"] *= scale
    contributions["house_adjustment"] -= population_moves(frame)  # as published: house and population
    shared: dict[str, Any] = {
        "average": {
            "estimate": round(float(average["estimate"]), 4),
            "lower": round(float(average["lower"]), 4),
            "upper": round(float(average["upper"]), 4),
            "n_polls": int(average["n_polls"]),
            "as_of": average["as_of"].isoformat(),
        },
        "polls": {
            str(int(poll_id)): [round(float(w), 6), round(float(h), 4)]
            for poll_id, w, h in zip(frame["poll_id"], contributions["weight"],
                                     contributions["house_adjustment"], strict=True)
        },
    }
    payloads = {}
    for realtime, trend in trends.items():
        payload = {"trend": _trend_payload(trend, election, (decided or {}).get(realtime)),
                   **shared}
        if results.method == "kalman" and not realtime:
            payload["house_effects"] = [
                {"pollster": row.pollster, "effect": round(float(row.effect), 3),
                 "lower": round(float(row.lower), 3), "upper": round(float(row.upper), 3),
                 "n_polls": int(row.n_polls)}
                for row in results.house_effects().sort_values("effect").itertuples(index=False)
            ]
        payloads[realtime] = payload
    return payloads


def compute_payloads(frame: pd.DataFrame, method: str,
                     realtimes: tuple[bool, ...] = (False, True),
                     election: Election | None = None) -> dict[bool, dict[str, Any]]:
    """Everything the views need about one choice by one method, as JSON types: one
    payload per trend line asked for (``realtime`` False, True), all from one fit of the
    choice's polls. The average, each poll's weight and the house effects do not depend
    on the line, so they are computed once for both. (A question's choices together:
    ``compute_choices``, which also caps their total.)"""
    results = stats.fit(frame, method=method)
    trends = {realtime: results.trend(realtime=realtime) for realtime in realtimes}
    return _payloads(results, frame, trends, results.average(), election=election)


def _capped_averages(averages: dict[str, dict]) -> dict[str, dict]:
    """The choices' current averages, scaled down together if they add up to over 100."""
    as_one_day = {name: pd.DataFrame({"date": [0], "estimate": [a["estimate"]],
                                      "lower": [a["lower"]], "upper": [a["upper"]]})
                  for name, a in averages.items()}
    capped = stats.cap_total(as_one_day)
    return {name: {**a, **{column: float(capped[name][column].iloc[0])
                           for column in ("estimate", "lower", "upper")}}
            for name, a in averages.items()}


def compute_choices(frames: dict[str, pd.DataFrame], method: str,
                    election: Election | None = None) -> dict[str, dict[bool, dict[str, Any]] | None]:
    """``compute_payloads`` of every choice of a question (None for a choice without
    polls), with the choices' lines and averages capped to a total of 100 on every day
    (``stats.cap_total``): each choice is fitted on its own, so nothing else keeps five
    candidates and "undecided" from adding up to more. The election-day interval (with
    ``election``) widens the capped lines."""
    fitted = {name: stats.fit(frame, method=method)
              for name, frame in frames.items() if not frame.empty}
    trends = {realtime: stats.cap_total({name: results.trend(realtime=realtime)
                                         for name, results in fitted.items()})
              for realtime in (False, True)}
    decided = {realtime: decided_by_date(lines) for realtime, lines in trends.items()}
    uncapped = {name: results.average() for name, results in fitted.items()}
    averages = _capped_averages(uncapped)
    return {name: None if name not in fitted else
            _payloads(fitted[name], frames[name],
                      {realtime: trends[realtime][name] for realtime in (False, True)},
                      averages[name], _scale(averages[name], uncapped[name]), election, decided)
            for name in frames}


def _scale(capped: dict, uncapped: dict) -> float:
    estimate = float(uncapped["estimate"])
    return float(capped["estimate"]) / estimate if estimate > 0 else 1.0


def compute_payload(frame: pd.DataFrame, method: str, realtime: bool) -> dict[str, Any]:
    """The payload of one trend line (see ``compute_payloads``)."""
    return compute_payloads(frame, method, (realtime,))[realtime]


class Results:
    """One question's results for one data version, computed in memory."""

    def __init__(self, question: Question, version: int, frames: dict[str, pd.DataFrame]):
        self.question, self.version, self.frames = question, version, frames
        self.series: dict[tuple[str, bool], Payloads] = {}
        self.charts: dict[str, tuple[str, bytes]] = {}  # variant key -> (mimetype, content)

    def series_rows(self) -> list[dict]:
        now = utcnow()
        by_name = {c.name: c.id for c in self.question.choices}
        return [dict(question_id=self.question.id, choice_id=by_name[name], method=method,
                     realtime=realtime, data_version=self.version, computed_at=now,
                     payload=payload or {"empty": True})
                for (method, realtime), payloads in self.series.items()
                for name, payload in payloads.items()]

    def published_averages(self) -> dict[str, dict | None]:
        """Choice -> the current real-time average of the default method (today's edition)."""
        return {name: None if payload is None else payload["average"]
                for name, payload in self.series.get((DEFAULT_METHOD, True), {}).items()}

    def chart_rows(self) -> list[dict]:
        return [dict(question_id=self.question.id, data_version=self.version, variant=key,
                     mimetype=mimetype, content=content)
                for key, (mimetype, content) in self.charts.items()]


def _view(session: SessionArg, question: Question, version: int, changed_at,
          series: dict[tuple[str, bool], Payloads] | None = None,
          frames: dict[str, pd.DataFrame] | None = None) -> QuestionView:
    """A view of the question as of computed version ``version``, served from ``series``
    and ``frames`` in memory when given (nothing stored yet)."""
    state = QuestionState(question.id, question.slug, version, changed_at, 0.0, 0, version, utcnow(),
                          question.status == "draft")
    view = QuestionView(read_model(), session, state)
    view.__dict__["question"] = question
    if series is not None:
        view._series.update(series)
    if frames is not None:
        view.memo("poll_frames", lambda: frames)
    return view


def compute_results(session: SessionArg, question_id: int) -> Results | None:
    """Fit, describe and draw one question at its current data version (nothing is
    written); None for a question that no longer exists."""
    row = session.execute(select(Question.data_version, Question.data_changed_at)
                          .where(Question.id == question_id)).one_or_none()
    if row is None:
        return None
    version, changed_at = row  # before the polls: see the module docstring
    question = session.execute(select(Question).where(Question.id == question_id)
                               .options(selectinload(Question.choices),
                                        selectinload(Question.race))).scalar_one()
    frames = poll_frames(session, question)
    fitted = fit_frames(session, question, frames)
    results = Results(question, version, frames)
    election = race_election(question.race)
    for method in stats.METHODS:  # one fit per method and choice serves both stored lines
        payloads = compute_choices(fitted.shares, method, election)
        for realtime in (False, True):
            results.series[(method, realtime)] = {
                name: None if both is None else both[realtime] for name, both in payloads.items()}
    results.series.update(compute_margins(question, fitted.pair, results.series, election))
    view = _view(session, question, version, changed_at, results.series, frames)
    for method in stats.METHODS:
        results.charts[alt_text_key(method)] = ("text/plain", charts.alt_text(view, method).encode())
    # the stored weights' adjustments apply to the polls as published (``_payloads``)
    results.charts[ROBUSTNESS_KEY] = ("application/json", json.dumps(question_robustness(view)).encode())
    return results


def recompute_variants() -> tuple[ChartVariant, ...]:
    """The chart variants drawn after every recompute: ``RECOMPUTE_CHART_VARIANTS``
    (variant keys), default ``DEFAULT_VARIANTS``; the others are drawn when asked for."""
    keys = current_app.config.get("RECOMPUTE_CHART_VARIANTS")
    return DEFAULT_VARIANTS if keys is None else tuple(ChartVariant.from_key(key) for key in keys)


def store_results(session: SessionArg, results: Results, token: str | None) -> None:
    """One transaction: the results under their version, the question's computed version,
    today's edition of its average (``services.editions``), older results dropped (the
    previous complete version is kept), the job done."""
    question_id = results.question.id
    previous = session.scalar(select(Question.computed_version).where(Question.id == question_id)) or 0
    if previous < results.version:
        insert_ignoring_conflicts(session, ComputedSeries, results.series_rows())
        insert_ignoring_conflicts(session, StoredChart, results.chart_rows())
        session.execute(update(Question).where(Question.id == question_id,
                                               Question.computed_version < results.version)
                        .values(computed_version=results.version, computed_at=utcnow())
                        .execution_options(synchronize_session=False))
        record_edition(session, results.question, results.version, results.published_averages())
        for model in (ComputedSeries, StoredChart):
            session.execute(delete(model).where(model.question_id == question_id,
                                                model.data_version < previous)
                            .execution_options(synchronize_session=False))
    if token is not None:
        queue.finish(session, question_id, token)
    session.commit()


class _Heartbeat:
    """While a job runs, its heartbeat is written every ``HEARTBEAT_SECONDS`` (a worker
    killed mid-job stops beating, and the sweep queues the job again)."""

    def __init__(self, bind, question_id: int, token: str):
        self.bind, self.question_id, self.token = bind, question_id, token
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="pollservice-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self.stopped.wait(queue.HEARTBEAT_SECONDS):
            try:
                with Session(bind=self.bind) as session:
                    queue.beat(session, self.question_id, self.token)
            except Exception as error:  # a missed beat is only a beat
                log.warning("heartbeat of question %s failed: %s", self.question_id, error)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()


class Engine:
    """The work of a worker (``jobs.queue.Engine``), on this app's database."""

    def __init__(self, app: Flask):
        self.app = app

    def recompute(self, question_id: int, last_attempt: bool) -> None:
        bind = db.engine
        with Session(bind=bind) as session:
            token = queue.claim(session, question_id)
        if token is None:  # not queued: a duplicate message, or already done
            return
        with _Heartbeat(bind, question_id, token):
            try:
                with Session(bind=bind) as session:
                    results = compute_results(session, question_id)
                    if results is not None:
                        store_results(session, results, token)
            except Exception as error:
                log.exception("recomputing question %s failed%s", question_id,
                              "" if last_attempt else "; it will be retried")
                with Session(bind=bind) as session:
                    queue.fail(session, question_id, token, f"{type(error).__name__}: {error}", last_attempt)
                raise
        with Session(bind=bind) as session:
            states = states_from_database(session, ids=[question_id])
        read_model().versions.publish(states)
        if results is not None and states and states[0].computed_version == results.version:
            try:
                webhooks.queue_events(bind, [("average.updated", question_id, {
                    "data_version": results.version, "averages": results.published_averages()})])
            except Exception:  # the results stand; a webhook is not worth failing them
                log.exception("queueing the average.updated webhooks of question %s failed", question_id)
        if states and recompute_variants():
            queue.jobs(self.app).send_default_charts(question_id, states[0].computed_version)

    def draw_default_charts(self, question_id: int, version: int) -> None:
        for variant in recompute_variants():
            self.render(question_id, version, variant.key)
        self.explain_default_change(question_id, version)

    def explain_default_change(self, question_id: int, version: int) -> None:
        """Why the default average moved in the last week of its polls (the question page
        words it), stored as ``GET .../changes`` would ask for it."""
        with Session(bind=db.engine) as session:
            question = session.get(Question, question_id)
            if question is None or question.last_poll_end is None or question.data_version != version:
                return
        spec = default_changes_spec(question_id, version, question.last_poll_end)
        self.render_map(changes_key(spec), spec)

    def render(self, question_id: int, version: int, variant: str) -> None:
        """Draw one chart variant of computed version ``version`` and store it (nothing
        when that version is no longer stored, or the variant is already)."""
        with Session(bind=db.engine) as session:
            question = session.execute(select(Question).where(Question.id == question_id)
                                       .options(selectinload(Question.choices))).scalar_one_or_none()
            stored = session.scalar(select(StoredChart.id).where(
                StoredChart.question_id == question_id, StoredChart.data_version == version,
                StoredChart.variant == variant))
            if question is None or stored is not None:
                return
            chosen = ChartVariant.from_key(variant)
            view = _view(session, question, version, question.data_changed_at)
            try:
                image = charts.draw_chart(view, chosen)
            except StaleRead:
                return  # the version was replaced twice meanwhile: nobody waits for it
            insert_ignoring_conflicts(session, StoredChart, [dict(
                question_id=question_id, data_version=version, variant=variant,
                mimetype=chosen.mimetype, content=image)])
            session.commit()


    def render_map(self, key: str, drawing: dict[str, Any]) -> None:
        """Draw a state map or a comparison (``services.race_map``, ``services.compare``) and
        store it under ``key``."""
        with Session(bind=db.engine) as session:
            if race_map.stored_map(session, key) is not None:
                return
            if drawing.get("kind") == "changes":  # why the average moved: JSON, not a drawing
                race_map.store_map(session, key, "application/json", changes_body(session, drawing))
            else:
                race_map.store_map(session, key, MIMETYPES[drawing["fmt"]], charts.draw_stored(drawing))


def recompute_now(question_id: int) -> None:
    """Compute and store one question's results in this process, outside the queue
    (``recompute-averages``)."""
    with Session(bind=db.engine) as session:
        results = compute_results(session, question_id)
        if results is not None:
            store_results(session, results, None)
        read_model().versions.publish(states_from_database(session, ids=[question_id]))


# BLAS threads per computing process. The statistics multiply and factor many small
# matrices (a pollster-sized system per day), where OpenBLAS's threads cost more than they
# gain: a 1,500-poll kalman fit took 3.8 s with its default threads and 0.45 s with one on
# a 2-core machine. Workers are scaled by processes (``--workers``) instead.
BLAS_THREADS = 1


def install(app: Flask) -> Engine:
    """Make this app's process compute: its queued jobs run here (a worker, or an app
    whose queue runs jobs at once). Its BLAS runs ``BLAS_THREADS`` threads from now on
    (and so do the worker processes it forks)."""
    threadpool_limits(limits=BLAS_THREADS, user_api="blas")
    engine = queue.jobs(app).engine = Engine(app)
    return engine
