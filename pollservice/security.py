"""Security policy applied to every response, and session cookie settings.

Written out here rather than taken from a library (e.g. flask-talisman) because the one
rule that varies, who may frame a page, depends on the path (only ``/embed/`` may be
framed) and HTTPS is terminated by the proxy in front of gunicorn, so nothing here should
redirect to it; a response to a request that came over HTTPS carries HSTS.
"""

from __future__ import annotations

import json
import tempfile

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wsgi import ClosingIterator

from .domain.errors import error_body

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {frame_ancestors}"
)
EMBED_PREFIX = "/embed/"


def security_headers(embeddable: bool) -> tuple[tuple[str, str], ...]:
    """The headers every response carries; only ``/embed/`` pages may be framed."""
    headers = [("Content-Security-Policy",
                CONTENT_SECURITY_POLICY.format(frame_ancestors="*" if embeddable else "'none'"))]
    if not embeddable:
        headers.append(("X-Frame-Options", "DENY"))
    headers += [("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("Cross-Origin-Opener-Policy", "same-origin")]
    return tuple(headers)


# Made once; with their names in lower case, to see which a response has set itself.
SECURITY_HEADERS = {embeddable: [(name, value, name.lower()) for name, value in security_headers(embeddable)]
                    for embeddable in (False, True)}
# Over TLS only (a browser ignores it over plain HTTP): a year, subdomains included. With
# PROXY_HOPS set, ProxyFix (outside this middleware) has already taken the scheme from the
# proxy's X-Forwarded-Proto.
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains", "strict-transport-security")


class SecurityHeaders:
    """WSGI middleware giving every response the security headers it has not set itself.

    At the WSGI boundary rather than in an ``after_request`` hook: the headers are
    constant tuples appended to the list handed to the server, so a response pays neither
    a hook nor a validation and a copy of each header (werkzeug's ``Headers``). Every
    response of the app passes here, error pages and static files included.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        wanted = SECURITY_HEADERS[environ.get("PATH_INFO", "").startswith(EMBED_PREFIX)]
        if environ.get("wsgi.url_scheme") == "https":
            wanted = [*wanted, HSTS]

        def start_with_security_headers(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            headers.extend((name, value) for name, value, lower in wanted if lower not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_security_headers)


class ChunkedBodyLimit:
    """WSGI middleware holding a chunked request body (no ``Content-Length``) to
    ``MAX_CONTENT_LENGTH`` as werkzeug holds a declared one: 413 when it is longer.

    Werkzeug refuses a declared length over the limit before reading, but a chunked body
    is only cut off where its parsers stop reading, so a form or JSON body over 16 MB came
    out empty or truncated (a 400 naming something else). The body is read here, at most
    the limit plus one byte, into a temporary file (in memory up to 1 MB, on disk beyond),
    and handed on with its length.
    """

    SPOOL_BYTES = 1024 * 1024
    CHUNK_BYTES = 64 * 1024

    def __init__(self, wsgi_app, max_bytes: int | None):
        self.wsgi_app, self.max_bytes = wsgi_app, max_bytes

    def __call__(self, environ, start_response):
        # Only a chunked body: gunicorn sets ``wsgi.input_terminated`` on every request,
        # and a request without a body (every GET) must pass straight through.
        if (self.max_bytes is None or environ.get("CONTENT_LENGTH")
                or "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower()):
            return self.wsgi_app(environ, start_response)
        body = tempfile.SpooledTemporaryFile(max_size=self.SPOOL_BYTES)  # noqa: SIM115 (closed with the response)
        size, source = 0, environ["wsgi.input"]
        while size <= self.max_bytes:
            chunk = source.read(min(self.CHUNK_BYTES, self.max_bytes + 1 - size))
            if not chunk:
                break
            body.write(chunk)
            size += len(chunk)
        if size > self.max_bytes:
            body.close()
            return self.too_large(environ, start_response)
        body.seek(0)
        environ.update({"wsgi.input": body, "CONTENT_LENGTH": str(size)})
        return ClosingIterator(self.wsgi_app(environ, start_response), body.close)

    def too_large(self, environ, start_response):
        message = f"The request body is larger than {self.max_bytes // (1024 * 1024)} MB."
        if environ.get("PATH_INFO", "").startswith("/api/"):
            payload = json.dumps(error_body("request_entity_too_large", message)).encode()
            content_type = "application/json"
        else:
            payload = f"<!doctype html><title>413</title><h1>Too large</h1><p>{message}</p>".encode()
            content_type = "text/html; charset=utf-8"
        start_response("413 Request Entity Too Large",
                       [("Content-Type", content_type), ("Content-Length", str(len(payload))),
                        ("Connection", "close")])
        return [payload]


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a response marked cookie-independent
    (the publicly cacheable API reads and charts, see readmodel/http.py) neither refreshes the
    session cookie nor gets ``Vary: Cookie``: a shared cache must never store an admin's
    ``Set-Cookie`` and hand it to others, and need not keep one copy per cookie.

    A request without a session cookie (every anonymous visitor's) gets a new empty session
    without building the cookie's signing serializer, and a session nobody touched and that
    holds nothing is not saved: Flask would set no cookie and no ``Vary`` for either.
    """

    def open_session(self, app, request):
        # The raw header first: parsing an absent one costs more than the answer.
        if app.secret_key and (not request.environ.get("HTTP_COOKIE")
                               or not request.cookies.get(self.get_cookie_name(app))):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response) -> None:
        if g.get("cookie_independent"):
            return
        if not (session or session.modified or session.accessed):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    # Session cookies travel only over HTTPS outside debug and tests (browsers treat
    # http://127.0.0.1 and http://localhost as secure, so the local run still works).
    secure = not (app.debug or app.testing)
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure

    # Wrapping wsgi_app in middleware is how Flask documents it; mypy sees a method.
    app.wsgi_app = SecurityHeaders(  # type: ignore[method-assign]
        ChunkedBodyLimit(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"]))
