"""The read side of the API's contract (issue 15): every GET under ``/api/v1`` can be cached
and revalidated, public reads may be read from another origin (writes may not), every bad
query parameter is a 400 naming it, filters take slugs and names in any case, and the
documentation renders (markdown, a changelog link, a favicon)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from race_support import RACE_SLUG, SLUG, build_race

ORIGIN = "https://newsroom.example"
# Path arguments of the demo data, by the converter's argument name and the path's collection.
PATH_ARGS = {"questions": {"slug": "calexit"},
             "races": {"slug": RACE_SLUG, "cycle": "2020", "office": "president"},
             "pollsters": {"slug": "gallup"}, "polls": {"poll_id": "1"}}
REQUIRED_QUERY = {"api.edition": "?date=2099-01-01", "api.search": "?q=trump", "api.compare": f"?q={SLUG}"}


def api_get_rules(app) -> list:
    return sorted((rule for rule in app.url_map.iter_rules()
                   if rule.endpoint.startswith("api.") and "GET" in rule.methods),
                  key=lambda rule: rule.rule)


def url_of(rule) -> str:
    collection = rule.rule.removeprefix("/api/v1/").split("/")[0]
    url = rule.rule
    for name in rule.arguments:
        value = PATH_ARGS[collection][name]
        url = re.sub(rf"<(\w+:)?{name}>", value, url)
    return url + REQUIRED_QUERY.get(rule.endpoint, "")


def test_every_api_get_carries_etag_cache_control_and_answers_304(demo_app, client):
    build_race(demo_app)  # the demo template has no race
    rules = api_get_rules(demo_app)
    assert len(rules) >= 18
    for rule in rules:
        url = url_of(rule)
        response = client.get(url)
        assert response.status_code == 200, (url, response.data[:300])
        body = response.get_data()
        etag = response.headers.get("ETag")
        assert etag and etag.startswith('"'), (url, "ETag")
        cache_control = response.headers.get("Cache-Control", "")
        assert "public" in cache_control and "max-age=" in cache_control, (url, cache_control)
        if rule.rule.startswith("/api/v1/questions/<slug>"):
            assert response.headers.get("Last-Modified"), (url, "Last-Modified")
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, (url, again.status_code)
        assert again.get_data() == b"" and again.headers["ETag"] == etag, url
        changed = client.get(url, headers={"If-None-Match": '"another-version"'})
        assert changed.status_code == 200, url
        assert _without_export_time(changed.get_data()) == _without_export_time(body), url


def _without_export_time(body: bytes) -> bytes:
    """An export's body less its ``exported_at`` (the second of the request: two requests
    may straddle a second; CI failed on it once)."""
    return re.sub(rb'"exported_at": "[^"]*"', b'"exported_at": ""', body)


def test_a_list_keeps_its_pagination_headers_on_a_304(demo_app, client):
    first = client.get("/api/v1/questions/trump-approval/polls?page_size=5")
    again = client.get("/api/v1/questions/trump-approval/polls?page_size=5",
                       headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["X-Total-Count"] == first.headers["X-Total-Count"]


# --- CORS --------------------------------------------------------------------------------

def test_public_reads_may_be_read_from_any_origin_without_credentials(demo_app, client):
    for url in ("/api/v1/questions", "/api/v1/questions/calexit/trend", "/api/v1/questions/calexit/polls.csv",
                "/api/v1/questions/nope"):
        response = client.get(url, headers={"Origin": ORIGIN})
        assert response.headers.get("Access-Control-Allow-Origin") == "*", url
        assert "Access-Control-Allow-Credentials" not in response.headers, url
        exposed = {name.strip().lower() for name in
                   response.headers.get("Access-Control-Expose-Headers", "").split(",")}
        assert {"etag", "last-modified", "x-total-count", "link", "pollservice-data-version"} <= exposed, url
    preflight = client.options("/api/v1/questions/calexit/polls", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == "*"
    assert "GET" in preflight.headers.get("Access-Control-Allow-Methods", "")
    assert "if-none-match" in preflight.headers.get("Access-Control-Allow-Headers", "").lower()
    assert "Access-Control-Allow-Credentials" not in preflight.headers


@pytest.mark.parametrize(("method", "url"), [
    ("POST", "/api/v1/questions/calexit/polls"),
    ("PATCH", "/api/v1/polls/1"),
    ("DELETE", "/api/v1/polls/1"),
    ("POST", "/api/v1/polls/1/restore"),
])
def test_writes_give_another_origin_no_cors_permission(demo_app, client, method, url):
    preflight = client.options(url, headers={"Origin": ORIGIN, "Access-Control-Request-Method": method,
                                             "Access-Control-Request-Headers": "Authorization, Content-Type"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers
    sent = client.open(url, method=method, headers={"Origin": ORIGIN}, json={})
    assert sent.status_code == 401  # no token
    assert "Access-Control-Allow-Origin" not in sent.headers


def test_pages_send_no_cors_headers(demo_app, client):
    response = client.get("/questions/calexit", headers={"Origin": ORIGIN})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


# --- bad query parameters ----------------------------------------------------------------

@pytest.mark.parametrize(("url", "field", "says"), [
    ("/api/v1/questions?page=0", "page", "greater than or equal to 1"),
    ("/api/v1/questions?page=abc", "page", "integer"),
    ("/api/v1/questions?page_size=5000", "page_size", "less than or equal to 1000"),
    ("/api/v1/questions/calexit/polls?page_size=0", "page_size", "greater than or equal to 1"),
    ("/api/v1/races?page=-1", "page", "greater than or equal to 1"),
    ("/api/v1/pollsters?page_size=x", "page_size", "integer"),
    ("/api/v1/questions/calexit/trend?method=mean", "method", "kalman"),
    ("/api/v1/questions/calexit/average?as_of=2017-02-30", "as_of", "date"),
    ("/api/v1/questions/calexit/polls?from=yesterday", "from", "date"),
    ("/api/v1/questions/calexit/polls?population=everyone", "population", "lv"),
    ("/api/v1/questions/calexit/trend?realtime=maybe", "realtime", "boolean"),
    ("/api/v1/questions/calexit/averages.csv?as=draft", "as", "published"),
    ("/api/v1/races?office=emperor", "office", "president"),
])
def test_a_bad_query_parameter_is_a_400_naming_it_and_what_is_allowed(demo_app, client, url, field, says):
    response = client.get(url)
    assert response.status_code == 400, (url, response.data)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert "body" not in error["message"]
    assert field in error["fields"], error
    assert says.lower() in error["fields"][field].lower(), error


@pytest.mark.parametrize("url", [
    "/api/v1/questions/calexit/polls?from=2017-03-01&to=2017-01-01",
    "/api/v1/questions/calexit/trend?from=2017-03-01&to=2017-01-01",
])
def test_from_after_to_is_a_400_naming_both(demo_app, client, url):
    response = client.get(url)
    assert response.status_code == 400, response.data
    fields = response.get_json()["error"]["fields"]
    assert "from" in fields and "to" in fields, fields
    assert "2017-03-01" in fields["from"] and "2017-01-01" in fields["from"]


def test_unknown_query_parameters_are_ignored(demo_app, client):
    plain = client.get("/api/v1/questions/calexit/polls")
    assert client.get("/api/v1/questions/calexit/polls?utm_source=x").get_json() == plain.get_json()


# --- filters -----------------------------------------------------------------------------

def test_the_pollster_filter_takes_the_slug_or_the_name_in_any_case(demo_app, client):
    base = "/api/v1/questions/trump-approval/polls?page_size=1000&pollster="
    answers = [client.get(base + value) for value in ("gallup", "Gallup", "GALLUP", "%20Gallup%20")]
    assert all(answer.status_code == 200 for answer in answers)
    polls = answers[0].get_json()
    assert polls and {poll["pollster"] for poll in polls} == {"Gallup"}
    assert all(answer.get_json() == polls for answer in answers)
    by_slug = client.get(base + "rasmussen-reports-pulse-opinion-research")
    by_name = client.get(base + "RASMUSSEN%20reports/pulse%20opinion%20research")
    assert by_slug.get_json() and by_slug.get_json() == by_name.get_json()
    assert {p["pollster"] for p in by_slug.get_json()} == {"Rasmussen Reports/Pulse Opinion Research"}


def test_an_unknown_pollster_filter_is_a_404_naming_it(demo_app, client):
    response = client.get("/api/v1/questions/trump-approval/polls?pollster=Nobody%20Polls")
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert "Nobody Polls" in error["message"] and "pollster" in error["fields"]


def test_the_race_filter_of_questions_takes_the_slug_in_any_case_and_404s_an_unknown_one(demo_app, client):
    build_race(demo_app)
    everything = client.get("/api/v1/questions").get_json()
    assert len(everything) == 3
    for value in (RACE_SLUG, RACE_SLUG.upper(), f" {RACE_SLUG} "):
        found = client.get("/api/v1/questions", query_string={"race": value})
        assert found.status_code == 200 and [q["slug"] for q in found.get_json()] == [SLUG], value
    unknown = client.get("/api/v1/questions?race=2020-president-narnia")
    assert unknown.status_code == 404
    assert "race" in unknown.get_json()["error"]["fields"]


def test_the_race_filters_take_names_in_any_case(demo_app, client):
    build_race(demo_app)
    races = client.get("/api/v1/races?office=president&stage=general").get_json()
    expected = [race["slug"] for race in races]
    assert expected == [RACE_SLUG]
    for query in ("office=President&stage=General", "office=PRESIDENT&geography=united%20states"):
        assert [r["slug"] for r in client.get(f"/api/v1/races?{query}").get_json()] == expected, query


# --- documentation -----------------------------------------------------------------------

def test_the_openapi_document_is_markdown_and_links_the_changelog(demo_app, client):
    spec = client.get("/api/openapi.json")
    text = spec.get_data(as_text=True)
    assert "``" not in text  # reStructuredText literals rendered as markdown code spans
    document = spec.get_json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "patch", "delete"):
                assert "`" not in operation.get("summary", ""), (path, method)  # plain text
    assert "as_of" in document["paths"]["/api/v1/questions/{slug}/average"]["get"]["summary"]
    described = [operation.get("description", "") for operations in document["paths"].values()
                 for method, operation in operations.items() if method in ("get", "post", "patch", "delete")]
    assert any(re.search(r"(?<!`)`[a-z_:.]+`(?!`)", text) for text in described)  # markdown code
    assert document["info"]["version"] == demo_app.config["API_VERSION"] == "1.5.0"
    link = re.search(r"\[[^\]]*changelog[^\]]*\]\(([^)]+)\)", document["info"]["description"], re.I)
    assert link, document["info"]["description"]
    changelog = client.get(link.group(1))
    assert changelog.status_code == 200 and changelog.mimetype == "text/html"
    page = changelog.get_data(as_text=True)
    assert "<h2" in page and "1.5.0 (2026-12-03)" in page and "1.4.0 (2026-12-02)" in page
    assert "<code>" in page
    assert 'rel="icon"' in page


def test_the_changelog_names_the_version_the_code_serves(demo_app):
    changelog = Path(__file__).resolve().parents[1] / "docs" / "API-CHANGELOG.md"
    # "## Unreleased" (changes made since, not yet given a version) may come first
    first = re.search(r"^## (?!Unreleased$)(\S+)", changelog.read_text(encoding="utf-8"), re.M)
    assert first and first.group(1) == demo_app.config["API_VERSION"]


def test_the_docs_page_links_the_changelog_and_the_favicon(demo_app, client):
    with client.get("/api/docs") as response:
        page = response.get_data(as_text=True)
    assert 'href="/api/changelog"' in page and 'rel="icon"' in page
    with client.get("/static/api-docs.js") as response:
        assert "SwaggerUIBundle" in response.get_data(as_text=True)


def test_the_favicon_is_served_at_favicon_ico_and_linked_from_every_layout(demo_app, client):
    with client.get("/favicon.ico") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data().startswith(b"<svg")
        assert "max-age" in icon.headers.get("Cache-Control", "")
    for url in ("/", "/questions/calexit", "/embed/calexit", "/api/docs", "/api/changelog"):
        with client.get(url) as page:
            assert 'rel="icon"' in page.get_data(as_text=True), url


def test_dates_in_the_contract_are_iso(demo_app, client):
    """A sanity check the walker relies on: a far-future edition day is the latest edition."""
    response = client.get("/api/v1/questions/calexit/editions?date=2099-01-01")
    assert response.status_code == 200
    assert dt.date.fromisoformat(response.get_json()["published_on"]) <= dt.date(2099, 1, 1)
