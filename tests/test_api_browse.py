"""JSON for browsing: GET /api/v1/races (filters, pagination), /api/v1/search (ranked
questions and races), /api/v1/pollsters (search with aliases), in the OpenAPI document."""

from __future__ import annotations

import pytest
from browse_support import load_races

from pollservice.extensions import db
from pollservice.models import Pollster, PollsterAlias

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)


@pytest.fixture
def races_app(demo_app):
    with demo_app.app_context():
        load_races()
    return demo_app


def test_races_filter_by_cycle_office_place_and_stage_and_paginate(races_app, client):
    response = client.get("/api/v1/races?cycle=2020&office=president&page_size=2")
    assert response.status_code == 200
    assert response.headers["X-Total-Count"] == "3"
    body = response.get_json()
    assert [r["slug"] for r in body] == ["2020-president-general-us", "2020-president-general-oh"]
    assert body[0]["geography"] == "US" and body[0]["election_date"] == "2020-11-03"
    assert set(body[0]["questions"]) == {"2020-president-us-biden-trump", "2020-president-us-sanders-trump"}
    assert 'rel="next"' in response.headers["Link"]
    state = client.get("/api/v1/races?geography=Pennsylvania&stage=general").get_json()
    assert [(r["cycle"], r["geography_name"]) for r in state] == [
        (2020, "Pennsylvania"), (2016, "Pennsylvania")]


@pytest.mark.parametrize("query, field", [("cycle=twenty", "cycle"), ("office=king", "office"),
                                          ("geography=Atlantis", "geography"), ("stage=final", "stage")])
def test_a_bad_race_filter_is_a_400_naming_the_field(races_app, client, query, field):
    response = client.get(f"/api/v1/races?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_search_ranks_questions_and_races(races_app, client):
    body = client.get("/api/v1/search?q=biden pennsylvania").get_json()
    assert body["total"] == 1
    assert body["questions"][0]["slug"] == "2020-president-pa-biden-trump"
    assert body["questions"][0]["race"] == "2020-president-general-pa"
    assert body["races"][0]["slug"] == "2020-president-general-pa"
    wide = client.get("/api/v1/search?q=2020 president&limit=2").get_json()
    assert wide["total"] == 5 and len(wide["questions"]) == 2
    assert not any(q["hypothetical"] for q in wide["questions"])
    missing = client.get("/api/v1/search")
    assert missing.status_code == 400 and "q" in missing.get_json()["error"]["fields"]


def test_pollsters_search_names_and_aliases_and_list_only_published_ones(races_app, client):
    with races_app.app_context():
        rasmussen = db.session.scalar(
            db.select(Pollster).filter_by(name="Rasmussen Reports/Pulse Opinion Research"))
        rasmussen.aliases.append(PollsterAlias(name="Rasmussen Reports", key="rasmussen reports"))
        polls = len(rasmussen.polls)  # the demo's approval polls and the excerpt's two
        db.session.add(Pollster(name="Siena College", slug="siena-college", aliases=[
            PollsterAlias(name="Siena College Research Institute", key="siena college research institute")]))
        db.session.commit()
    found = client.get("/api/v1/pollsters?q=rasmussen reports").get_json()
    assert [(p["name"], p["aliases"], p["polls"]) for p in found] == [
        ("Rasmussen Reports/Pulse Opinion Research", ["Rasmussen Reports"], polls)]
    assert polls > 2
    assert client.get("/api/v1/pollsters?q=siena").get_json() == []  # no published poll
    everyone = client.get("/api/v1/pollsters?page_size=5")
    assert len(everyone.get_json()) == 5 and int(everyone.headers["X-Total-Count"]) > 5


def test_the_new_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/v1/races", "/api/v1/search", "/api/v1/pollsters"):
        assert "get" in paths[path]
