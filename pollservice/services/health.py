"""Health of the service: can it reach its database, at which migration is it, and how
are the workers' recomputes doing (queue depth, the oldest queued job's age, failures)?"""

from __future__ import annotations

from sqlalchemy import text

from ..extensions import db
from .recomputes import queue_health


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
