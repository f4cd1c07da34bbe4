"""The interactive chart's data (/charts/<slug>/data.json): the same numbers as the API."""

from __future__ import annotations

import datetime as dt

import pytest


def test_chart_data_lines_are_the_apis_trend(demo_app, client):
    data = client.get("/charts/trump-approval/data.json?method=kalman").get_json()
    trend = client.get("/api/v1/questions/trump-approval/trend?method=kalman").get_json()
    assert [c["name"] for c in data["choices"]] == list(trend["choices"])
    for choice in data["choices"]:
        expected = trend["choices"][choice["name"]]
        assert [day[0] for day in choice["line"]] == [day["date"] for day in expected]
        for got, want in zip(choice["line"], expected, strict=True):
            for value, key in zip(got[1:], ("estimate", "lower", "upper"), strict=True):
                assert value == pytest.approx(want[key], abs=1e-9)


def test_chart_data_polls_are_the_questions_counted_polls_with_their_results(demo_app, client):
    data = client.get("/charts/calexit/data.json").get_json()
    listed = client.get("/api/v1/questions/calexit/polls?page_size=100").get_json()
    counted = {p["id"]: p for p in listed if p.get("counted", True)}
    assert {p["id"] for p in data["polls"]} == set(counted)
    poll = data["polls"][0]
    api = counted[poll["id"]]
    assert poll["pollster"] == api["pollster"]
    assert (poll["start"], poll["end"]) == (api["start_date"], api["end_date"])
    start, end = (dt.date.fromisoformat(api[key]) for key in ("start_date", "end_date"))
    assert poll["mid"] == (start + (end - start) / 2).isoformat()  # the dot, as on the static chart
    # each dot's weight in the current average (its area grows with it): a choice's add up to 1
    for choice in data["choices"]:
        total = sum(p["weights"].get(choice["name"], 0.0) for p in data["polls"])
        assert total == pytest.approx(1.0, abs=1e-3), choice["name"]
    assert poll["results"] == pytest.approx(api["results"])
    assert poll["url"] == f"/polls/{poll['id']}"
    assert [p["end"] for p in data["polls"]] == sorted(p["end"] for p in data["polls"])


def test_chart_data_carries_the_margin_line_of_the_api(demo_app, client):
    data = client.get("/charts/trump-approval/data.json?method=kalman").get_json()
    margin = client.get("/api/v1/questions/trump-approval/margin?method=kalman").get_json()
    assert data["margin"]["a"] == margin["average"]["a"]
    last, want = data["margin"]["line"][-1], margin["trend"][-1]
    assert last[0] == want["date"]
    assert last[1] == pytest.approx(want["estimate"], abs=1e-9)


def test_chart_data_range_keeps_polls_and_days_inside_it(demo_app, client):
    data = client.get("/charts/calexit/data.json?from=2017-01-01&to=2017-04-30").get_json()
    assert data["polls"] and all("2017-01-01" <= p["end"] <= "2017-04-30" for p in data["polls"])
    days = [day[0] for choice in data["choices"] for day in choice["line"]]
    assert days and all("2017-01-01" <= d <= "2017-04-30" for d in days)


@pytest.mark.parametrize(
    "url, status",
    [
        ("/charts/nope/data.json", 404),
        ("/charts/calexit/data.json?method=median", 400),
        ("/charts/calexit/data.json?from=bad", 400),
    ],
)
def test_chart_data_refuses_an_unknown_question_and_bad_parameters(demo_app, client, url, status):
    response = client.get(url)
    assert response.status_code == status


def test_a_question_without_a_pair_of_choices_has_chart_data_without_a_margin(demo_app, client):
    """A new question with no polls yet (and one with a single choice) still draws: no
    margin line, instead of a 404 that left the page's console with an error."""
    from pollservice.extensions import db
    from pollservice.services.questions import add_question

    with demo_app.app_context():
        add_question("No polls yet?", ["Yes", "No"], slug="no-polls-yet")
        add_question("One answer?", ["Only"], slug="one-answer")
        db.session.commit()
    for slug in ("no-polls-yet", "one-answer"):
        response = client.get(f"/charts/{slug}/data.json")
        assert response.status_code == 200, slug
        body = response.get_json()
        assert body["margin"] is None and body["polls"] == []
