"""What every request still gets now that public reads skip the per-request work they do
not need: the security headers on every response, no cookie on public reads (session and
Flask-Login untouched), CSRF on every form write, rate limits wherever they are declared
or configured, compression where it helps, and the read cache's HTTP semantics."""

from __future__ import annotations

import gzip

import pytest

from conftest import make_app

SECURITY_HEADERS = {
    "Content-Security-Policy": None,  # checked below
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
PUBLIC_READS = [
    "/livez",
    "/api/v1/questions/calexit",
    "/api/v1/questions/calexit/average?method=weighted",
    "/api/v1/questions/calexit/trend?method=weighted",
    "/charts/calexit.svg?method=weighted",
]


def assert_security_headers(response, url: str) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert len(response.headers.getlist(name)) == 1, (url, name)
        if value is not None:
            assert response.headers[name] == value, (url, name)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, url


def assert_sets_no_cookie(response, url: str) -> None:
    assert "Set-Cookie" not in response.headers, url
    assert "Cookie" not in response.headers.get("Vary", ""), url


def test_public_reads_computed_cached_gzipped_or_304_set_no_cookie_and_carry_the_security_headers(
        demo_app, client):
    for url in PUBLIC_READS:
        for attempt in ("first", "cached", "gzip"):
            headers = {"Accept-Encoding": "gzip"} if attempt == "gzip" else {}
            response = client.get(url, headers=headers)
            assert response.status_code == 200, (url, attempt)
            assert_sets_no_cookie(response, url)
            assert_security_headers(response, url)
        if url != "/livez":
            etag = client.get(url).headers["ETag"]
            not_modified = client.get(url, headers={"If-None-Match": etag})
            assert not_modified.status_code == 304 and not_modified.data == b"", url
            assert_sets_no_cookie(not_modified, url)
            assert_security_headers(not_modified, url)
    assert client.get_cookie("session") is None


def test_livez_answers_the_same_constant_json_as_before(client):
    response = client.get("/livez")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.data == b'{"status":"ok"}\n'
    assert response.headers["Vary"] == "Accept-Encoding"


def test_a_signed_in_admin_reading_the_api_gets_no_cookie_and_stays_signed_in(demo_app, logged_in):
    for url in PUBLIC_READS:
        response = logged_in.get(url)
        assert response.status_code == 200, url
        assert_sets_no_cookie(response, url)
    page = logged_in.get("/admin/polls")
    assert page.status_code == 200 and "Cookie" in page.headers["Vary"]


def test_pages_still_read_the_session_and_vary_on_the_cookie(demo_app, client):
    page = client.get("/questions/calexit")
    assert page.status_code == 200 and "Cookie" in page.headers["Vary"]
    assert_security_headers(page, "/questions/calexit")
    assert "Set-Cookie" not in page.headers  # an anonymous visitor's session holds nothing


def test_error_pages_and_static_files_carry_the_security_headers(demo_app, client):
    for url in ("/api/v1/questions/nope/average", "/questions/nope", "/nowhere", "/static/style.css"):
        response = client.get(url)
        response.close()  # static files are streamed from an open file
        assert_security_headers(response, url)
    wrong_method = client.delete("/livez")
    assert wrong_method.status_code == 405
    assert_security_headers(wrong_method, "DELETE /livez")


def test_a_view_that_sets_a_security_header_itself_keeps_its_own(app):
    @app.get("/test-only/own-policy")
    def own_policy():
        return "ok", 200, {"Content-Security-Policy": "default-src 'none'", "Referrer-Policy": "no-referrer"}

    response = app.test_client().get("/test-only/own-policy")
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'"]
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_with_csrf_on_reads_make_no_token_and_a_form_write_without_one_is_refused(
        demo_app, database_url, tmp_path, admin):
    secured = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = secured.test_client()
    for url in PUBLIC_READS + ["/questions/calexit"]:
        assert "Set-Cookie" not in client.get(url).headers, url  # no token, so no session
    refused = client.post("/admin/login", data=admin)
    assert refused.status_code == 400
    assert_security_headers(refused, "POST /admin/login")


def test_the_login_limit_still_counts_and_sends_its_headers_and_reads_send_none(
        database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True)
    client = app.test_client()
    attempt = client.post("/admin/login", data={"username": "editor", "password": "wrong-one"})
    assert attempt.headers["X-RateLimit-Limit"] == "5"
    assert attempt.headers["X-RateLimit-Remaining"] == "4"
    read = client.get("/livez")
    assert not any(name.startswith("X-RateLimit") for name in read.headers.keys())
    for _ in range(4):
        client.post("/admin/login", data={"username": "editor", "password": "wrong-one"})
    assert client.post("/admin/login", data=admin).status_code == 429


@pytest.fixture
def default_limit():
    """A deployment's RATELIMIT_DEFAULT; Flask-Limiter keeps default limits on its (one,
    module-level) extension object, so they are taken off again for the next apps."""
    from pollservice.extensions import limiter

    yield "2 per minute"
    limiter.limit_manager.set_default_limits([])


def test_a_configured_default_limit_applies_to_every_endpoint(demo_app, database_url, tmp_path,
                                                              default_limit):
    app = make_app(database_url, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT=default_limit)
    client = app.test_client()
    for url in ("/livez", "/api/v1/questions/calexit"):
        assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429], url


def test_compression_still_applies_where_it_did(demo_app, client):
    trend = "/api/v1/questions/trump-approval/trend"
    plain = client.get(trend)
    # Flask-Compress still serves a client that accepts only br (the cache holds gzip).
    brotli_only = client.get(trend, headers={"Accept-Encoding": "br"})
    assert brotli_only.headers["Content-Encoding"] == "br" and len(brotli_only.data) < len(plain.data)
    # The cached gzip body goes out as it is, not compressed a second time.
    packed = client.get(trend, headers={"Accept-Encoding": "br, gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == plain.data
    # Bodies under COMPRESS_MIN_SIZE are sent as they are, with Vary all the same.
    for url in ("/livez", "/api/v1/questions/calexit"):
        small = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert "Content-Encoding" not in small.headers and "Accept-Encoding" in small.headers["Vary"], url
    page = client.get("/questions/calexit", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert {"Accept-Encoding", "Cookie"} <= {part.strip() for part in page.headers["Vary"].split(",")}


def test_a_cached_read_answers_if_modified_since_and_a_stale_etag(demo_app, client):
    url = "/api/v1/questions/calexit/average?method=weighted"
    first = client.get(url)
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"not-this-one"'})
    assert stale.status_code == 200 and stale.data == first.data
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert stale.headers["Last-Modified"] == first.headers["Last-Modified"]


def test_plain_views_are_used_as_they_are_and_async_ones_still_go_through_flask(app):
    def plain():
        return "ok"

    async def coroutine():
        return "ok"

    assert app.ensure_sync(plain) is plain and app.ensure_sync(plain) is plain
    with pytest.raises(RuntimeError, match="async"):  # Flask's wrapper: needs flask[async]
        app.ensure_sync(coroutine)


def test_the_cached_gzip_body_goes_only_to_clients_that_accept_gzip(demo_app, client):
    url = "/api/v1/questions/trump-approval/trend"
    plain = client.get(url)
    for accept in ("gzip", "GZIP, br", "*", "deflate, gzip;q=0.5"):
        packed = client.get(url, headers={"Accept-Encoding": accept})
        assert packed.headers["Content-Encoding"] == "gzip", accept
        assert gzip.decompress(packed.data) == plain.data, accept
    for accept in ("identity", "deflate"):
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert "Content-Encoding" not in response.headers and response.data == plain.data, accept
