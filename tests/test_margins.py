"""Margins and net values in the API: ``/average``'s ``margin`` (the question's pair) and
``/margin?a=&b=``, served from what the worker stored (issue 12, item 1)."""

from __future__ import annotations

import re

import pytest

from pollservice.domain.margins import Pair, default_pair
from pollservice.domain.methods import METHODS
from tests import race_support


def test_average_has_the_net_margin_of_an_approval_question(demo_app, client):
    body = client.get("/api/v1/questions/trump-approval/average").get_json()
    margin = body["margin"]
    assert (margin["a"], margin["b"], margin["net"]) == ("Approve", "Disapprove", True)
    choices = body["choices"]
    difference = choices["Approve"]["estimate"] - choices["Disapprove"]["estimate"]
    assert margin["estimate"] == pytest.approx(difference, abs=1.0)
    assert -100 <= margin["lower"] < margin["estimate"] < margin["upper"] <= 100
    assert margin["label"] == f"net {margin['estimate']:+.1f}"
    assert margin["text"].startswith(margin["label"] + ", 95% interval ")


@pytest.mark.parametrize("method", METHODS)
def test_margin_endpoint_serves_the_stored_pair_by_every_method(demo_app, client, method):
    body = client.get(f"/api/v1/questions/calexit/margin?method={method}").get_json()
    assert body["method"] == method
    assert (body["average"]["a"], body["average"]["b"]) == ("Support", "Oppose")
    days = [p for p in body["trend"] if p["estimate"] is not None]
    assert days and all(-100 <= p["lower"] <= p["estimate"] <= p["upper"] <= 100 for p in days)


def test_margin_of_the_reversed_pair_is_negated_with_its_bounds_swapped(demo_app, client):
    forward = client.get("/api/v1/questions/trump-approval/margin?a=Approve&b=Disapprove").get_json()
    back = client.get("/api/v1/questions/trump-approval/margin?a=Disapprove&b=Approve").get_json()
    assert (back["average"]["a"], back["average"]["b"]) == ("Disapprove", "Approve")
    assert back["average"]["estimate"] == -forward["average"]["estimate"]
    assert back["average"]["lower"] == -forward["average"]["upper"]
    assert [p["estimate"] for p in back["trend"]] == [
        None if p["estimate"] is None else -p["estimate"] for p in forward["trend"]]


@pytest.mark.parametrize(("query", "status", "field"), [
    ("a=Nobody&b=Approve", 400, "a"),
    ("a=Approve&b=Nobody", 400, "b"),
    ("a=Approve", 400, "b"),
    ("b=Approve", 400, "a"),
    ("a=Approve&b=Approve", 400, "b"),
    ("method=median", 400, "method"),
    ("from=2017-06-01&to=2017-03-01", 400, "from"),
])
def test_margin_refuses_bad_parameters_naming_them(demo_app, client, query, status, field):
    response = client.get(f"/api/v1/questions/trump-approval/margin?{query}")
    assert response.status_code == status
    assert field in response.get_json()["error"]["fields"]


def test_margin_of_an_unknown_question_is_404(client):
    assert client.get("/api/v1/questions/nope/margin").status_code == 404


def test_a_race_shows_its_two_leading_candidates_and_refuses_other_pairs(app, client):
    race_support.build_race(app)
    body = client.get(f"/api/v1/questions/{race_support.SLUG}/average").get_json()
    margin = body["margin"]
    assert (margin["a"], margin["b"], margin["net"]) == ("Biden", "Trump", False)
    assert margin["label"] == f"Biden +{margin['estimate']:.1f}"
    line = client.get(f"/api/v1/questions/{race_support.SLUG}/margin").get_json()["trend"]
    before = [p for p in line if p["outcome_lower"] is not None]
    assert before and all(p["outcome_lower"] <= p["lower"] and p["upper"] <= p["outcome_upper"]
                          for p in before)  # the election-day interval of the margin
    other = client.get(f"/api/v1/questions/{race_support.SLUG}/margin?a=Biden&b=Amash")
    assert other.status_code == 422
    assert "b" in other.get_json()["error"]["fields"]


@pytest.mark.jobs_run(False)
def test_margin_before_the_first_recompute_is_not_ready_and_computes_nothing(app, client):
    race_support.build_race(app)  # imported; no worker has taken its recompute
    response = client.get(f"/api/v1/questions/{race_support.SLUG}/margin")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "not_ready"


def test_question_page_reads_the_margin_and_links_its_chart(demo_app, client):
    average = client.get("/api/v1/questions/trump-approval/average").get_json()["margin"]
    page = client.get("/questions/trump-approval").get_data(as_text=True)
    assert average["text"] in page  # "net -9.8, 95% interval -12.0 to -7.6"
    assert "subject=margin" in page


