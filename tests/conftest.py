"""Fixture ladder: ``database_url`` -> ``app`` -> ``client`` / ``runner``.

The suite runs on SQLite by default. With ``TEST_DATABASE_URL`` set (e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/test``) it runs on that database instead.

Each test starts from a copy of one of two templates built once per session by the
Alembic migrations: ``empty`` (the head schema, no rows) and ``demo`` (the seed and demo
polls loaded by :func:`pollservice.services.demo.load_demo`, with their stored averages),
so that a test of the demo data neither re-imports nor refits it. A test gets the demo
copy by asking for ``demo_app`` (directly or through another fixture).

- SQLite: each template is a file; a test gets its own copy (``shutil.copy``).
- PostgreSQL: the test database is restored in place: every table is emptied and, for the
  demo, refilled from a copy of its rows kept in the schema ``test_template_demo`` of the
  same database, and every sequence is set back to where the template left it. This was
  measured quicker than ``TRUNCATE`` (about 0.2 s a test) and than ``CREATE DATABASE ...
  TEMPLATE`` (whose ``DROP DATABASE`` waits for a checkpoint, seconds when the server is
  busy).

The app keeps its caches per app (``app.extensions``): every test's app starts with
none, so no test is served another test's values though the copies share ids and data
versions.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import jinja2
import jinja2.bccache
import pytest
import sqlalchemy as sa
import stats_memo
from flask_migrate import upgrade

from pollservice import create_app
from pollservice.extensions import db
from pollservice.jobs import commands, compute

stats_memo.install()  # lowess results kept per process: see tests/stats_memo.py

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
# Test apps run each queued job at once, in the process that queues it (tests of the
# queue itself give an app a real one: tests/test_jobs.py).
BASE_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key-not-for-production",
               "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, "JOBS_IN_PROCESS": True,
               # drawing seven charts at every commit would be most of the suite's time: tests
               # get them drawn on request (tests/test_jobs.py checks the default drawings)
               "RECOMPUTE_CHART_VARIANTS": [],
               # the write tests post polls from new pollsters and expect them counted: the
               # hold rule is off here, on in tests/test_review.py (and in production)
               "REVIEW_HOLDS": False}
DEMO_SCHEMA = "test_template_demo"  # PostgreSQL: the demo template's rows
# The test templates hold the small demo sets; tests of the election demo load it themselves.
TEMPLATE_DEMO_SETS = ("calexit", "approval")
# Screenshots and summaries to look at (gitignored), one folder per database, so that the
# two passes of scripts/test.sh, which run at the same time, do not write the same files.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / (
    "postgresql" if ON_POSTGRES else "sqlite")


CREATED_APPS: list = []  # every app made by make_app, so its connections can be closed


class SharedTemplateCache(jinja2.BytecodeCache):
    """Compiled templates shared by every test app of the process (keyed by name and checked
    against the source's checksum by Jinja): each test's app would compile each page's
    templates again, about 0.05 s a template."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = SharedTemplateCache()


def make_app(database_url: str, instance_path: Path, computes: bool = True, **extra):
    """An app on ``database_url``; ``computes``: its process runs the jobs it queues (and
    offers the computing commands), as a worker would."""
    config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **extra}
    app = create_app(config)
    app.instance_path = str(instance_path)
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    if computes:
        compute.install(app)
        commands.init_app(app)
    CREATED_APPS.append(app)
    return app


