"""Health of the service: can it reach its database, and at which migration is it?"""

from __future__ import annotations

from sqlalchemy import text

from ..extensions import db


def check() -> dict:
    try:
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as error:  # any database failure means "unhealthy", never a 500
        db.session.rollback()
        return {"status": "error", "database": f"unreachable: {type(error).__name__}", "migration": None}
    return {"status": "ok", "database": "ok", "migration": version}
