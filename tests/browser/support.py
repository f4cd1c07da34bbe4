"""Helpers shared by the browser tests and the page tests that read one database."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from conftest import ON_POSTGRES, TEST_DATABASE_URL


def fresh_database(template: Path, folder: Path) -> str:
    """A database at the head migration with no rows: a copy of the SQLite template, or
    the PostgreSQL test database emptied."""
    if not ON_POSTGRES:
        path = folder / "browser.sqlite3"
        shutil.copy(template, path)
        return "sqlite:///" + str(path)
    engine = sa.create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        tables = [t for t in sa.inspect(connection).get_table_names() if t != "alembic_version"]
        connection.execute(sa.text(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
    return TEST_DATABASE_URL
