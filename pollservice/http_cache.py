"""HTTP caching for reads that depend on one question's data.

``versioned`` wraps a view taking ``slug``: the response body is kept per (endpoint,
question, data version, query) in the worker's memory, answered with an ``ETag`` and
``Last-Modified`` derived from the data version, a ``Cache-Control`` that lets browsers
and proxies keep it briefly, and ``304 Not Modified`` when the client already has it. On a
hit the database is not touched at all (see services.read_cache for how fresh the
version is).
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import Response, current_app, request

from .services import read_cache


def versioned(max_age_setting: str = "JSON_MAX_AGE"):
    def decorator(view):
        @wraps(view)
        def wrapper(slug: str, **kwargs):
            state = read_cache.question_state(slug)
            query = tuple(sorted(request.args.items(multi=True)))
            key = (request.endpoint, state.id, state.version, request.path, query)
            etag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
            cached = read_cache.cached_body(key)
            if cached is None:
                response = current_app.make_response(view(slug, **kwargs))
                if response.status_code != 200 or response.direct_passthrough:
                    return response
                cached = (response.get_data(), response.mimetype)
                read_cache.store_body(key, *cached)
            response = Response(cached[0], mimetype=cached[1])
            response.set_etag(etag)
            response.last_modified = state.changed_at
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config[max_age_setting]
            return response.make_conditional(request)

        return wrapper

    return decorator