def close_connections(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def pytest_collection_modifyitems(config, items):
    """The gunicorn load tests (those that use ``served``) keep both cores busy for a
    minute or more each. scripts/test.sh runs the SQLite and PostgreSQL passes at the
    same time; so that their load tests do not slow each other down, the PostgreSQL pass
    runs them first and the SQLite pass last (test_concurrency also takes a lock, so two
    never run at once whatever the order)."""
    load = [item for item in items if "served" in getattr(item, "fixturenames", ())]
    rest = [item for item in items if item not in load]
    items[:] = load + rest if ON_POSTGRES else rest + load


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
    """Drop every table of ``url``'s public schema (the migrations tests start from here)."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def postgres_url(database: str) -> str:
    """``TEST_DATABASE_URL`` with another database name (same server and user)."""
    return sa.make_url(TEST_DATABASE_URL).set(database=database).render_as_string(hide_password=False)


def migrate(url: str, folder: Path) -> None:
    app = make_app(url, folder)
    with app.app_context():
        upgrade()
    close_connections(app)


def load_demo_into(url: str, folder: Path) -> None:
    from pollservice.services.demo import load_demo

    app = make_app(url, folder)
    with app.app_context():
        load_demo(TEMPLATE_DEMO_SETS)
    close_connections(app)


class SqliteTemplates:
    """Two template files; each test copies one."""

    def __init__(self, folder: Path):
        self.files = {"empty": folder / "empty.sqlite3", "demo": folder / "demo.sqlite3"}
        migrate(self.url(self.files["empty"]), folder)
        self.checkpoint(self.files["empty"])
        shutil.copy(self.files["empty"], self.files["demo"])
        load_demo_into(self.url(self.files["demo"]), folder)
        self.checkpoint(self.files["demo"])

    @staticmethod
    def url(path: Path) -> str:
        return "sqlite:///" + str(path)

    @staticmethod
    def checkpoint(path: Path) -> None:
        """Move everything from the write-ahead log into the file, so a copy of the file
        alone is the whole database."""
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        wal = path.with_name(path.name + "-wal")
        assert not wal.exists() or wal.stat().st_size == 0, f"{wal} still holds pages"

    def fresh(self, kind: str, folder: Path, name: str = "test") -> str:
        path = folder / f"{name}.sqlite3"
        shutil.copy(self.files[kind], path)
        return self.url(path)


class PostgresTemplates:
    """The test database restored in place from the empty or the demo template."""

    def __init__(self, url: str, folder: Path):
        self.url = url
        # Two runs on one database would empty each other's tables: the second one stops.
        self.lock = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool).connect()
        locked = sa.text("SELECT pg_try_advisory_lock(hashtext('pollservice-tests'))")
        if not self.lock.execute(locked).scalar():
            self.lock.close()
            pytest.exit(f"another test run is using {sa.make_url(url).database!r}; "
                        "give this one its own database in TEST_DATABASE_URL", returncode=3)
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {DEMO_SCHEMA} CASCADE"))
        engine.dispose()
        reset_postgres(url)
        migrate(url, folder)
        self.engine = sa.create_engine(url)
        with self.engine.begin() as connection:
            metadata = sa.MetaData()
            metadata.reflect(connection)
            # Parents before children: rows go in in this order and come out in the reverse.
            self.tables = [t.name for t in metadata.sorted_tables if t.name != "alembic_version"]
            self.superuser = connection.execute(sa.text("SHOW is_superuser")).scalar() == "on"
            empty_sequences = self.sequences(connection)
        load_demo_into(url, folder)
        with self.engine.begin() as connection:
            connection.execute(sa.text(f"CREATE SCHEMA {DEMO_SCHEMA}"))
            for table in self.tables:
                connection.execute(sa.text(
                    f'CREATE TABLE {DEMO_SCHEMA}."{table}" AS SELECT * FROM public."{table}"'))
            demo_sequences = self.sequences(connection)
        self.scripts = {"empty": self.restore_script(False, empty_sequences),
                        "demo": self.restore_script(True, demo_sequences)}

    @staticmethod
    def sequences(connection) -> list[tuple[str, int | None]]:
        return connection.execute(sa.text(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")).all()

    def restore_script(self, with_rows: bool, sequences) -> str:
        statements = []
        if self.superuser:  # the rows are the template's, known consistent: skip the FK triggers
            statements.append("SET LOCAL session_replication_role = replica")
        statements += [f'DELETE FROM public."{table}"' for table in reversed(self.tables)]
        if with_rows:
            statements += [f'INSERT INTO public."{table}" SELECT * FROM {DEMO_SCHEMA}."{table}"'
                           for table in self.tables]
        if sequences:
            statements.append("SELECT " + ", ".join(
                f"setval('public.\"{name}\"', {value or 1}, {'true' if value else 'false'})"
                for name, value in sequences))
        return "; ".join(statements)

    def fresh(self, kind: str, folder: Path | None = None, name: str = "test") -> str:
        with self.engine.begin() as connection:
            connection.exec_driver_sql(self.scripts[kind])
        return self.url

    def close(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {DEMO_SCHEMA} CASCADE"))
        self.engine.dispose()
        self.lock.close()  # ends the session, and with it the advisory lock


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    """The ``empty`` and ``demo`` templates; ``.fresh(kind, folder)`` gives a URL to a new
    copy of one."""
    folder = tmp_path_factory.mktemp("template")
    if ON_POSTGRES:
        templates = PostgresTemplates(TEST_DATABASE_URL, folder)
        yield templates
        templates.close()
    else:
        yield SqliteTemplates(folder)


@pytest.fixture
def database_url(request, database_templates, tmp_path):
    """A database of the test's own: the demo copy for tests that use ``demo_app``."""
    kind = "demo" if "demo_app" in request.fixturenames else "empty"
    return database_templates.fresh(kind, tmp_path)


@pytest.fixture
def app(request, database_url, tmp_path):
    """The app. Under ``@pytest.mark.jobs_run(False)`` its recomputes wait in a real queue
    (a SQLite file) that no worker takes, as before a worker starts: for tests of what is
    stored that read no averages, which need not pay for fitting every method. The
    marker nearest the test wins (``jobs_run(True)`` on a test of such a module)."""
    marker = request.node.get_closest_marker("jobs_run")
    if marker is not None and not marker.args[0]:
        yield make_app(database_url, tmp_path, JOBS_IN_PROCESS=False,
                       JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite3"))
    else:
        yield make_app(database_url, tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_app(app):
    """The app with the seed and demo data loaded (``database_url`` copied the demo template)."""
    return app


ADMIN = {"username": "editor", "password": "correct horse battery"}


@pytest.fixture(scope="session")
def admin_password_hash():
    """The admin's password as a real scrypt hash, made once, with a small work factor
    (N=2**10 instead of Werkzeug's 2**15): signing in checks it in about a millisecond
    instead of 0.1 s. ``create-admin`` and its default strength are tested in test_cli."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(ADMIN["password"], method="scrypt:1024:8:1")


@pytest.fixture
def admin(app, admin_password_hash):
    """An admin account (as ``create-admin`` stores it); returns its login form data."""
    from pollservice.models import User

    with app.app_context():
        db.session.add(User(username=ADMIN["username"], password_hash=admin_password_hash))
        db.session.commit()
    return dict(ADMIN)


def signed_in_with_csrf(database_url: str, tmp_path: Path, admin: dict):
    """A second app on the test's database with CSRF on, and a client signed in to it
    (the login form's token sent); returns ``(app, client)``."""
    secured = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = secured.test_client()
    login = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    assert client.post("/admin/login", data={**admin, "csrf_token": token}).status_code == 302
    return secured, client


@pytest.fixture
def logged_in(client, admin):
    response = client.post("/admin/login", data=admin)
    assert response.status_code == 302
    return client
