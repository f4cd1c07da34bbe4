"""The task queue (Huey): what the web process needs to hand work to the workers.

One ``Jobs`` per app (``app.extensions["pollservice.jobs"]``). Its Huey queue lives in
Redis when ``REDIS_URL`` is set (any number of worker processes on any number of
machines), else in a SQLite file next to the database (``instance/jobs.sqlite3``: the
embedded default, workers on this machine), or in this process's memory, to be run by it
when the app context that queued them ends (``JOBS_IN_PROCESS``: tests; the process must
compute, see ``compute.install``): after a request, a command or a ``with
app.app_context()`` block, as a worker would run them after the commits.

Coalescing. A message only says "recompute question N"; what is wanted is in the
``recompute_job`` row of the question (``models.RecomputeJob``). A write asks for a
recompute of each question it changed (``request_recomputes``): a question whose job is
already queued gets no second message (the queued job reads the newest polls when it
starts), so a burst of writes to one question costs one recompute while another runs, and
two at most. A worker claims the row (queued -> running) before it computes; a message
for a row that is not queued (a duplicate) does nothing.

Failure. A failed attempt is logged and retried by Huey with exponential backoff
(``RETRY_DELAY`` doubling, ``RETRIES`` times); after the last the row is ``failed``
until the next write to the question. A running job's worker beats its heartbeat; a
job whose heartbeat stopped (its worker was killed) is queued again by the sweep, which
every worker runs each minute (``sweep``). The sweep also queues any question whose
stored results are behind its data (a message lost with a Redis restart, a write whose
process died between its commit and its enqueue, a database migrated from before the
queue), and marks the editions of past days final. Nothing is served wrong meanwhile:
reads serve the last complete results and say they are updating.

The work itself (``pollservice.jobs.compute``, which imports the statistics and the
renderer) is installed into ``Jobs.engine`` by the worker command, or by a process that
computes in itself; the web process never imports it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey, crontab
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from ..config import restrict_to_owner
from ..extensions import SessionArg, upsert_insert
from ..models import AverageEdition, Question, RecomputeJob, utcnow

log = logging.getLogger(__name__)

EXTENSION = "pollservice.jobs"
RETRIES = 4  # after the first attempt; then the job is "failed"
RETRY_DELAY = 2.0  # seconds before the first retry, doubled before each next one
HEARTBEAT_SECONDS = 5.0  # a running job's worker writes its heartbeat this often
DEAD_SECONDS = 60.0  # a running job whose heartbeat is older was lost with its worker
RESEND_SECONDS = 15 * 60  # a queued job this old gets its message again (lost message)
LOST_SECONDS = 60.0  # ... or this old, when the queue holds no message at all (Redis restarted)
# Huey takes the highest priority first: a chart a reader waits for, then the recomputes,
# then the default charts of what was recomputed (drawing is most of a recompute's time).
RENDER_PRIORITY = 100
RECOMPUTE_PRIORITY = 10
DEFAULT_CHARTS_PRIORITY = 1


class Engine(Protocol):
    """What a worker runs (``pollservice.jobs.compute.Engine``)."""

    def recompute(self, question_id: int, last_attempt: bool) -> None: ...

    def render(self, question_id: int, version: int, variant: str) -> None: ...

    def draw_default_charts(self, question_id: int, version: int) -> None: ...

    def render_map(self, key: str, drawing: dict[str, Any]) -> None: ...


class Jobs:
    """One app's queue and its tasks (see the module docstring)."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = _make_huey(app)
        self.engine: Engine | None = None
        self._running_in_process = False
        self.extensions: dict[str, Any] = {}  # tasks other modules register (jobs.webhooks)
        if app.config.get("JOBS_IN_PROCESS"):
            app.teardown_appcontext(self.run_in_process)
        self.recompute_task = self.huey.task(
            retries=RETRIES, retry_delay=RETRY_DELAY, retry_backoff=2, priority=RECOMPUTE_PRIORITY,
            context=True, name="recompute_question")(self._recompute)
        self.render_task = self.huey.task(priority=RENDER_PRIORITY, name="render_chart")(self._render)
        self.map_task = self.huey.task(priority=RENDER_PRIORITY, name="render_map")(self._render_map)
        self.default_charts_task = self.huey.task(
            priority=DEFAULT_CHARTS_PRIORITY, name="draw_default_charts")(self._default_charts)
        self.sweep_task = self.huey.periodic_task(crontab(minute="*"), name="sweep")(self._sweep)

        @self.huey.on_startup()
        def _fresh_connections():  # a forked worker process must not share its parent's
            with app.app_context():
                from_engine = app.extensions["sqlalchemy"].engines
                for engine in from_engine.values():
                    engine.dispose(close=False)

    def _engine(self) -> Engine:
        if self.engine is None:
            raise RuntimeError("this process computes nothing: start a worker "
                               "(flask --app pollservice worker)")
        return self.engine

    def _recompute(self, question_id: int, task: Any = None) -> None:
        with self.app.app_context():
            self._engine().recompute(question_id, last_attempt=task is None or not task.retries)

    def _render(self, question_id: int, version: int, variant: str) -> None:
        with self.app.app_context():
            self._engine().render(question_id, version, variant)

    def _render_map(self, key: str, drawing: dict[str, Any]) -> None:
        with self.app.app_context():
            self._engine().render_map(key, drawing)

    def _default_charts(self, question_id: int, version: int) -> None:
        with self.app.app_context():
            self._engine().draw_default_charts(question_id, version)

    def _sweep(self) -> None:
        with self.app.app_context(), Session(bind=_bind()) as session:
            sweep(session)

    def send_recompute(self, question_id: int) -> None:
        try:
            self.recompute_task(question_id)
        except Exception as error:  # the row stays queued; the sweep sends it again
            log.warning("could not queue the recompute of question %s: %s", question_id, error)

    def send_default_charts(self, question_id: int, version: int) -> None:
        try:
            self.default_charts_task(question_id, version)
        except Exception as error:  # drawn on request instead
            log.warning("could not queue the charts of question %s: %s", question_id, error)

    def send_render(self, question_id: int, version: int, variant: str) -> None:
        self.render_task(question_id, version, variant)
        if self.app.config.get("JOBS_IN_PROCESS"):
            self.run_in_process()  # the reader waits for it: no context ends meanwhile

    def send_render_map(self, key: str, drawing: dict[str, Any]) -> None:
        """Ask a worker to draw a state map (``services.race_map``) and store it under ``key``."""
        self.map_task(key, drawing)
        if self.app.config.get("JOBS_IN_PROCESS"):
            self.run_in_process()

    def run_in_process(self, *_exc: Any) -> None:
        """Run what this process queued (``JOBS_IN_PROCESS``), unless it is doing so
        already (a job pushes app contexts of its own)."""
        if self._running_in_process:
            return
        self._running_in_process = True
        try:
            while (task := self.huey.dequeue()) is not None:
                self.huey.execute(task)
        finally:
            self._running_in_process = False

    def pending(self) -> int:
        """Messages waiting in the queue (recomputes, renders, retries not yet due)."""
        try:
            return int(self.huey.pending_count()) + int(self.huey.scheduled_count())
        except Exception:  # the queue unreachable: health says so elsewhere
            return -1


