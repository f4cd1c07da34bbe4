"""The JSON API under /api/v1: shapes, values and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from pollservice.services.polls import add_poll


def test_questions_list_has_latest_average_per_choice(demo_app, client):
    response = client.get("/api/v1/questions")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    by_slug = {q["slug"]: q for q in response.get_json()}
    calexit = by_slug["calexit"]
    assert calexit["title"] == "Should California peacefully leave the United States?"
    assert calexit["choices"] == ["Support", "Oppose"]
    support = calexit["latest"]["Support"]
    assert support["lower"] <= support["estimate"] <= support["upper"]
    assert support["as_of"] == "2017-03-31"
    approval = by_slug["trump-approval"]["latest"]
    assert set(approval) == {"Approve", "Disapprove"}
    assert 35 < approval["Approve"]["estimate"] < 50


def test_question_detail_lists_choices_in_order(demo_app, client):
    body = client.get("/api/v1/questions/calexit").get_json()
    assert body["slug"] == "calexit"
    assert body["region"] == "California"
    assert body["choices"] == ["Support", "Oppose"]


def test_polls_are_newest_first_with_the_documented_fields(demo_app, client):
    polls = client.get("/api/v1/questions/calexit/polls").get_json()
    assert [p["end_date"] for p in polls] == ["2017-03-31", "2017-01-31", "2017-01-19"]
    reuters = polls[-1]
    assert reuters["pollster"] == "Reuters/Ipsos"
    assert reuters["start_date"] == "2016-12-06"
    assert reuters["sample_size"] == 500
    assert reuters["population"] == "a"
    assert reuters["results"] == {"Support": 32.0}
    assert {"id", "sponsor", "mode", "source_url"} <= set(reuters)
    unnamed = polls[0]
    assert unnamed["sample_size"] is None  # unknown stays unknown, never 0


def test_average_weighted_as_of_a_date_uses_only_polls_ended_by_then(demo_app, client):
    body = client.get("/api/v1/questions/calexit/average?method=weighted&as_of=2017-01-20").get_json()
    assert body["method"] == "weighted"
    assert body["as_of"] == "2017-01-20"
    support = body["choices"]["Support"]
    assert support["n_polls"] == 1
    assert support["estimate"] == pytest.approx(32.0)
    assert support["lower"] < 32 < support["upper"]
    assert body["choices"]["Oppose"] is None  # no Oppose figure reported by then


@pytest.mark.parametrize("method", ["weighted", "latest", "kalman", "lowess"])
def test_average_and_trend_work_for_every_method(demo_app, client, method):
    average = client.get(f"/api/v1/questions/trump-approval/average?method={method}").get_json()
    approve = average["choices"]["Approve"]
    assert approve["lower"] <= approve["estimate"] <= approve["upper"]
    assert approve["n_polls"] >= 1
    trend = client.get(
        f"/api/v1/questions/trump-approval/trend?method={method}&from=2017-03-01&to=2017-03-31"
    ).get_json()
    series = trend["choices"]["Approve"]
    assert [point["date"] for point in series][:2] == ["2017-03-01", "2017-03-02"]
    assert series[-1]["date"] == "2017-03-31"
    assert len(series) == 31
    for point in series:
        assert point["lower"] <= point["estimate"] <= point["upper"]


def test_trend_defaults_to_every_day_from_first_to_last_poll(demo_app, client):
    body = client.get("/api/v1/questions/trump-approval/trend?method=weighted").get_json()
    series = body["choices"]["Approve"]
    dates = [dt.date.fromisoformat(p["date"]) for p in series]
    assert dates == [dates[0] + dt.timedelta(days=i) for i in range(len(dates))]
    assert dates[0] <= dt.date(2017, 1, 22) and dates[-1] == dt.date(2017, 4, 30)


def test_house_effects_endpoint_lists_pollsters_per_choice(demo_app, client):
    body = client.get("/api/v1/questions/trump-approval/house-effects").get_json()
    rows = body["choices"]["Approve"]
    assert {"pollster", "effect", "lower", "upper", "n_polls"} <= set(rows[0])
    assert "Gallup" in {row["pollster"] for row in rows}


@pytest.mark.parametrize(
    "url, status, field",
    [
        ("/api/v1/questions/nope", 404, "slug"),
        ("/api/v1/questions/nope/polls", 404, "slug"),
        ("/api/v1/questions/nope/average", 404, "slug"),
        ("/api/v1/questions/nope/trend", 404, "slug"),
        ("/api/v1/questions/calexit/average?as_of=2017-13-01", 400, "as_of"),
        ("/api/v1/questions/calexit/average?method=median", 400, "method"),
        ("/api/v1/questions/calexit/trend?from=yesterday", 400, "from"),
        ("/api/v1/questions/calexit/trend?to=2017-02-30", 400, "to"),
        ("/api/v1/questions/calexit/trend?from=2017-03-01&to=2017-02-01", 400, "from"),
        ("/api/v1/questions/calexit/trend?realtime=maybe", 400, "realtime"),
        ("/api/v1/questions/calexit/average?as_of=2010-01-01", 422, "as_of"),
    ],
)
def test_errors_are_json_with_status_code_and_field(demo_app, client, url, status, field):
    response = client.get(url)
    assert response.status_code == status
    assert response.content_type == "application/json"
    error = response.get_json()["error"]
    assert error["code"] and error["message"]
    assert field in error["fields"]


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_new_poll_shows_in_polls_and_average_at_once(demo_app, client):
    before = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    with demo_app.app_context():
        add_poll("calexit", {
            "pollster": "Test Pollster", "start_date": "2017-04-02", "end_date": "2017-04-04",
            "sample_size": "1000", "population": "rv", "results": {"Support": "60", "Oppose": "30"},
        })
    polls = client.get("/api/v1/questions/calexit/polls").get_json()
    assert polls[0]["pollster"] == "Test Pollster"
    after = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    assert after["as_of"] == "2017-04-04"
    assert after["choices"]["Support"]["estimate"] > before["choices"]["Support"]["estimate"]
