"""Security rules: headers, cookies, secrets, login limits, redirects, escaping (CSRF: test_admin)."""

from __future__ import annotations

import socket

import pytest
from markupsafe import escape

from conftest import make_app
from pollservice.extensions import limiter


def test_every_response_carries_the_security_headers(demo_app, client):
    for url in ("/", "/questions/calexit", "/api/v1/questions", "/charts/calexit.svg?method=weighted",
                "/api/v1/questions/nope", "/static/style.css"):
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp, url
        assert "frame-ancestors 'none'" in csp, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_only_the_embed_page_may_be_framed(app):
    @app.get("/embed/test-only")
    def embed_probe():
        return "ok"

    response = app.test_client().get("/embed/test-only")
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


def test_session_cookie_is_httponly_samesite_lax_and_secure_outside_debug(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, TESTING=False)
    client = app.test_client()
    response = client.post("/admin/login", data=admin, base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, tmp_path):
    from pollservice import create_app

    monkeypatch.setenv("POLLSERVICE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "changeme"})
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 40})
    assert app.config["SECRET_KEY"] == "x" * 40


def test_the_sixth_login_within_a_minute_is_rate_limited(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(5):
        wrong = client.post("/admin/login", data={"username": "editor", "password": "wrong-one"})
        assert wrong.status_code == 200
    sixth = client.post("/admin/login", data=admin)  # even the right password waits
    assert sixth.status_code == 429
    assert b"Too many attempts" in sixth.data


def test_one_account_is_limited_across_addresses(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    for i in range(5):
        client.post("/admin/login", data={"username": "editor", "password": "wrong"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{i}"})
    sixth = client.post("/admin/login", data=admin, environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert sixth.status_code == 429


def test_behind_a_proxy_the_limit_counts_each_client_not_the_proxy(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, PROXY_HOPS=1)
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    for i in range(5):
        client.post("/admin/login", data={"username": f"guess{i}", "password": "wrong"},
                    environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.7"})
    blocked = client.post("/admin/login", data={"username": "guess9", "password": "x"},
                          environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.7"})
    other_client = client.post("/admin/login", data=admin, environ_base=proxy,
                               headers={"X-Forwarded-For": "198.51.100.4"})
    assert blocked.status_code == 429 and other_client.status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "http:/evil.example"])
def test_login_never_redirects_off_site(client, admin, target):
    response = client.post("/admin/login", query_string={"next": target}, data=admin)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin")


def test_every_admin_route_requires_login(app):
    client = app.test_client()
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")
             and r.endpoint != "admin.login"]
    assert rules
    for rule in rules:
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<{argument}>", "1").replace(f"<int:{argument}>", "1")
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), f"{rule.endpoint} answered {response.status_code}"
        if response.status_code == 302:
            assert "/admin/login" in response.headers["Location"], rule.endpoint


def test_request_bodies_are_limited_in_size(app):
    from pollservice.services.tokens import create_token

    with app.app_context():
        _, token = create_token("big")
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    client = app.test_client()
    response = client.post("/api/v1/questions/calexit/polls", data=big, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413
    form = client.post("/admin/login", data=big, content_type="application/x-www-form-urlencoded")
    assert form.status_code == 413


def test_a_script_in_a_pollster_name_is_escaped_in_pages_json_and_svg(demo_app, client):
    from pollservice.services.polls import add_poll

    name = '<script>alert("x")</script>'
    with demo_app.app_context():
        add_poll("calexit", {"pollster": name, "start_date": "2017-04-01", "end_date": "2017-04-02",
                             "population": "a", "results": {"Support": "30"}})
    page = client.get("/questions/calexit?method=weighted").get_data(as_text=True)
    assert name not in page and str(escape(name)) in page
    svg = client.get("/charts/calexit.svg?method=kalman").get_data(as_text=True)
    assert "<script" not in svg
    assert client.get("/api/v1/questions/calexit/polls").get_json()[0]["pollster"] == name


def test_publicly_cacheable_reads_never_carry_an_admins_session_cookie(demo_app, logged_in):
    for url in ("/api/v1/questions/calexit/average", "/charts/calexit.svg?method=weighted"):
        response = logged_in.get(url)
        assert "public" in response.headers["Cache-Control"], url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
    page = logged_in.get("/admin/polls")
    assert page.status_code == 200 and "Cookie" in page.headers["Vary"]


def test_without_a_secret_key_one_is_made_once_and_kept_private(tmp_path, monkeypatch):
    import stat

    from pollservice.config import resolve_secret_key

    monkeypatch.delenv("POLLSERVICE_ENV", raising=False)
    first = resolve_secret_key({}, str(tmp_path))
    assert len(first) == 64 and resolve_secret_key({}, str(tmp_path)) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left behind


def test_hsts_only_over_https(app):
    client = app.test_client()
    assert "Strict-Transport-Security" not in client.get("/livez").headers
    over_tls = client.get("/livez", base_url="https://polls.example.org")
    assert over_tls.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_behind_a_tls_proxy(database_url, tmp_path):
    client = make_app(database_url, tmp_path, PROXY_HOPS=1).test_client()
    response = client.get("/livez", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


def test_the_proxy_cannot_name_the_host_of_embed_links(database_url, tmp_path, demo_app):
    client = make_app(database_url, tmp_path, PROXY_HOPS=1).test_client()
    page = client.get("/questions/calexit", headers={"X-Forwarded-Host": "evil.example"})
    assert page.status_code == 200
    assert b"evil.example" not in page.data
    assert b"http://localhost/embed/calexit" in page.data


def test_a_spoofed_host_does_not_poison_the_page_others_get(demo_app, client):
    spoofed = client.get("/questions/calexit", headers={"Host": "evil.example"})
    assert b"http://evil.example/embed/calexit" in spoofed.data  # that client's own page
    page = client.get("/questions/calexit")
    assert b"evil.example" not in page.data and b"http://localhost/embed/calexit" in page.data


def test_trusted_hosts_refuses_other_hosts(database_url, tmp_path):
    client = make_app(database_url, tmp_path, TRUSTED_HOSTS=["polls.example.org"]).test_client()
    assert client.get("/livez", base_url="http://polls.example.org").status_code == 200
    assert client.get("/livez", headers={"Host": "evil.example"}).status_code == 400


def test_the_sqlite_database_is_readable_by_its_owner_only(app, database_url):
    if not database_url.startswith("sqlite:///"):
        pytest.skip("SQLite only")
    from pathlib import Path

    from pollservice.extensions import db

    with app.app_context():
        db.session.execute(db.text("select 1"))
        path = Path(db.engine.url.database)
    assert path.stat().st_mode & 0o077 == 0, oct(path.stat().st_mode)


def test_the_task_queue_file_is_readable_by_its_owner_only(database_url, tmp_path):
    from pathlib import Path

    from pollservice.jobs.queue import jobs

    path = tmp_path / "jobs.sqlite3"
    app = make_app(database_url, tmp_path, JOBS_IN_PROCESS=False, JOBS_SQLITE_FILE=str(path))
    jobs(app).huey.pending_count()  # opens (creates) the queue's database
    assert Path(path).stat().st_mode & 0o077 == 0


def test_with_the_limiters_redis_down_login_still_works_and_is_still_limited(
        database_url, tmp_path, admin, caplog):
    """Issue 18, Medium 7: Redis down costs the shared counters, never the login: the
    limiter falls back to counting in this process's memory."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"  # closed again: refused
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=dead)
    client = app.test_client()
    right = client.post("/admin/login", data=admin)
    assert right.status_code == 302, right.get_data(as_text=True)[:500]
    client.post("/admin/logout")
    for _ in range(4):
        wrong = client.post("/admin/login", data={"username": "editor", "password": "wrong-one"})
        assert wrong.status_code == 200
    assert client.post("/admin/login", data=admin).status_code == 429


def test_the_limiters_redis_keys_carry_the_deployments_prefix(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, REDIS_KEY_PREFIX="deploy-7:",
                   RATELIMIT_STORAGE_URI="memory://")
    assert app.config["RATELIMIT_KEY_PREFIX"] == "deploy-7:limiter"
    client = app.test_client()
    client.post("/admin/login", data={"username": "editor", "password": "wrong-one"})
    storage = limiter.storage  # memory:// keeps the keys it was given
    keys = [*storage.storage, *storage.events]
    assert keys and all("deploy-7:limiter/" in key for key in keys), keys


def chunked(app, path: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    """POST ``body`` as gunicorn hands a chunked request to the app: no Content-Length,
    ``wsgi.input_terminated`` set (the test client always sends a Content-Length)."""
    import io

    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(path=path, method="POST", content_type=content_type).get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True,
                    "HTTP_TRANSFER_ENCODING": "chunked"})
    app_iter, status, _headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), b"".join(app_iter)


def test_a_chunked_body_over_the_limit_is_413_and_one_under_it_is_read(app, admin):
    limit = app.config["MAX_CONTENT_LENGTH"]
    status, body = chunked(app, "/admin/login", b"a" * (limit + 1), "application/x-www-form-urlencoded")
    assert status == 413, body[:300]
    status, body = chunked(app, "/api/v1/questions/calexit/polls", b"{" * (limit + 1), "application/json")
    assert status == 413 and b"request_entity_too_large" in body
    form = f"username={admin['username']}&password={admin['password'].replace(' ', '+')}".encode()
    status, _body = chunked(app, "/admin/login", form, "application/x-www-form-urlencoded")
    assert status == 302  # signed in: the body was read whole
