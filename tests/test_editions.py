"""Editions: each day's published real-time average is frozen once the day is over, and
later corrections never revise it; the API answers the average as published on a day,
and the averages export gives it "as published" or "as revised"."""

from __future__ import annotations

import csv
import datetime as dt
import io

from race_support import SLUG, build_race
from sqlalchemy import select, update

from pollservice.domain.methods import DEFAULT_METHOD
from pollservice.extensions import db
from pollservice.jobs import queue
from pollservice.models import AverageEdition, ComputedSeries, Question
from pollservice.services.polls import add_poll

TODAY = dt.datetime.now(dt.UTC).date()
YESTERDAY = TODAY - dt.timedelta(days=1)


def current_realtime_averages(app, slug: str = "calexit") -> tuple[int, dict]:
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.slug == slug))
        rows = db.session.execute(
            select(ComputedSeries).where(ComputedSeries.question_id == question.id,
                                         ComputedSeries.data_version == question.computed_version,
                                         ComputedSeries.method == DEFAULT_METHOD,
                                         ComputedSeries.realtime.is_(True))).scalars()
        names = {c.id: c.name for c in question.choices}
        return question.computed_version, {names[r.choice_id]: r.payload.get("average") for r in rows}


def move_editions_to_yesterday(app, slug: str = "calexit") -> None:
    """As if the editions stored so far had been published yesterday; the sweep, run
    today, finalises them."""
    with app.app_context():
        question_id = db.session.scalar(select(Question.id).where(Question.slug == slug))
        db.session.execute(update(AverageEdition).where(AverageEdition.question_id == question_id)
                           .values(day=YESTERDAY))
        db.session.commit()
        queue.sweep(db.session)


def correction(app) -> None:
    with app.app_context():
        add_poll("calexit", {"pollster": "Late Correction", "start_date": "2017-03-01",
                             "end_date": "2017-03-02", "sample_size": "2000", "population": "a",
                             "results": {"Support": "70", "Oppose": "20"}})


def test_the_recompute_stores_todays_edition_and_the_api_returns_it(demo_app, client):
    version, averages = current_realtime_averages(demo_app)
    response = client.get(f"/api/v1/questions/calexit/editions?date={TODAY.isoformat()}")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["question"] == "calexit"
    assert body["date"] == body["published_on"] == TODAY.isoformat()
    assert body["data_version"] == version and body["final"] is False
    assert body["method"] == DEFAULT_METHOD
    assert {name: avg["estimate"] for name, avg in body["averages"].items()} == \
        {name: avg["estimate"] for name, avg in averages.items()}


def test_a_past_days_edition_is_final_and_not_revised_by_a_later_correction(demo_app, client):
    published_version, published = current_realtime_averages(demo_app)
    move_editions_to_yesterday(demo_app)
    correction(demo_app)
    revised_version, revised = current_realtime_averages(demo_app)
    assert revised_version > published_version
    assert revised["Support"]["estimate"] != published["Support"]["estimate"]

    past = client.get(f"/api/v1/questions/calexit/editions?date={YESTERDAY.isoformat()}").get_json()
    assert past["data_version"] == published_version and past["final"] is True
    assert past["averages"]["Support"]["estimate"] == published["Support"]["estimate"]
    today = client.get(f"/api/v1/questions/calexit/editions?date={TODAY.isoformat()}").get_json()
    assert today["data_version"] == revised_version and today["final"] is False
    assert today["averages"]["Support"]["estimate"] == revised["Support"]["estimate"]


def test_a_day_without_a_recompute_answers_the_edition_in_force_that_day(demo_app, client):
    move_editions_to_yesterday(demo_app)
    later = (TODAY + dt.timedelta(days=3)).isoformat()
    body = client.get(f"/api/v1/questions/calexit/editions?date={later}").get_json()
    assert body["date"] == later and body["published_on"] == YESTERDAY.isoformat()
    assert body["final"] is True


def test_editions_answer_404_before_the_first_and_400_for_a_bad_date(demo_app, client):
    response = client.get("/api/v1/questions/calexit/editions?date=2001-01-01")
    assert response.status_code == 404
    assert "2001-01-01" in response.get_json()["error"]["message"]
    for bad in ("2020-13-01", "yesterday", ""):
        response = client.get(f"/api/v1/questions/calexit/editions?date={bad}")
        assert response.status_code == 400, bad
        assert "date" in response.get_data(as_text=True)
    assert client.get("/api/v1/questions/calexit/editions").status_code == 400
    assert client.get(f"/api/v1/questions/nope/editions?date={TODAY}").status_code == 404


def test_the_averages_export_gives_as_published_or_as_revised(demo_app, client):
    published_version, published = current_realtime_averages(demo_app)
    move_editions_to_yesterday(demo_app)
    correction(demo_app)
    rows = {}
    for kind in ("published", "revised"):
        response = client.get(f"/api/v1/questions/calexit/averages.csv?as={kind}")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.mimetype == "text/csv"
        rows[kind] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    yesterday = [r for r in rows["published"]
                 if r["date"] == YESTERDAY.isoformat() and r["choice"] == "Support"]
    assert len(yesterday) == 1
    assert float(yesterday[0]["estimate"]) == published["Support"]["estimate"]
    assert int(yesterday[0]["data_version"]) == published_version
    revised_days = {r["date"] for r in rows["revised"]}
    assert "2017-03-02" in revised_days  # the revised line runs over the polls' dates
    assert client.get("/api/v1/questions/calexit/averages.csv?as=other").status_code == 400


def test_editions_carry_an_etag_and_answer_304(demo_app, client):
    url = f"/api/v1/questions/calexit/editions?date={TODAY.isoformat()}"
    first = client.get(url)
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_candidate_left_out_of_the_published_average_is_null_in_the_edition(app, client):
    build_race(app)
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.slug == SLUG))
        amash = next(c for c in question.choices if c.name == "Amash")
        amash.status, amash.withdrew_on = "withdrew", dt.date(2020, 5, 16)
        db.session.commit()
    body = client.get(f"/api/v1/questions/{SLUG}/editions?date={TODAY.isoformat()}").get_json()
    assert body["averages"]["Amash"] is None
    assert body["averages"]["Biden"]["estimate"] > 0
    published = client.get(f"/api/v1/questions/{SLUG}/average").get_json()["choices"]
    assert {n: a and a["estimate"] for n, a in body["averages"].items()} == \
        {n: a and a["estimate"] for n, a in published.items()}
