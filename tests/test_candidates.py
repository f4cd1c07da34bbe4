"""Candidates: a withdrawn candidate leaves the current average and its line ends on the
day it withdrew; one no poll has included in the last 60 days of polling leaves the
current average too; pages and JSON say why; the admin form edits a candidate's party,
full name and status; charts colour candidates by party.

Known truth: Justin Amash withdrew on 2020-05-16; the excerpt's last poll with Amash ended
on the date ``last_poll_with("Amash")`` reads from the file, months before its last poll.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib import image as mpimg
from race_support import SLUG, build_race, excerpt_rows, last_poll_with
from sqlalchemy import select

from pollservice.domain.vocabulary import PARTIES
from pollservice.extensions import db
from pollservice.models import Choice, Question
from pollservice.render import PALETTE, ChoiceSeries, render_trend_chart

WITHDREW = dt.date(2020, 5, 16)


@pytest.fixture
def race_app(app):
    build_race(app)
    return app


def set_choice(app, name: str, **values) -> None:
    with app.app_context():
        choice = db.session.execute(
            select(Choice).join(Question).where(Question.slug == SLUG, Choice.name == name)).scalar_one()
        for key, value in values.items():
            setattr(choice, key, value)
        db.session.commit()


def test_a_candidate_in_no_poll_for_60_days_leaves_the_current_average_and_the_page_says_since(
        race_app, client):
    amash_last = last_poll_with("Amash")
    last = max(dt.date.fromisoformat(row["end_date"]) for row in excerpt_rows())
    assert (last - amash_last).days > 60
    body = client.get(f"/api/v1/questions/{SLUG}/average").get_json()
    assert body["choices"]["Amash"] is None
    assert body["excluded"] == {"Amash": {"reason": "no_recent_poll", "since": amash_last.isoformat(),
                                          "message": f"in no poll since {amash_last.isoformat()}"}}
    assert body["choices"]["Biden"]["estimate"] > body["choices"]["Trump"]["estimate"]
    page = client.get(f"/questions/{SLUG}").get_data(as_text=True)
    assert ('Amash: <span class="excluded">not in the current average: '
            f"in no poll since {amash_last}") in page
    # an average as of a day when Amash was still polled includes him
    then = client.get(f"/api/v1/questions/{SLUG}/average?as_of={amash_last}").get_json()
    assert then["choices"]["Amash"]["n_polls"] >= 1 and then["excluded"] == {}


def test_a_withdrawn_candidate_leaves_the_average_and_the_line_ends_on_that_day(race_app, client):
    before = client.get(f"/api/v1/questions/{SLUG}/trend").get_json()["choices"]["Amash"]
    assert before[-1]["date"] == last_poll_with("Amash").isoformat()
    # Amash's last poll ended on the day he withdrew; a withdrawal inside the line cuts it there
    inside = dt.date(2020, 5, 1)
    assert before[0]["date"] < inside.isoformat()
    set_choice(race_app, "Amash", status="withdrew", withdrew_on=inside)
    cut = client.get(f"/api/v1/questions/{SLUG}/trend").get_json()["choices"]["Amash"]
    assert cut[-1]["date"] == inside.isoformat() and cut == before[:len(cut)]
    assert "withdrew on 2020-05-01" in client.get(f"/questions/{SLUG}").get_data(as_text=True)
    set_choice(race_app, "Amash", status="withdrew", withdrew_on=WITHDREW)

    trend = client.get(f"/api/v1/questions/{SLUG}/trend").get_json()["choices"]
    assert trend["Amash"][-1]["date"] == WITHDREW.isoformat()
    assert trend["Biden"][-1]["date"] == max(row["end_date"] for row in excerpt_rows())
    body = client.get(f"/api/v1/questions/{SLUG}/average").get_json()
    assert body["choices"]["Amash"] is None
    assert body["excluded"]["Amash"]["message"] == "withdrew on 2020-05-16"
    early = client.get(f"/api/v1/questions/{SLUG}/average?as_of=2020-05-10").get_json()
    assert early["choices"]["Amash"] is not None and "Amash" not in early["excluded"]
    late = client.get(f"/api/v1/questions/{SLUG}/average?as_of=2020-05-16").get_json()
    assert late["choices"]["Amash"] is None and late["excluded"]["Amash"]["reason"] == "withdrew"
    page = client.get(f"/questions/{SLUG}").get_data(as_text=True)
    assert "not in the current average: withdrew on 2020-05-16" in page
    listed = client.get("/api/v1/questions").get_json()
    latest = next(q for q in listed if q["slug"] == SLUG)["latest"]
    assert latest["Amash"] is None and latest["Biden"] is not None


def test_the_chart_draws_candidates_in_their_party_colours(race_app, client):
    png = client.get(f"/charts/{SLUG}.png").data
    rgb = (mpimg.imread(io.BytesIO(png))[..., :3] * 255).round().astype(int).reshape(-1, 3)

    def pixels_of(colour: str) -> int:
        wanted = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(rgb - wanted).sum(axis=1) <= 6).sum())

    assert pixels_of(PARTIES["DEM"].colour) > 200 and pixels_of(PARTIES["REP"].colour) > 200
    assert pixels_of(PALETTE[1]) < 20  # Trump is no longer in the second position's colour
    page = client.get(f"/questions/{SLUG}").get_data(as_text=True)
    assert re.search(r'class="choice-0 party-DEM"', page)


def test_a_second_candidate_of_one_party_keeps_its_position_colour(race_app, client):
    set_choice(race_app, "Amash", party="REP")  # after Trump, the first Republican
    page = client.get(f"/questions/{SLUG}").get_data(as_text=True)
    classes = dict((name, cls) for cls, name in re.findall(
        r'<li class="([^"]*)">(?:<strong>)?(\w+)', page))
    assert "party-REP" in classes["Trump"] and "party-DEM" in classes["Biden"]
    assert "party-" not in classes["Amash"] and classes["Amash"].startswith("choice-")


def test_renderer_takes_a_colour_per_series_and_refuses_a_bad_one():
    trend = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=30),
                          "estimate": np.linspace(40, 50, 30), "lower": np.linspace(38, 48, 30),
                          "upper": np.linspace(42, 52, 30)})
    empty = pd.DataFrame({"date": pd.to_datetime([]), "pct": []})
    png = render_trend_chart("Colours", [ChoiceSeries("A", trend, empty, color="#b2182b")])
    rgb = (mpimg.imread(io.BytesIO(png))[..., :3] * 255).round().astype(int).reshape(-1, 3)
    assert (np.abs(rgb - np.array([0xB2, 0x18, 0x2B])).sum(axis=1) <= 6).sum() > 200
    with pytest.raises(ValueError, match="color of 'A' must be a colour"):
        render_trend_chart("Colours", [ChoiceSeries("A", trend, empty, color="not-a-colour")])


def edit_form(question, **changes) -> dict[str, str]:
    """The question form's data as stored, with ``changes`` (``"choices-2-status": ...``)."""
    data = {"title": question.title, "slug": question.slug, "region": question.region,
            "description": question.description, "new_choices": ""}
    for i, c in enumerate(question.choices):
        data.update({f"choices-{i}-id": str(c.id), f"choices-{i}-name": c.name,
                     f"choices-{i}-full_name": c.full_name, f"choices-{i}-party": c.party or "",
                     f"choices-{i}-status": c.status,
                     f"choices-{i}-withdrew_on": c.withdrew_on.isoformat() if c.withdrew_on else ""})
    data.update(changes)
    return data


