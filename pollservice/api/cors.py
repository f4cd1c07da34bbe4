"""Cross-origin reads of the public API (CORS, by flask-cors).

A page on any origin may read the JSON, CSV and Atom under ``/api/v1`` and the OpenAPI
document: ``GET``/``HEAD`` answers, and preflights asking for them, carry
``Access-Control-Allow-Origin: *`` and expose the headers a client builds on (``ETag``,
``Last-Modified``, ``X-Total-Count``, ``Link``, the data version). Never with credentials:
reads need none, and ``*`` with credentials is refused by browsers anyway. Writes
(``POST``, ``PATCH``, ``DELETE``) stay same-origin or token-only: neither they nor a
preflight asking for them get any CORS header, so another origin's page cannot send a
token-carrying write from a browser. Pages (``/questions/...``) get none either.

flask-cors decides the headers (origin matching, preflight answers); which requests get
them is decided here, because one URL (``/questions/<slug>/polls``) is both a public read
and a write, and flask-cors' own resources are chosen by path alone.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors.core import get_cors_options, set_cors_headers

READ_METHODS = frozenset({"GET", "HEAD"})
PUBLIC_PREFIXES = ("/api/v1/", "/api/openapi.json")
OPTIONS = {
    "origins": "*",
    "send_wildcard": True,  # "*", never the caller's origin echoed back
    "supports_credentials": False,
    "methods": ["GET", "HEAD", "OPTIONS"],
    "allow_headers": ["Accept", "If-None-Match", "If-Modified-Since"],
    "expose_headers": ["ETag", "Last-Modified", "X-Total-Count", "Link", "Retry-After",
                       "Content-Disposition", "Pollservice-Data-Version",
                       "Pollservice-Latest-Data-Version", "Pollservice-Computed-At"],
    "max_age": 86400,
    "vary_header": False,  # the answer is the same for every origin
}


def is_public_read() -> bool:
    """A read of the public API, or a preflight asking whether one may be sent."""
    if not request.path.startswith(PUBLIC_PREFIXES):
        return False
    method = request.method
    if method == "OPTIONS":
        method = request.headers.get("Access-Control-Request-Method", "").upper()
    return method in READ_METHODS


def init_app(app: Flask) -> None:
    options = get_cors_options(app, OPTIONS)

    @app.after_request
    def cross_origin_reads(response: Response) -> Response:
        if "Origin" in request.headers and is_public_read():
            set_cors_headers(response, options)
        return response
