"""The API's blueprints (see the package docstring), on their own so that the view
modules import them without a cycle."""


from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint as FlaskBlueprint
from flask import current_app, render_template, request, send_from_directory
from flask_smorest import Blueprint
from markdown_it import MarkdownIt
from markupsafe import Markup
from webargs.flaskparser import FlaskParser

from ..domain.json_input import decode_json
from ..readmodel.http import cacheable_reads


class JsonBodyParser(FlaskParser):
    """webargs' parser, with every way a body can fail to decode (nested 100,000 deep,
    a 5,000-digit integer) reported as invalid JSON (a 400), not a 500."""

    def _raw_load_json(self, req):
        # a non-empty document: webargs takes an empty one for "no body" (missing)
        return decode_json(lambda: super(JsonBodyParser, self)._raw_load_json(req), "(body)")


class QueryParser(FlaskParser):
    """webargs' parser for query strings: a bad value is a malformed request, a 400 (its
    default 422 is for a body that is well-formed but invalid)."""

    DEFAULT_VALIDATION_STATUS = 400


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonBodyParser()


class PagedBlueprint(ApiBlueprint):
    """Pagination metadata as plain headers: ``X-Total-Count`` (an integer) and an RFC 8288
    ``Link`` header with ``next``/``prev``/``first``/``last``. (flask-smorest's own
    ``X-Pagination`` header is a JSON string that OpenAPI 3.0 cannot describe as such.)"""

    PAGINATION_HEADER_NAME = "X-Total-Count"
    PAGINATION_ARGUMENTS_PARSER = QueryParser()  # page=0, page_size=5000: 400 (and so documented)

    def _set_pagination_metadata(self, page_params, result, headers):
        headers = dict(headers or {})
        meta = self._make_pagination_metadata(page_params.page, page_params.page_size,
                                              page_params.item_count)
        headers["X-Total-Count"] = str(page_params.item_count)
        links = []
        for rel, key in (("first", "first_page"), ("prev", "previous_page"),
                         ("next", "next_page"), ("last", "last_page")):
            if key in meta:
                args = {**request.args, "page": meta[key], "page_size": page_params.page_size}
                query = urlencode(args)  # percent-encoded: no raw newline or & from the client
                links.append(f'<{request.base_url}?{query}>; rel="{rel}"')
        if links:
            headers["Link"] = ", ".join(links)
        return result, headers

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {}).update({
            "X-Total-Count": {"description": "number of items on all pages",
                              "schema": {"type": "integer", "minimum": 0}},
            "Link": {"description": "RFC 8288 links to the first, previous, next and last pages",
                     "schema": {"type": "string"}},
        })


bp = PagedBlueprint("api", __name__, url_prefix="/api/v1",
               description="Questions, polls, averages, trends and house effects.")
bp.after_request(cacheable_reads)  # every read: ETag, Cache-Control, 304 (readmodel.http)
service_bp = ApiBlueprint("service", __name__, url_prefix="",
                       description="Service health and API documentation.")

# Not part of the OpenAPI document: the page that renders it.
docs_bp = FlaskBlueprint("api_docs", __name__)


@docs_bp.get("/api/docs")
def api_docs():
    """The human-readable API documentation (Swagger UI, served from static/)."""
    return send_from_directory(current_app.static_folder, "api-docs.html")


@lru_cache(maxsize=4)
def _changelog_html(path: Path, modified: float) -> Markup:
    """The changelog rendered once per version of the file (CommonMark, raw HTML escaped)."""
    del modified  # part of the cache key only
    return Markup(MarkdownIt("commonmark", {"html": False}).render(path.read_text(encoding="utf-8")))


@docs_bp.get("/api/changelog")
def api_changelog():
    """docs/API-CHANGELOG.md as a page: what each API version added or changed."""
    path = Path(current_app.root_path).parent / "docs" / "API-CHANGELOG.md"
    body = _changelog_html(path, path.stat().st_mtime)
    return render_template("changelog.html", body=body, version=current_app.config["API_VERSION"])