def _make_huey(app: Flask) -> Huey:
    name = app.config["REDIS_KEY_PREFIX"] + "jobs"
    if app.config.get("JOBS_IN_PROCESS"):
        return MemoryHuey(name, results=False)
    if app.config.get("REDIS_URL"):
        return PriorityRedisHuey(name, results=False, url=app.config["REDIS_URL"])
    path = app.config.get("JOBS_SQLITE_FILE") or str(Path(app.instance_path) / "jobs.sqlite3")
    restrict_to_owner(Path(path), create=True)  # its messages name the questions being recomputed
    return SqliteHuey(name, results=False, filename=path)


def jobs(app: Flask | None = None) -> Jobs:
    return (app or current_app).extensions[EXTENSION]


def _bind():
    return current_app.extensions["sqlalchemy"].engine


def _upsert_queued(session: SessionArg, question_ids: list[int]):
    """Insert or re-queue the job rows of these questions unless they are queued already;
    returns the ids whose row became queued (those need a message)."""
    now = utcnow()
    rows = upsert_insert(session, RecomputeJob).values(
        [{"question_id": q, "state": "queued", "queued_at": now, "attempts": 0, "error": "", "token": ""}
         for q in question_ids])
    statement = rows.on_conflict_do_update(
        index_elements=["question_id"],
        set_={"state": "queued", "queued_at": now, "attempts": 0, "error": ""},
        where=RecomputeJob.state != "queued",
    ).returning(RecomputeJob.question_id)
    return list(session.execute(statement).scalars())


def request_recomputes(bind, question_ids: Iterable[int], app: Flask | None = None) -> list[int]:
    """After a commit: queue one recompute per question not already queued (in a
    transaction of its own) and send its message. Returns the ids that got a message."""
    ids = sorted(set(question_ids))
    if not ids:
        return []
    with Session(bind=bind) as session:
        existing = set(session.scalars(select(Question.id).where(Question.id.in_(ids))))
        queued: list[int] = []
        for start in range(0, len(ids), 500):
            chunk = [q for q in ids[start:start + 500] if q in existing]
            if chunk:
                queued.extend(_upsert_queued(session, chunk))
        session.commit()
    queue = jobs(app)
    for question_id in queued:
        queue.send_recompute(question_id)
    return queued


def claim(session: SessionArg, question_id: int) -> str | None:
    """Mark a queued job running, for a new attempt; its token, or None when the job is
    not queued (a duplicate message, or one a writer has already coalesced)."""
    token = uuid.uuid4().hex
    now = utcnow()
    claimed = session.scalar(
        update(RecomputeJob)
        .where(RecomputeJob.question_id == question_id, RecomputeJob.state == "queued")
        .values(state="running", token=token, started_at=now, heartbeat_at=now,
                attempts=RecomputeJob.attempts + 1)
        .returning(RecomputeJob.question_id)
        .execution_options(synchronize_session=False))
    session.commit()
    return token if claimed is not None else None


