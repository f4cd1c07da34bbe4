"""The Atom feeds a page links to (``<link rel="alternate" type="application/atom+xml">``
in ``base.html``): the site's polls everywhere, and the page's own question, race or
pollster feeds."""

from __future__ import annotations

from flask import request, url_for

from .blueprint import bp

# page endpoint -> (title, feed endpoint) for the feeds of the page's own slug
PAGE_FEEDS = {
    "web.question": (("Polls of this question", "api.question_polls_feed"),
                     ("Average of this question", "api.averages_feed")),
    "web.race": (("Polls of this race", "api.race_polls_feed"),),
    "web.pollster": (("Polls by this pollster", "api.pollster_polls_feed"),),
}


def feed_links() -> list[tuple[str, str]]:
    """(title, URL) of each feed the current page links to."""
    links = [("New and changed polls", url_for("api.site_polls_feed"))]
    slug = (request.view_args or {}).get("slug")
    if slug:
        links += [(title, url_for(endpoint, slug=slug))
                  for title, endpoint in PAGE_FEEDS.get(request.endpoint or "", ())]
    return links


@bp.app_context_processor
def feeds_of_the_page() -> dict:
    return {"feed_links": feed_links}
