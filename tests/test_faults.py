"""Issue 18's fault-injection test: a TCP proxy the test controls (tests/fault_proxy.py)
between the app and PostgreSQL, and between the app and Redis, refusing, hanging, or
cutting the connection right after a COMMIT. Every answer must be honest (a 201 means
stored; a 5xx is a 503 that says the write may or may not be stored, never a 500), the
health checks answer within their bound, and nothing is lost or doubled: the polls are
counted in the database directly, past the proxy.

PostgreSQL only (the proxy speaks to a server); skipped without it. Redis parts skip
without a Redis on 127.0.0.1:6379 outside CI.
"""

from __future__ import annotations

import os
import threading
import uuid
import zlib
from urllib.parse import urlsplit, urlunsplit

import pytest
from fault_proxy import FaultProxy
from sqlalchemy import func, select

from conftest import ON_POSTGRES, TEST_DATABASE_URL, make_app
from pollservice.extensions import db
from pollservice.models import Poll
from pollservice.services.tokens import create_token

pytestmark = [pytest.mark.slow, pytest.mark.jobs_run(False),
              pytest.mark.skipif(not ON_POSTGRES, reason="the proxy stands before PostgreSQL")]

BOUND = 15  # seconds: an answer later than this counts as a hang (the timeouts are 1-2 s)


def poll_body(source_id: str) -> dict:
    """A poll of its own per source id (identical polls are a 409 since API 1.4.0)."""
    return {"pollster": "Fault Pollster", "start_date": "2017-04-10", "end_date": "2017-04-12",
            "sample_size": 900 + zlib.crc32(source_id.encode()) % 5000, "population": "lv",
            "source_id": source_id,
            "results": {"Support": 35.5, "Oppose": 55}}


def through(proxy: FaultProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def answer_within(call, seconds: float = BOUND):
    got: list = []
    thread = threading.Thread(target=lambda: got.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert got, f"no answer within {seconds} s"
    return got[0]


def stored(app, source_id: str) -> int:
    with app.app_context():
        count = db.session.execute(
            select(func.count(Poll.id)).where(Poll.source_id == source_id)).scalar_one()
        db.session.rollback()
        return count


@pytest.fixture
def postgres_proxy():
    proxy = FaultProxy(urlsplit(TEST_DATABASE_URL).port or 5432)
    yield proxy
    proxy.close()


@pytest.fixture
def proxied(demo_app, postgres_proxy, tmp_path):
    """(the app behind the proxy, its test client, an API token's headers)."""
    with demo_app.app_context():
        _, secret = create_token("faults")
    app = make_app(through(postgres_proxy, TEST_DATABASE_URL), tmp_path, computes=False,
                   JOBS_IN_PROCESS=False, JOBS_SQLITE_FILE=str(tmp_path / "jobs.sqlite3"),
                   DATABASE_CONNECT_TIMEOUT=2, HEALTH_TIMEOUT=1, TESTING=False,
                   PROPAGATE_EXCEPTIONS=False)
    yield app, app.test_client(), {"Authorization": f"Bearer {secret}"}
    postgres_proxy.mode = "pass"
    postgres_proxy.cut_all()


def post(client, headers, source_id: str):
    return client.post("/api/v1/questions/calexit/polls", json=poll_body(source_id), headers=headers)


def honest(response, stored_now: int) -> None:
    """A 201 means stored once; anything else is a 409 (stored before) or a 503."""
    assert response.status_code in (201, 409, 503), (response.status_code, response.get_data(as_text=True))
    if response.status_code == 201:
        assert stored_now == 1
    if response.status_code == 503:
        assert response.headers["Retry-After"]
        assert response.get_json()["error"]["code"] == "database_unavailable"
        assert stored_now <= 1


def test_writes_through_a_proxy_that_cuts_after_commit_are_stored_once(demo_app, proxied, postgres_proxy):
    app, client, headers = proxied
    assert post(client, headers, "pass-1").status_code == 201 and stored(demo_app, "pass-1") == 1
    for attempt in range(5):
        source_id = f"cut-{attempt}"
        postgres_proxy.mode = "cut_after_commit"
        response = answer_within(lambda source_id=source_id: post(client, headers, source_id))
        honest(response, stored(demo_app, source_id))
        postgres_proxy.mode = "pass"
        if response.status_code != 201:  # the client retries what it was not told is stored
            retry = answer_within(lambda source_id=source_id: post(client, headers, source_id))
            assert retry.status_code in (201, 409), retry.get_data(as_text=True)
        assert stored(demo_app, source_id) == 1, "lost or doubled"
    assert postgres_proxy.commits_cut >= 1, "no connection was cut after a commit"


@pytest.mark.parametrize("mode", ["refuse", "hang"])
def test_a_refusing_or_hanging_database_gets_honest_503s_in_bounded_time(
        demo_app, proxied, postgres_proxy, mode):
    app, client, headers = proxied
    assert client.get("/healthz").status_code == 200  # through the proxy, while it passes
    postgres_proxy.mode = mode
    postgres_proxy.cut_all()  # the pooled connections go: the next ones meet the fault
    assert answer_within(lambda: client.get("/livez")).status_code == 200
    health = answer_within(lambda: client.get("/healthz"))
    assert health.status_code == 503 and health.get_json()["status"] == "error"
    response = answer_within(lambda: post(client, headers, f"{mode}-1"))
    honest(response, stored(demo_app, f"{mode}-1"))
    assert response.status_code == 503
    page = answer_within(lambda: client.get("/admin/login?next=/"))
    assert page.status_code in (200, 503)  # the login form needs no database; never a 500
    listed = answer_within(lambda: client.get("/api/v1/questions/calexit/polls"))
    assert listed.status_code in (200, 503), listed.get_data(as_text=True)
    postgres_proxy.mode = "pass"
    postgres_proxy.cut_all()
    assert answer_within(lambda: client.get("/healthz")).status_code == 200  # it recovers
    assert stored(demo_app, f"{mode}-1") == 0


def redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis(socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.parametrize("mode", ["refuse", "hang"])
def test_with_redis_refusing_or_hanging_writes_and_logins_still_work(demo_app, admin, tmp_path, mode):
    if not redis_up() and os.environ.get("CI") != "true":
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    proxy = FaultProxy(6379)
    try:
        with demo_app.app_context():
            _, secret = create_token("faults-redis")
        url = f"redis://127.0.0.1:{proxy.port}/0"
        app = make_app(TEST_DATABASE_URL, tmp_path / "redis", computes=False, JOBS_IN_PROCESS=False,
                       REDIS_URL=url, RATELIMIT_STORAGE_URI=url, RATELIMIT_ENABLED=True,
                       REDIS_KEY_PREFIX=f"pollservice-faults-{uuid.uuid4().hex}:",
                       TESTING=False, PROPAGATE_EXCEPTIONS=False)
        client = app.test_client()
        proxy.mode = mode
        proxy.cut_all()
        response = answer_within(lambda: post(client, {"Authorization": f"Bearer {secret}"}, f"redis-{mode}"))
        assert response.status_code == 201, response.get_data(as_text=True)
        assert stored(demo_app, f"redis-{mode}") == 1
        login = answer_within(lambda: client.post("/admin/login", data=admin))
        assert login.status_code == 302, login.get_data(as_text=True)[:300]
    finally:
        proxy.close()
