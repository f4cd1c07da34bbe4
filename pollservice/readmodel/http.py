"""HTTP caching for reads that depend on one question's data.

``versioned`` wraps a view taking ``slug``: the response body is kept per (endpoint,
question, data version, query) in the app's body cache, answered with an ``ETag`` and
``Last-Modified`` derived from the data version, a ``Cache-Control`` that lets browsers
and proxies keep it briefly, and ``304 Not Modified`` when the client already has it. On a
hit the database is not touched at all (see ``versions`` for how fresh the version is).
Clients that accept gzip get the body compressed once when it was cached
(``Content-Encoding: gzip``, its own ETag). With ``shared=True`` (charts, whose rendering
is expensive) a body missing from the worker's memory is looked up in the shared cache
(Flask-Caching on Redis when ``REDIS_URL`` is set) before it is computed, and stored there
after: one worker renders a chart, the others reuse it. A Redis failure only costs the
rendering, never the request.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import Request, Response, current_app, g, request
from werkzeug.http import http_date, parse_accept_header, quote_etag
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import shared_cache
from .bodies import Body
from .versions import QuestionState
from .view import question_view

log = logging.getLogger(__name__)

# Bodies worth compressing once, when they are cached (PNG is compressed already).
COMPRESSIBLE = {"application/json", "image/svg+xml", "text/csv"}
MIN_COMPRESS_BYTES = 500
# The URL rules of reads that depend on one question (whose data version gives their time).
QUESTION_RULE = "/questions/<slug>"


def _shared_get(key: str) -> Body | None:
    try:
        entry = shared_cache.get(key)
    except Exception as error:  # the shared cache is an optimisation, never a failure
        log.warning("shared cache unavailable (%s); rendering", error)
        return None
    return entry if isinstance(entry, tuple) and len(entry) == 3 else None


def _shared_set(key: str, body: Body) -> None:
    try:
        shared_cache.set(key, body)
    except Exception as error:
        log.warning("could not store in the shared cache: %s", error)


def _gzipped(body: bytes, mimetype: str | None) -> bytes | None:
    """The gzip representation served to clients that accept it: computed once per cached
    body, so a read never compresses (a 190 KB trend becomes about a tenth)."""
    if mimetype not in COMPRESSIBLE or len(body) < MIN_COMPRESS_BYTES:
        return None
    return gzip.compress(body, compresslevel=6, mtime=0)


@lru_cache(maxsize=1024)  # keys hold query values: bounded in number, not only in bytes
def _etag(key: tuple) -> str:
    """The strong ETag of a cache key (made once per key, not once per request)."""
    return hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()


@lru_cache(maxsize=1024)
def _http_date(moment) -> str:
    return http_date(moment)


@lru_cache(maxsize=256)  # clients send a handful of distinct values
def _accepts_gzip(accept_encoding: str) -> bool:
    return bool(parse_accept_header(accept_encoding)["gzip"])


@lru_cache(maxsize=1024)
def _version_headers(computed_version: int, version: int, computed_at) -> tuple[tuple[str, str], ...]:
    headers = [("Pollservice-Data-Version", str(computed_version)),
               ("Pollservice-Latest-Data-Version", str(version))]
    if computed_at is not None:
        headers.append(("Pollservice-Computed-At", http_date(computed_at)))
    return tuple(headers)


def version_headers(state: QuestionState) -> tuple[tuple[str, str], ...]:
    """Which data version a response reflects (``Pollservice-Data-Version``: that of its
    computed results, 0 before the first), the newest one, and when it was computed."""
    return _version_headers(state.computed_version, state.version, state.computed_at)


def _last_modified(state: QuestionState):
    return max(filter(None, (state.changed_at, state.computed_at)))


def _respond(req: Request, cached: Body, etag: str, state: QuestionState, max_age: int) -> BaseResponse:
    body, mimetype, gzipped = cached
    last_modified = _last_modified(state)
    # The raw environ first for the headers a request usually lacks: asking the parsed
    # properties about an absent header costs more than the answer.
    environ = req.environ
    headers = [
        ("Last-Modified", _http_date(last_modified)),
        ("Cache-Control", f"public, max-age={max_age}"),
        ("Vary", "Accept-Encoding"),
        *version_headers(state),
    ]
    accept_encoding = environ.get("HTTP_ACCEPT_ENCODING")
    if gzipped is not None and accept_encoding and _accepts_gzip(accept_encoding):
        body, etag = gzipped, etag + ":gzip"  # a strong ETag per representation
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("ETag", quote_etag(etag)))
    g.cookie_independent = True  # no Set-Cookie, no Vary: Cookie (security.py)
    response = Response(body, mimetype=mimetype, headers=headers)
    if ((environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE"))
            and (req.if_none_match or req.if_modified_since)):
        return response.make_conditional(req)  # 304 when the client has it
    return response


def conditional(response: Response, max_age_setting: str = "JSON_MAX_AGE") -> BaseResponse:
    """For a read that depends on more than one question's version (lists, site-wide and
    pollster feeds, editions, a poll): an ETag of the body, ``Cache-Control`` and a 304
    when the client has it. The body is made each time; only the transfer is saved."""
    response.add_etag()
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config[max_age_setting]
    return response.make_conditional(request)


def cacheable_reads(response: Response) -> BaseResponse:
    """After every request of a blueprint whose reads must all be cacheable (the API): a
    successful ``GET``/``HEAD`` that ``versioned`` or ``versioned_stream`` did not already
    validate gets ``conditional``'s ETag of its body (and, when it reads one question, that
    question's ``Last-Modified`` and version headers). So every read carries ``ETag``,
    ``Cache-Control`` and answers ``304``, and a new endpoint cannot forget them."""
    if (request.method not in ("GET", "HEAD") or response.status_code != 200 or "ETag" in response.headers
            or response.is_streamed):
        return response
    rule = request.url_rule
    if rule is not None and QUESTION_RULE in rule.rule:  # a read of one question: its time
        state = question_view(request.view_args["slug"]).state  # type: ignore[index]
        response.headers["Last-Modified"] = _http_date(_last_modified(state))
        response.headers.extend(version_headers(state))
    return conditional(response)


def versioned_stream(slug: str, kind: str, respond: Callable[[], Response]) -> BaseResponse:
    """A streamed read of one question (its exports): validated by the question's data
    and computed version like ``versioned`` (ETag, ``Last-Modified``, the version
    headers), without keeping the body. A client that has this version gets a 304 and
    ``respond`` (which would read every poll) is never called."""
    state = question_view(slug).state  # NotFound for an unknown question
    etag = _etag((kind, state.id, state.version, state.computed_version, state.computed_at))
    headers = [("ETag", quote_etag(etag)), ("Last-Modified", _http_date(_last_modified(state))),
               # a download: kept by caches, asked again each time (the 304 is cheap)
               ("Cache-Control", "public, max-age=0, must-revalidate"), *version_headers(state)]
    g.cookie_independent = True
    if request.if_none_match.contains(etag):
        return Response(status=304, headers=headers)
    response = respond()
    response.headers.extend(headers)
    return response


def versioned(max_age_setting: str = "JSON_MAX_AGE", shared: bool = False, args: tuple[str, ...] = ()):
    """``args``: the query parameters the view reads. Only they make the cache key, so
    ``?junk=1``, ``?junk=2``... (which the view ignores) share one entry instead of
    filling the cache and forcing a render each."""
    def decorator(view):
        @wraps(view)
        def wrapper(slug: str, **kwargs):
            read = question_view(slug)
            state, bodies = read.state, read.model.bodies
            req = request._get_current_object()  # type: ignore[attr-defined]  # once, not per use
            query: tuple = ()
            if args and req.environ.get("QUERY_STRING"):
                query = tuple((name, tuple(req.args.getlist(name))) for name in args if name in req.args)
            key = (req.endpoint, state.id, state.version, state.computed_version, state.computed_at,
                   req.path, query)
            etag = _etag(key)
            cached = bodies.get(key)
            if cached is None and shared:
                cached = _shared_get(etag)
                if cached is not None:
                    bodies.put(key, cached)
            if cached is None:
                response = current_app.make_response(view(slug, **kwargs))
                if response.status_code != 200 or response.direct_passthrough:
                    return response
                body = response.get_data()
                cached = (body, response.mimetype, _gzipped(body, response.mimetype))
                bodies.put(key, cached)
                if shared:
                    _shared_set(etag, cached)
            return _respond(req, cached, etag, state, current_app.config[max_age_setting])

        return wrapper

    return decorator
