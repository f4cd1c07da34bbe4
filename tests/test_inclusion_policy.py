"""The inclusion policy: an editor excludes a pollster from every average with a public
reason (required); its polls stay listed but count in no average (each of its questions is
recomputed without them, and exactly as before once it is included again); the reason is
shown on its page, its polls' pages, the question's poll table, the methodology page and
the API; each decision is in the content audit trail."""

from __future__ import annotations

import re

from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import Poll, Pollster, UserAudit
from pollservice.readmodel.frames import poll_frames
from pollservice.services.questions import get_question

REASON = "Would not disclose its sampling method when asked (2017-04)."
CALEXIT_AVERAGE = "/api/v1/questions/calexit/average?method=weighted"


def surveyusa(app) -> tuple[str, int]:
    """SurveyUSA's slug and its calexit poll's id (Support 18, Oppose 68: the only poll
    that reported Oppose; the other two found Support 32)."""
    with app.app_context():
        poll = db.session.execute(select(Poll).join(Poll.pollster).where(
            Pollster.name == "SurveyUSA")).scalar_one()
        return poll.pollster.slug, poll.id


def test_an_excluded_pollster_counts_in_no_average_and_counts_again_once_included(demo_app, client,
                                                                                 logged_in):
    slug, poll_id = surveyusa(demo_app)
    before = client.get(CALEXIT_AVERAGE).get_json()["choices"]
    response = logged_in.post(f"/admin/pollsters/{slug}/inclusion", data={"excluded": "y", "reason": REASON})
    assert response.status_code == 302
    with demo_app.app_context():
        frames = poll_frames(db.session, get_question("calexit"))
        assert frames["Support"]["pct"].tolist() == [32.0, 32.0] and frames["Oppose"].empty
    after = client.get(CALEXIT_AVERAGE).get_json()["choices"]
    assert before["Support"]["estimate"] < 32 and after["Support"]["estimate"] == 32.0
    assert before["Oppose"]["estimate"] == 68.0 and after["Oppose"] is None  # no poll counts
    # still listed, marked
    assert any(p["id"] == poll_id for p in client.get("/api/v1/questions/calexit/polls").get_json())
    assert client.get(f"/api/v1/polls/{poll_id}").get_json()["in_averages"] is False
    # included again: the averages are what they were
    assert logged_in.post(f"/admin/pollsters/{slug}/inclusion", data={"reason": ""}).status_code == 302
    assert client.get(CALEXIT_AVERAGE).get_json()["choices"] == before
    assert client.get(f"/api/v1/polls/{poll_id}").get_json()["in_averages"] is True
    with demo_app.app_context():
        actions = db.session.execute(select(UserAudit.action, UserAudit.details).where(
            UserAudit.subject == f"pollster:{slug}").order_by(UserAudit.id)).all()
    assert [tuple(a) for a in actions] == [("pollster.exclude", {"reason": REASON}), ("pollster.include", {})]


def test_excluding_needs_a_public_reason_next_to_its_field(demo_app, logged_in):
    slug, _ = surveyusa(demo_app)
    response = logged_in.post(f"/admin/pollsters/{slug}/inclusion", data={"excluded": "y", "reason": " "})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(r'<p id="reason-error" class="error" role="alert">([^<]*)</p>', page)
    assert error and "required" in error.group(1)
    with demo_app.app_context():
        pollster = db.session.execute(select(Pollster).where(Pollster.slug == slug)).scalar_one()
        assert pollster.excluded_from_averages is False


def test_the_reason_is_public_wherever_its_polls_are_shown(demo_app, client, logged_in):
    slug, poll_id = surveyusa(demo_app)
    logged_in.post(f"/admin/pollsters/{slug}/inclusion", data={"excluded": "y", "reason": REASON})
    for url in (f"/pollsters/{slug}", f"/polls/{poll_id}", "/methodology"):
        page = client.get(url).get_data(as_text=True)
        assert REASON in page, url
    methodology = client.get("/methodology").get_data(as_text=True)
    assert 'id="inclusion"' in methodology and f'href="/pollsters/{slug}"' in methodology
    question = client.get("/questions/calexit").get_data(as_text=True)
    assert f'href="/pollsters/{slug}#excluded" title="{REASON}">not in the averages</a>' in question
    listed = {p["slug"]: p for p in client.get("/api/v1/pollsters").get_json()}
    assert listed[slug]["excluded_from_averages"] is True and listed[slug]["exclusion_reason"] == REASON
    others = [p for s, p in listed.items() if s != slug]
    assert others and all(not p["excluded_from_averages"] and p["exclusion_reason"] is None for p in others)
    assert "No pollster is excluded" not in methodology