def test_race_page_reads_the_leaders_margin(app, client):
    race_support.build_race(app)
    page = client.get(f"/races/{race_support.RACE_SLUG}").get_data(as_text=True)
    assert re.search(r"Biden \+\d+\.\d, 95% interval [+\u2212-]?\d+\.\d to \+\d+\.\d", page)


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_margin_chart_is_drawn_with_its_band_and_zero_line(demo_app, client, fmt):
    response = client.get(f"/charts/trump-approval.{fmt}?subject=margin")
    assert response.status_code == 200
    assert response.mimetype == ("image/svg+xml" if fmt == "svg" else "image/png")
    if fmt == "svg":
        text = response.get_data(as_text=True)
        assert "Margin chart: net " in text  # the <desc>
        shares = client.get("/charts/trump-approval.svg").get_data(as_text=True)
        assert text != shares


def test_chart_subject_must_be_shares_or_margin(demo_app, client):
    response = client.get("/charts/trump-approval.svg?subject=difference")
    assert response.status_code == 400


def test_the_margin_endpoint_and_field_are_in_the_openapi_document(client):
    document = client.get("/api/openapi.json").get_json()
    operation = document["paths"]["/api/v1/questions/{slug}/margin"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"a", "b", "method", "realtime", "from", "to"}
    assert {"200", "400", "422", "503"} <= set(operation["responses"])
    assert "margin" in document["components"]["schemas"]["Average"]["properties"]
    assert document["info"]["version"] >= "1.4.0"  # margins came with 1.4.0


def test_average_as_of_an_earlier_day_has_that_days_real_time_margin(demo_app, client):
    line = client.get("/api/v1/questions/trump-approval/margin?realtime=true").get_json()["trend"]
    day = next(p for p in line[len(line) // 2:] if p["estimate"] is not None)
    body = client.get(f"/api/v1/questions/trump-approval/average?as_of={day['date']}").get_json()
    assert body["margin"]["as_of"] == day["date"]
    assert body["margin"]["estimate"] == pytest.approx(day["estimate"], abs=1e-3)
    assert body["margin"]["lower"] == pytest.approx(day["lower"], abs=1e-3)


def _margin_rows(app, slug: str, change) -> None:
    """Apply ``change`` to the stored margin rows of question ``slug``, as a question stored
    before margins existed (rows deleted) or one without a pair (empty rows) has them."""
    from sqlalchemy import select

    from pollservice.extensions import db
    from pollservice.models import ComputedSeries, Question

    with app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == slug)).scalar_one()
        rows = db.session.execute(select(ComputedSeries).where(
            ComputedSeries.question_id == question.id,
            ComputedSeries.method.like("margin:%"))).scalars().all()
        assert rows
        for row in rows:
            change(row)
        db.session.commit()


def test_margin_of_a_question_computed_before_margins_is_not_ready_not_a_422(app, client):
    """A question last computed by a release without margins has share series and no
    margin rows: the margin is not computed yet (503 with Retry-After), not refused."""
    from pollservice.extensions import db

    race_support.build_race(app)
    _margin_rows(app, race_support.SLUG, db.session.delete)
    response = client.get(f"/api/v1/questions/{race_support.SLUG}/margin")
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "not_ready" and response.headers["Retry-After"]
    assert client.get(f"/api/v1/questions/{race_support.SLUG}/average").get_json()["margin"] is None


def test_margin_of_a_question_with_no_pair_is_404_without_parameters(app, client):
    race_support.build_race(app)

    def empty(row):
        row.payload = {"empty": True}
    _margin_rows(app, race_support.SLUG, empty)
    response = client.get(f"/api/v1/questions/{race_support.SLUG}/margin")
    assert response.status_code == 404, response.get_json()
    assert "no margin" in response.get_json()["error"]["message"]
    named = client.get(f"/api/v1/questions/{race_support.SLUG}/margin?a=Biden&b=Trump")
    assert named.status_code == 422 and "a" in named.get_json()["error"]["fields"]


def test_the_default_pair_is_two_choices_never_the_undecided():
    """A primary where "Undecided" runs second: the margin is between the two leading
    candidates (a pure rule of names and averages, ``domain.margins``)."""
    choices = ["Smith", "Undecided", "Jones", "Don't know"]
    estimates = {"Smith": 30.0, "Undecided": 28.0, "Jones": 20.0, "Don't know": 22.0}
    assert default_pair(choices, estimates, is_race=True) == Pair("Smith", "Jones")
    assert default_pair(["Smith", "Undecided"], {"Smith": 30.0, "Undecided": 28.0}, True) is None