def _holding(question_id: int, token: str):
    return and_(RecomputeJob.question_id == question_id, RecomputeJob.token == token,
                RecomputeJob.state == "running")


def beat(session: SessionArg, question_id: int, token: str) -> None:
    session.execute(update(RecomputeJob).where(_holding(question_id, token))
                    .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))
    session.commit()


def finish(session: SessionArg, question_id: int, token: str) -> None:
    """In the transaction that stores the results: the job is done, unless a writer has
    queued it again meanwhile (then the next attempt reads the newer polls)."""
    session.execute(update(RecomputeJob).where(_holding(question_id, token))
                    .values(state="done", finished_at=utcnow(), error="")
                    .execution_options(synchronize_session=False))


def fail(session: SessionArg, question_id: int, token: str, error: str, last_attempt: bool) -> None:
    """A failed attempt: queued again for Huey's retry, or ``failed`` after the last."""
    session.execute(update(RecomputeJob).where(_holding(question_id, token))
                    .values(state="failed" if last_attempt else "queued", error=error[:2000],
                            finished_at=utcnow() if last_attempt else None)
                    .execution_options(synchronize_session=False))
    session.commit()


def sweep(session: SessionArg, app: Flask | None = None) -> list[int]:
    """Queue again what would otherwise wait forever (see the module docstring): running
    jobs whose heartbeat stopped, queued jobs whose message is long overdue, and questions
    whose stored results are behind their data with no job under way. Returns their ids."""
    now = utcnow()
    dead = now - dt.timedelta(seconds=DEAD_SECONDS)
    overdue = now - dt.timedelta(seconds=LOST_SECONDS if jobs(app).pending() == 0 else RESEND_SECONDS)
    lost = list(session.scalars(
        update(RecomputeJob)
        .where(or_(and_(RecomputeJob.state == "running", RecomputeJob.heartbeat_at < dead),
                   and_(RecomputeJob.state == "queued", RecomputeJob.queued_at < overdue)))
        .values(state="queued", queued_at=now)
        .returning(RecomputeJob.question_id)
        .execution_options(synchronize_session=False)))
    behind = list(session.scalars(
        select(Question.id)
        .outerjoin(RecomputeJob, RecomputeJob.question_id == Question.id)
        .where(Question.computed_version < Question.data_version,
               or_(RecomputeJob.state.is_(None), RecomputeJob.state == "done"))))
    if behind:
        lost.extend(_upsert_queued(session, behind))
    finalise_editions(session, now.date())
    session.commit()
    if lost:
        log.warning("sweep: queued the recompute of %d question(s) again", len(lost))
    queue = jobs(app)
    for question_id in lost:
        queue.send_recompute(question_id)
    return lost


def finalise_editions(session: SessionArg, today: dt.date) -> None:
    """The editions of days before ``today`` (UTC) are final: nothing writes them again
    (``services.editions``)."""
    session.execute(update(AverageEdition).where(AverageEdition.final.is_(False), AverageEdition.day < today)
                    .values(final=True).execution_options(synchronize_session=False))


def status(session: SessionArg) -> dict[str, Any]:
    """For ``/healthz``: jobs queued and running, the oldest queued job's age in seconds,
    failed jobs, and the messages waiting in the queue itself."""
    counts = dict(session.execute(
        select(RecomputeJob.state, func.count()).group_by(RecomputeJob.state)).all())
    oldest = session.scalar(select(func.min(RecomputeJob.queued_at)).where(RecomputeJob.state == "queued"))
    behind = session.scalar(select(func.count()).select_from(Question)
                            .where(Question.computed_version < Question.data_version))
    return {
        "queued": int(counts.get("queued", 0)),
        "running": int(counts.get("running", 0)),
        "failed": int(counts.get("failed", 0)),
        "oldest_queued_seconds": None if oldest is None else round((utcnow() - oldest).total_seconds(), 1),
        "questions_updating": int(behind or 0),
        "messages": jobs().pending(),
    }


def progress(session: SessionArg, targets: dict[int, int]) -> tuple[int, int]:
    """``(done, failed)`` of the recomputes of ``targets`` (question id -> the data
    version to reach): done when the question's stored results are of that version or
    newer, failed when its job has failed since."""
    done = failed = 0
    ids = list(targets)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = session.execute(
            select(Question.id, Question.computed_version, RecomputeJob.state)
            .outerjoin(RecomputeJob, RecomputeJob.question_id == Question.id)
            .where(Question.id.in_(chunk))).all()
        for question_id, computed, state in rows:
            if computed >= targets[question_id]:
                done += 1
            elif state == "failed":
                failed += 1
    return done, failed


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Jobs(app)
