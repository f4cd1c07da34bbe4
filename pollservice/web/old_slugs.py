"""Links that last: a public read under an old slug of a renamed question, race or
pollster answers ``301 Moved Permanently`` to the same address under the current slug,
with its query string, so bookmarks, embeds and API clients keep working.

``moved_url`` is asked by the error handler when a read raised ``NotFound``: a request for
a slug that exists never pays for the lookup.
"""

from __future__ import annotations

from flask import request, url_for

from ..services.slug_redirects import current_slug

# The path segment before ``<slug>`` in a rule, and the kind of row its slug names.
KINDS = {"questions": "question", "charts": "question", "embed": "question",
         "races": "race", "pollsters": "pollster"}


def moved_url() -> str | None:
    """The address this GET or HEAD request moved to, if its ``slug`` is an old one (public
    reads, and an admin edit page)."""
    rule, args = request.url_rule, request.view_args or {}
    if request.method not in ("GET", "HEAD") or rule is None or "slug" not in args:
        return None
    before = rule.rule.split("<slug>")[0].rstrip("/").rsplit("/", 1)[-1]
    kind = KINDS.get(before)
    if kind is None:
        return None
    slug = current_slug(kind, args["slug"])
    if slug is None or slug == args["slug"]:
        return None
    url = url_for(request.endpoint or "", **{**args, "slug": slug})
    query = request.query_string.decode()
    return f"{url}?{query}" if query else url
