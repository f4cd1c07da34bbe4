"""The race page and ``GET /api/v1/races/<slug>``: the race, its questions (main first,
hypothetical flagged), its candidates with party and status, and the result beside the
final pre-election average with the error. Known truth: 538's raw-polls.csv gives the 2020
national result as Biden 51.37, Trump 46.91, a margin of 4.46 (its ``margin_actual``)."""

from __future__ import annotations

import pytest
from race_support import RACE_SLUG, RESULT, SLUG, build_race, excerpt_rows
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Question, Race
from pollservice.services.polls import add_poll
from pollservice.services.questions import add_question


@pytest.fixture
def race_app(app):
    build_race(app)
    return app


def add_hypothetical(app) -> None:
    """A match-up that was not the race as it was run, with one poll (Biden v Pence)."""
    with app.app_context():
        question = add_question("2020 U.S. President: Biden v Pence (hypothetical)", ["Biden", "Pence"],
                                slug="2020-president-biden-pence")
        question.race = db.session.execute(select(Race).where(Race.slug == RACE_SLUG)).scalar_one()
        question.hypothetical = True
        db.session.commit()
        add_poll(question.slug, {"pollster": "Emerson College", "start_date": "2020-06-02",
                                 "end_date": "2020-06-03", "population": "rv",
                                 "results": {"Biden": 50, "Pence": 40}})


def test_race_json_gives_the_race_its_questions_and_candidates(race_app, client):
    add_hypothetical(race_app)
    body = client.get(f"/api/v1/races/{RACE_SLUG}").get_json()
    assert (body["cycle"], body["office"], body["geography"], body["stage"]) == (
        2020, "president", "US", "general")
    assert (body["office_name"], body["geography_name"], body["election_date"]) == (
        "President", "United States", "2020-11-03")
    assert [(q["slug"], q["main"], q["hypothetical"]) for q in body["questions"]] == [
        (SLUG, True, False), ("2020-president-biden-pence", False, True)]
    assert body["questions"][0]["poll_count"] == len(excerpt_rows())
    candidates = {c["name"]: c for c in body["candidates"]}
    biden, amash = candidates["Biden"], candidates["Amash"]
    assert biden["party"]["code"] == "DEM" and biden["full_name"] == "Joseph R. Biden Jr."
    assert amash["party"]["name"] == "Libertarian" and amash["status"] == "running"


def test_result_sits_beside_the_final_average_with_the_error(race_app, client):
    result = client.get(f"/api/v1/races/{RACE_SLUG}").get_json()["result"]
    assert [row["candidate"] for row in result["candidates"]] == ["Biden", "Trump"]
    final = client.get(f"/api/v1/questions/{SLUG}/average?as_of=2020-11-03").get_json()["choices"]
    for row in result["candidates"]:
        assert row["vote_share"] == RESULT[row["candidate"]]
        assert row["final_average"] == final[row["candidate"]]
        expected = final[row["candidate"]]["estimate"] - RESULT[row["candidate"]]
        assert row["error"] == pytest.approx(expected, abs=0.01)
    margin = result["margin"]
    assert (margin["leader"], margin["runner_up"], margin["result"]) == ("Biden", "Trump", 4.46)
    assert margin["error"] == pytest.approx(margin["final_average"] - 4.46, abs=0.01)
    assert margin["final_average"] > 0  # the polls had Biden ahead, as he was
    own = client.get(f"/api/v1/questions/{SLUG}/average?as_of=2020-11-03").get_json()["margin"]
    assert (own["a"], own["b"]) == ("Biden", "Trump")  # its own interval, from each poll's difference
    assert (margin["lower"], margin["upper"]) == (own["lower"], own["upper"])
    assert margin["lower"] < margin["final_average"] < margin["upper"]

    page = client.get(f"/races/{RACE_SLUG}").get_data(as_text=True)
    assert "Result and final polling average" in page and "51.37%" in page and "46.91%" in page
    assert f"{final['Biden']['estimate']:.1f}%" in page
    assert "Margin: Biden over Trump" in page and "+4.46" in page
    assert f"{own['lower']:+.1f} to {own['upper']:+.1f}" in page
    assert "Libertarian" in page and "Joseph R. Biden Jr." in page


def test_polls_that_ended_after_election_day_never_enter_the_final_average(race_app, client):
    before = client.get(f"/api/v1/races/{RACE_SLUG}").get_json()["result"]
    with race_app.app_context():
        add_poll(SLUG, {"pollster": "Emerson College", "start_date": "2020-11-05", "end_date": "2020-11-08",
                        "population": "lv", "results": {"Biden": 70, "Trump": 20}})
        assert db.session.execute(select(Question.poll_count).where(Question.slug == SLUG)).scalar_one() == (
            len(excerpt_rows()) + 1)
    after = client.get(f"/api/v1/races/{RACE_SLUG}").get_json()["result"]
    assert after == before


def test_a_race_without_a_result_shows_none(app, client):
    build_race(app, with_result=False)
    assert client.get(f"/api/v1/races/{RACE_SLUG}").get_json()["result"] is None
    page = client.get(f"/races/{RACE_SLUG}").get_data(as_text=True)
    assert "Result and final polling average" not in page and "Candidates" in page


def test_an_unknown_race_is_a_404_naming_the_slug(app, client):
    response = client.get("/api/v1/races/1812-president-us-general")
    assert response.status_code == 404
    assert response.get_json()["error"]["fields"] == {"slug": "unknown race"}
    assert client.get("/races/1812-president-us-general").status_code == 404


def test_the_race_endpoint_is_in_the_openapi_document(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/races/{slug}" in spec["paths"]
    assert "RaceDetail" in spec["components"]["schemas"]



def test_the_question_page_links_to_its_race(race_app, client):
    page = client.get(f"/questions/{SLUG}").get_data(as_text=True)
    assert f'href="/races/{RACE_SLUG}"' in page


def test_the_result_margins_interval_is_the_stored_pairs_either_way_round():
    from pollservice.services.races import _margin

    rows = [{"candidate": "Kemp", "vote_share": 53.4, "final_average": {"estimate": 52.2}},
            {"candidate": "Abrams", "vote_share": 45.9, "final_average": {"estimate": 44.3}}]
    reversed_pair = {"a": "Abrams", "b": "Kemp", "lower": -10.4, "upper": -5.0}
    margin = _margin(rows, reversed_pair)
    assert (margin["lower"], margin["upper"]) == (5.0, 10.4)
    other = _margin(rows, {"a": "Abrams", "b": "Someone", "lower": -1.0, "upper": 1.0})
    assert (other["lower"], other["upper"]) == (None, None)
