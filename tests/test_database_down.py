"""Issue 18, Medium 6: a database that refuses or never answers. ``/livez`` touches no
database; ``/healthz`` answers 503 with a JSON body within its own bound
(``HEALTH_TIMEOUT``); uncached requests answer 503 with ``Retry-After`` (JSON under /api,
a plain page elsewhere), never a 500; PostgreSQL connections get a connect and a
statement timeout."""

from __future__ import annotations

import os
import socket
import threading

import pytest
from sqlalchemy import text

from conftest import BASE_CONFIG, ON_POSTGRES, TEST_DATABASE_URL
from pollservice import create_app
from pollservice.extensions import db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: a connection is refused


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (a hung database)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def app_on(port: int, tmp_path, **extra):
    os.environ.setdefault("MPLCONFIGDIR", str(tmp_path / "matplotlib"))
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI":
                      f"postgresql+psycopg://postgres@127.0.0.1:{port}/nowhere",
                      "DATABASE_CONNECT_TIMEOUT": 1, "HEALTH_TIMEOUT": 1, **extra})
    return app


def answer_within(client, path: str, seconds: float):
    """The response, or None when it did not come within ``seconds`` (a hang)."""
    got: list = []
    thread = threading.Thread(target=lambda: got.append(client.get(path)), daemon=True)
    thread.start()
    thread.join(seconds)
    return got[0] if got else None


def test_with_the_database_refused_requests_answer_503_not_500(tmp_path):
    app = app_on(closed_port(), tmp_path)
    client = app.test_client()
    assert client.get("/livez").status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["status"] == "error"
    api = client.get("/api/v1/questions")
    assert api.status_code == 503, api.get_data(as_text=True)
    assert api.headers["Retry-After"] and api.get_json()["error"]["code"] == "database_unavailable"
    page = client.get("/questions/calexit")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "database" in page.get_data(as_text=True) and page.mimetype == "text/html"


def test_with_a_database_that_never_answers_the_health_checks_answer(tmp_path, silent_server):
    app = app_on(silent_server, tmp_path)
    client = app.test_client()
    live = answer_within(client, "/livez", 10)
    assert live is not None and live.status_code == 200
    health = answer_within(client, "/healthz", 10)  # HEALTH_TIMEOUT is 1 s; 10 s is "hangs"
    assert health is not None, "/healthz hung"
    assert health.status_code == 503 and health.get_json()["status"] == "error"
    api = answer_within(client, "/api/v1/questions", 10)  # DATABASE_CONNECT_TIMEOUT is 1 s
    assert api is not None, "an API read hung"
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "database_unavailable"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's timeouts")
def test_postgresql_connections_get_the_configured_statement_timeout(tmp_path):
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
                      "DATABASE_STATEMENT_TIMEOUT": 7})
    with app.app_context():
        assert db.session.execute(text("SHOW statement_timeout")).scalar() == "7s"
        db.session.rollback()
        db.engine.dispose()
