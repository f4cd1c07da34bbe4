"""Why the average moved, through the service (issue 17): ``GET .../changes`` answers each
choice's change between two days split into the polls' parts (they add up to the change
of the stored real-time line), with its sentence; the recompute stores the last week's for
the question page; bad days are a 400 naming them."""

from __future__ import annotations

import datetime as dt

import pytest

from pollservice.extensions import db


def realtime_on(client, slug: str, day: str) -> dict[str, float]:
    trend = client.get(f"/api/v1/questions/{slug}/trend?realtime=true").get_json()["choices"]
    return {name: next(d["estimate"] for d in days if d["date"] == day) for name, days in trend.items()}


def test_the_parts_add_up_to_the_change_of_the_real_time_line(demo_app, client):
    body = client.get("/api/v1/questions/trump-approval/changes?from=2017-03-01&to=2017-04-01").get_json()
    assert (body["from"], body["to"], body["method"]) == ("2017-03-01", "2017-04-01", "kalman")
    before, after = realtime_on(client, "trump-approval", "2017-03-01"), realtime_on(client, "trump-approval",
                                                                                     "2017-04-01")
    for name in ("Approve", "Disapprove"):
        change = body["choices"][name]
        parts = change["parts"]
        assert parts["new"] + parts["fading"] + parts["house"] + parts["other"] == pytest.approx(
            change["change"], abs=0.01)
        assert abs(parts["other"]) < 0.01  # kalman's average is exactly its polls' weighted sum
        # the real-time line refits its variances only when the polls (or the pollsters with two
        # of them) have grown by a quarter, the average of a day on that day's polls: they agree
        # to a few hundredths (0.016 and 0.032 points here with the two refit schedules)
        assert change["before"] == pytest.approx(before[name], abs=0.05)
        assert change["after"] == pytest.approx(after[name], abs=0.05)
        assert change["new_polls"] > 10 and change["polls"][0]["contribution"] != 0
        assert change["words"].startswith(f"{name}: ") and "new polls" in change["words"]
    margin = body["margin"]  # approve minus disapprove, its own fit, in margin points
    assert (margin["a"], margin["b"], margin["net"]) == ("Approve", "Disapprove", True)
    parts = margin["parts"]
    assert sum(parts.values()) == pytest.approx(margin["change"], abs=0.01)
    assert margin["change"] == pytest.approx(
        body["choices"]["Approve"]["change"] - body["choices"]["Disapprove"]["change"], abs=1.0)
    assert margin["words"].startswith("Net (Approve \u2212 Disapprove): ")


def test_the_page_says_why_the_average_moved_last_week(demo_app, client):
    """The page reads what a worker stored (the recompute's follow-up job stores the week up to
    the last poll; the API's default asks for the same) and never waits for it."""
    from pollservice.jobs.compute import Engine
    from pollservice.models import Question

    assert 'id="why-it-moved"' not in client.get("/questions/trump-approval").get_data(as_text=True)
    with demo_app.app_context():
        question = db.session.execute(
            db.select(Question).where(Question.slug == "trump-approval")).scalar_one()
        Engine(demo_app).explain_default_change(question.id, question.data_version)
    page = client.get("/questions/trump-approval").get_data(as_text=True)
    body = client.get("/api/v1/questions/trump-approval/changes").get_json()
    last = dt.date.fromisoformat(body["to"])
    assert dt.date.fromisoformat(body["from"]) == last - dt.timedelta(days=7)
    assert 'id="why-it-moved"' in page
    for change in body["choices"].values():
        assert change["words"].replace("'", "&#39;") in page


@pytest.mark.parametrize("query, field", [("from=2017-04-01&to=2017-03-01", "from"),
                                          ("from=2010-01-01&to=2017-03-01", "from"),
                                          ("from=yesterday", "from"), ("method=magic", "method"),
                                          ("to=6894-02-02", "to")])
def test_bad_days_are_a_400_naming_them(demo_app, client, query, field):
    response = client.get(f"/api/v1/questions/trump-approval/changes?{query}")
    assert response.status_code == 400 and field in response.get_json()["error"]["fields"]
