"""Honest answers when a dependency fails after or around a commit (issue 18)."""

from __future__ import annotations

import threading
import uuid

import pytest
import redis
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError

from conftest import ON_POSTGRES, make_app
from pollservice.api import routes as api_routes
from pollservice.extensions import db
from pollservice.jobs.queue import sweep
from pollservice.models import Poll, Question
from pollservice.readmodel import events
from pollservice.services import browse as browse_service
from pollservice.services.tokens import create_token

POLL = {
    "pollster": "Fault Pollster", "start_date": "2017-04-10", "end_date": "2017-04-12",
    "sample_size": 900, "population": "lv", "source_url": "https://example.org/fault",
    "results": {"Support": 35.5, "Oppose": 55},
}


def polls_stored(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Poll).where(
            Poll.source_url == POLL["source_url"]))


def test_a_post_whose_after_commit_work_fails_is_201_and_stored_once(demo_app, client, monkeypatch):
    with demo_app.app_context():
        _, secret = create_token("faults")

    def connection_dropped(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(events, "states_from_database", connection_dropped)
    monkeypatch.setattr(events, "request_recomputes", connection_dropped)
    response = client.post("/api/v1/questions/calexit/polls", json=POLL,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    assert response.get_json()["pollster"] == "Fault Pollster"
    assert polls_stored(demo_app) == 1
    monkeypatch.undo()
    with demo_app.app_context():  # the lost recompute request: the minutely sweep queues it
        calexit = db.session.scalar(select(Question.id).where(Question.slug == "calexit"))
        assert calexit in sweep(db.session, demo_app)


def test_login_works_while_the_limiter_storage_refuses(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True,
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")  # nothing listens there
    client = app.test_client()
    response = client.post("/admin/login", data=admin)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    for _ in range(6):  # the fallback still limits, in memory
        last = client.post("/admin/login", data={"username": "editor", "password": "wrong"})
    assert last.status_code == 429


def redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def test_the_limiters_redis_keys_carry_the_key_prefix(database_url, tmp_path, admin):
    store = redis_or_skip()
    prefix = f"faults-{uuid.uuid4().hex[:8]}:"
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, REDIS_KEY_PREFIX=prefix,
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15")
    app.test_client().post("/admin/login", data={"username": "editor", "password": "wrong"})
    keys = [k.decode() for k in store.scan_iter(match="*")]
    try:
        login_keys = [key for key in keys if "admin.login" in key]
        assert login_keys and all(key.startswith(prefix) for key in login_keys), keys
    finally:
        for key in keys:
            if prefix in key:
                store.delete(key)


def database_refused(*_args, **_kwargs):
    raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_a_refused_database_is_503_with_retry_after_not_500(app, client, monkeypatch):
    monkeypatch.setattr(api_routes, "get_poll", database_refused)
    monkeypatch.setattr(browse_service, "page_of_topics", database_refused)
    api = client.get("/api/v1/polls/1")
    assert api.status_code == 503 and api.headers["Retry-After"]
    assert api.get_json()["error"]["code"] == "database_unavailable"
    page = client.get("/topics")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert b"database" in page.data and b"Traceback" not in page.data


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's timeouts")
def test_postgres_connections_have_a_connect_and_a_statement_timeout(database_url, tmp_path):
    app = make_app(database_url, tmp_path, DATABASE_STATEMENT_TIMEOUT_MS=1234)
    with app.app_context():
        assert db.session.scalar(text("SHOW statement_timeout")) == "1234ms"
        assert db.engine.pool.timeout() == app.config["DATABASE_POOL_TIMEOUT"]
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"] == 5
        with pytest.raises(OperationalError, match="statement timeout"):
            db.session.execute(text("SELECT pg_sleep(3)"))


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's statement timeout")
def test_healthz_answers_503_within_its_bound_when_the_database_hangs(database_url, tmp_path):
    """No general statement timeout: /healthz's own bound (0.5 s here) must answer it. The
    10 s join is no timing figure, only "it answered at all" while the lock is held."""
    app = make_app(database_url, tmp_path, HEALTH_STATEMENT_TIMEOUT_MS=500, DATABASE_STATEMENT_TIMEOUT_MS=0)
    engine = create_engine(database_url)
    answers: list = []
    try:
        with engine.connect() as blocker:  # a lock that makes the health query wait
            blocker.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
            probe = threading.Thread(target=lambda: answers.append(app.test_client().get("/healthz")))
            probe.start()
            probe.join(10)
            answered_while_locked = list(answers)
            blocker.rollback()
        probe.join()
    finally:
        engine.dispose()
    assert answered_while_locked, "/healthz still waiting on the database after 10 s"
    assert answered_while_locked[0].status_code == 503
    assert answered_while_locked[0].get_json()["database"].startswith("unreachable")