def stored_choices(app) -> dict[str, tuple]:
    with app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == SLUG)).scalar_one()
        return {c.name: (c.full_name, c.party, c.status, c.withdrew_on) for c in question.choices}


def test_admin_sets_party_full_name_status_and_withdrawal_with_messages_next_to_the_field(
        race_app, logged_in):
    page = logged_in.get(f"/admin/questions/{SLUG}/edit").get_data(as_text=True)
    assert 'name="choices-2-withdrew_on"' in page and "Joseph R. Biden Jr." in page
    with race_app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == SLUG)).scalar_one()
        good = edit_form(question, **{"choices-2-status": "withdrew", "choices-2-withdrew_on": "2020-05-16",
                                      "choices-2-full_name": "Justin A. Amash"})
        no_date = edit_form(question, **{"choices-2-status": "withdrew"})
        date_only = edit_form(question, **{"choices-0-withdrew_on": "2020-04-08"})
        bad_party = edit_form(question, **{"choices-1-party": "WHIG", "choices-1-withdrew_on": "soon"})
    before = stored_choices(race_app)

    response = logged_in.post(f"/admin/questions/{SLUG}/edit", data=no_date)
    assert response.status_code == 200
    assert re.search(r'id="choices-2-withdrew_on-error" class="error" role="alert">Is required for a '
                     r'candidate who withdrew', response.get_data(as_text=True))
    response = logged_in.post(f"/admin/questions/{SLUG}/edit", data=date_only)
    assert re.search(r'id="choices-0-withdrew_on-error"[^>]*>Is only for a candidate who withdrew',
                     response.get_data(as_text=True))
    text = logged_in.post(f"/admin/questions/{SLUG}/edit", data=bad_party).get_data(as_text=True)
    assert 'id="choices-1-withdrew_on-error"' in text  # not a date: the form says so
    assert stored_choices(race_app) == before  # nothing half-written

    assert logged_in.post(f"/admin/questions/{SLUG}/edit", data=good).status_code == 302
    stored = stored_choices(race_app)
    assert stored["Amash"] == ("Justin A. Amash", "LIB", "withdrew", WITHDREW)
    assert stored["Biden"] == before["Biden"]


def test_service_refuses_an_unknown_party_naming_the_row(race_app):
    from pollservice.domain.errors import ValidationFailed
    from pollservice.services.questions import ChoiceEdit, get_question, update_question

    with race_app.app_context():
        question = get_question(SLUG)
        rows = [ChoiceEdit(c.id, c.name, party="WHIG" if c.name == "Trump" else None)
                for c in question.choices]
        with pytest.raises(ValidationFailed) as raised:
            update_question(SLUG, question.title, rows)
        assert raised.value.fields == {
            "choices.1.party": "must be one of DEM, REP, LIB, GRN, IND, OTHER (or none)"}


def test_the_60_day_rule_is_for_candidates_not_for_a_topic_questions_answers(race_app, client):
    with race_app.app_context():
        question = db.session.execute(select(Question).where(Question.slug == SLUG)).scalar_one()
        question.race_id = None  # the same polls as a topic question: Amash is an answer, not a candidate
        db.session.commit()
    body = client.get(f"/api/v1/questions/{SLUG}/average").get_json()
    with_amash = sum(1 for row in excerpt_rows() if row["Amash"])
    assert body["excluded"] == {} and body["choices"]["Amash"]["n_polls"] == with_amash
