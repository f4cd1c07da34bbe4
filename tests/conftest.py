"""Fixture ladder: ``database_url`` -> ``app`` -> ``client`` / ``runner``.

The suite runs on SQLite by default. With ``TEST_DATABASE_URL`` set (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) it runs on that database instead:
the schema is built once per session by the Alembic migrations, and every test starts
from empty tables.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from pollservice import create_app
from pollservice.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
BASE_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
               "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False}


CREATED_APPS: list = []  # every app made by make_app, so its connections can be closed


def make_app(database_url: str, instance_path: Path, **extra):
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **extra}
    app = create_app(config)
    app.instance_path = str(instance_path)
    CREATED_APPS.append(app)
    return app


def close_connections(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def close_apps_made_by_the_test():
    """Apps a test makes itself are closed when it ends: a pooled connection left open is a
    ResourceWarning (an error here) in whichever later test the garbage collector hits."""
    already = len(CREATED_APPS)
    yield
    for app in CREATED_APPS[already:]:
        close_connections(app)
    del CREATED_APPS[already:]


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """A database at the head migration: a SQLite file to copy, or the PostgreSQL schema."""
    folder = tmp_path_factory.mktemp("template")
    if ON_POSTGRES:
        reset_postgres(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        url = "sqlite:///" + str(folder / "template.sqlite3")
    app = make_app(url, folder)
    with app.app_context():
        upgrade()
    close_connections(app)
    return folder / "template.sqlite3"


@pytest.fixture
def database_url(migrated_template, tmp_path):
    if ON_POSTGRES:
        engine = sa.create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            tables = [t for t in sa.inspect(connection).get_table_names() if t != "alembic_version"]
            if tables:
                connection.execute(sa.text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        engine.dispose()
        return TEST_DATABASE_URL
    path = tmp_path / "test.sqlite3"
    shutil.copy(migrated_template, path)
    return "sqlite:///" + str(path)


@pytest.fixture
def app(database_url, tmp_path):
    yield make_app(database_url, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_app(app):
    """The app with the seed and demo data loaded."""
    from pollservice.services.demo import load_demo

    with app.app_context():
        load_demo()
    return app


@pytest.fixture
def admin(app):
    from pollservice.services.users import create_admin

    with app.app_context():
        create_admin("editor", "correct horse battery")
    return {"username": "editor", "password": "correct horse battery"}


@pytest.fixture
def logged_in(client, admin):
    response = client.post("/admin/login", data=admin)
    assert response.status_code == 302
    return client
