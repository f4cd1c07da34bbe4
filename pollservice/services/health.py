"""Health of the service: can it reach its database, at which migration is it, and how
are the workers' recomputes doing (queue depth, the oldest queued job's age, failures)?"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout

from flask import Flask, current_app
from sqlalchemy import text

from ..extensions import db
from .recomputes import queue_health

HEALTH_KEY = "pollservice.health"  # app.extensions: the check under way, and its lock


def check() -> dict:
    try:
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # any database failure means "unhealthy", never a 500
        db.session.rollback()
        return {"status": "error", "database": f"unreachable: {type(error).__name__}", "migration": None,
                "jobs": None}
    try:
        jobs = queue_health()
    except Exception as error:  # a database older than the job table: say so, do not fail
        db.session.rollback()
        jobs = {"error": type(error).__name__}
    return {"status": "ok", "database": "ok", "migration": version, "jobs": jobs}


def check_within(seconds: float) -> dict:
    """``check()`` answered within ``seconds``: a database that never answers gives an
    error report instead of a hang. The check runs in a thread of its own; while one is
    under way (hung) the next probes wait for the same one instead of starting another."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    state = app.extensions.setdefault(HEALTH_KEY, {"lock": threading.Lock(), "under_way": None})
    with state["lock"]:
        future = state["under_way"]
        if future is None or future.done():
            future = state["under_way"] = _start_check(app)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        return {"status": "error", "database": f"no answer within {seconds:g} s", "migration": None,
                "jobs": None}


def _start_check(app: Flask) -> Future:
    future: Future = Future()

    def run() -> None:
        with app.app_context():
            try:
                future.set_result(check())
            except BaseException as error:  # check() catches database errors; anything else
                future.set_exception(error)

    threading.Thread(target=run, name="healthz", daemon=True).start()  # never blocks the exit
    return future
