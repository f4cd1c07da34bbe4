"""Events and Election Day on the charts: an editor marks a dated event on a question's
charts (or on every question of its race); it is in the question's (and race's) API read,
the interactive chart's data and the drawn chart, audited, and removable; bad input gets
its message next to the field and stores nothing. A race with an election date and a
result draws Election Day with each candidate's result (the known truth: 538's result of
the 2020 national race, Biden 51.37, Trump 46.91)."""

from __future__ import annotations

import re

import pytest
from race_support import ELECTION_DAY, RACE_SLUG, RESULT, SLUG, build_race
from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.models import ChartEvent, Question, UserAudit


def event_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(ChartEvent.id))).scalar_one()


def data_version(app, slug: str) -> int:
    with app.app_context():
        return db.session.execute(select(Question.data_version).where(Question.slug == slug)).scalar_one()


def test_an_event_shows_in_the_api_the_chart_data_and_the_chart_and_can_be_removed(demo_app, client,
                                                                                   logged_in):
    before = data_version(demo_app, "calexit")
    response = logged_in.post("/admin/questions/calexit/events", data={
        "day": "2017-01-24", "label": "Reuters poll reported", "scope": "question"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/questions/calexit/edit#events")
    assert data_version(demo_app, "calexit") == before + 1  # its charts are drawn again
    assert client.get("/api/v1/questions/calexit").get_json()["events"] == [
        {"date": "2017-01-24", "label": "Reuters poll reported", "scope": "question"}]
    assert client.get("/charts/calexit/data.json").get_json()["events"] == [
        {"date": "2017-01-24", "label": "Reuters poll reported"}]
    assert "Reuters poll reported" in client.get("/charts/calexit.svg").get_data(as_text=True)
    page = logged_in.get("/admin/questions/calexit/edit").get_data(as_text=True)
    assert "Reuters poll reported" in page and 'id="events"' in page
    with demo_app.app_context():
        event_id = db.session.execute(select(ChartEvent.id)).scalar_one()
    assert logged_in.post(f"/admin/questions/calexit/events/{event_id}/remove").status_code == 302
    assert client.get("/api/v1/questions/calexit").get_json()["events"] == []
    assert "Reuters poll reported" not in client.get("/charts/calexit.svg").get_data(as_text=True)
    with demo_app.app_context():
        actions = db.session.execute(select(UserAudit.action).where(
            UserAudit.action.like("chart_event.%")).order_by(UserAudit.id)).scalars().all()
    assert actions == ["chart_event.add", "chart_event.remove"]


@pytest.mark.parametrize("data, field, message", [
    ({"day": "", "label": "Debate"}, "day", "Enter a date."),
    ({"day": "1900-01-01", "label": "Debate"}, "day", "from 1936-01-01"),
    ({"day": "2017-01-24", "label": ""}, "label", "required"),
    ({"day": "2017-01-24", "label": "x" * 81}, "label", "80"),
    ({"day": "2017-01-24", "label": "Debate", "scope": "race"}, "scope", "no race"),
])
def test_a_bad_event_gets_its_message_next_to_the_field_and_stores_nothing(demo_app, logged_in, data, field,
                                                                            message):
    response = logged_in.post("/admin/questions/calexit/events", data={"scope": "question", **data})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'<p id="{field}-error" class="error" role="alert">([^<]*)</p>', page)
    assert error and message in error.group(1), (field, error and error.group(1))
    assert event_count(demo_app) == 0


def test_an_event_of_another_question_cannot_be_removed_through_this_one(demo_app, logged_in):
    logged_in.post("/admin/questions/calexit/events",
                   data={"day": "2017-01-24", "label": "Mine", "scope": "question"})
    with demo_app.app_context():
        event_id = db.session.execute(select(ChartEvent.id)).scalar_one()
    assert logged_in.post(f"/admin/questions/trump-approval/events/{event_id}/remove").status_code == 404
    assert event_count(demo_app) == 1


def test_a_race_shows_election_day_with_each_result_and_its_events_on_every_question(demo_app, client,
                                                                                    logged_in):
    build_race(demo_app)
    response = logged_in.post(f"/admin/questions/{SLUG}/events",
                              data={"day": "2020-09-29", "label": "First debate", "scope": "race"})
    assert response.status_code == 302
    race = client.get(f"/api/v1/races/{RACE_SLUG}").get_json()
    assert race["events"] == [{"date": "2020-09-29", "label": "First debate", "scope": "race"}]
    assert client.get(f"/api/v1/questions/{SLUG}").get_json()["events"][0]["scope"] == "race"
    data = client.get(f"/charts/{SLUG}/data.json").get_json()
    assert data["election_day"] == ELECTION_DAY.isoformat()
    assert {c["name"]: c["result"] for c in data["choices"]} == {**RESULT, "Amash": None}
    svg = client.get(f"/charts/{SLUG}.svg").get_data(as_text=True)
    assert "Election Day \u25c6 result" in svg and "First debate" in svg
    margin = client.get(f"/charts/{SLUG}.svg?subject=margin").get_data(as_text=True)
    assert "Election Day \u25c6 result" in margin
    # a question with no race has no Election Day
    assert client.get("/charts/calexit/data.json").get_json()["election_day"] is None
    assert "Election Day" not in client.get("/charts/calexit.svg").get_data(as_text=True)
