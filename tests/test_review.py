"""Review before publish: polls far from a stable average, or from a pollster seen for the
first time, are held with their reason and counted in nothing until a reviewer publishes
them; field periods are checked on entry; the review queue and its permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from race_support import RACE_SLUG, build_race
from sqlalchemy import select, update

from pollservice.domain import review as rules
from pollservice.domain.validation import year_before
from pollservice.extensions import db
from pollservice.models import AuditEntry, Poll, Race, User, UserAudit
from pollservice.services.polls import build_poll, validate_poll
from pollservice.services.questions import create_question
from pollservice.services.tokens import create_token
from pollservice.services.transaction import transaction
from pollservice.stats.validation import UNKNOWN_SAMPLE_SIZE

PASSWORD = "correct horse battery"
SLUG = "stable"
PULSE = ("Alpha Research", "Beta Polling", "Gamma Surveys", "Delta Insights")
# Support 50 +/- 0.4, Oppose 45 -/+ 0.4: an average with no doubt about where it is.
WIGGLE = (0.0, 0.4, -0.4, 0.2, -0.2)


def poll_body(pollster: str, support: float, oppose: float, day: dt.date, n: int = 1000) -> dict:
    return {"pollster": pollster, "start_date": (day - dt.timedelta(days=2)).isoformat(),
            "end_date": day.isoformat(), "sample_size": n, "population": "lv",
            "results": {"Support": support, "Oppose": oppose}}


@pytest.fixture
def stable(app, admin_password_hash):
    """A question with 20 polls of four pollsters (one commit, one recompute), holds on,
    a token, and one account per role."""
    app.config["REVIEW_HOLDS"] = True
    with app.app_context():
        with transaction():
            question = create_question("A stable question", ["Support", "Oppose"], slug=SLUG)
            db.session.flush()
            for i in range(20):
                wiggle = WIGGLE[i % len(WIGGLE)]
                day = dt.date(2024, 1, 5) + dt.timedelta(days=4 * i)
                body = poll_body(PULSE[i % len(PULSE)], 50 + wiggle, 45 - wiggle, day)
                build_poll(question, validate_poll(question, {**body, "source": "seed"}))
            for role in ("admin", "editor", "reviewer"):
                db.session.add(User(username=role, password_hash=admin_password_hash, role=role))
        _, secret = create_token("newsroom")
    return {"Authorization": f"Bearer {secret}"}


def signed_in(app, role: str):
    client = app.test_client()
    assert client.post("/admin/login", data={"username": role, "password": PASSWORD}).status_code == 302
    return client


LAST_DAY = dt.date(2024, 3, 25)


def average(client) -> dict:
    return client.get(f"/api/v1/questions/{SLUG}/average?method=kalman").get_json()["choices"]["Support"]


def test_a_poll_ten_points_off_a_stable_average_is_held_with_its_reason(app, client, stable):
    before = average(client)
    assert abs(before["estimate"] - 50) < 0.5
    response = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable,
                           json=poll_body("Alpha Research", 60, 35, LAST_DAY))
    assert response.status_code == 202, response.get_json()
    held = response.get_json()
    assert held["status"] == "held"
    assert "Support 60% is" in held["held_reason"]
    assert "standard errors from the current average" in held["held_reason"]
    assert "more than 4 are held" in held["held_reason"]
    assert average(client) == before  # counted in nothing
    listed = client.get(f"/api/v1/questions/{SLUG}/polls").get_json()
    assert held["id"] not in [poll["id"] for poll in listed] and len(listed) == 20
    assert client.get(f"/api/v1/polls/{held['id']}").status_code == 404
    assert client.get(f"/polls/{held['id']}").status_code == 404
    export = client.get(f"/api/v1/questions/{SLUG}/polls.csv").get_data(as_text=True)
    assert export.count("\n") == 21  # a header and the 20 polls, not the held one
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.poll_id == held["id"])
                                     .order_by(AuditEntry.id)).all()
    assert actions == ["create", "hold"]


def test_a_poll_one_point_off_is_published_and_counted(client, stable):
    before = average(client)
    response = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable,
                           json=poll_body("Alpha Research", 51, 44, LAST_DAY))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "published" and response.get_json()["held_reason"] is None
    assert average(client)["n_polls"] == before["n_polls"] + 1


def test_a_pollster_seen_for_the_first_time_is_held_even_on_the_average(client, stable):
    before = average(client)
    response = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable,
                           json=poll_body("Epsilon Newcomer", 50, 45, LAST_DAY))
    assert response.status_code == 202
    assert response.get_json()["held_reason"] == (
        "first poll from Epsilon Newcomer (a pollster seen for the first time)")
    assert average(client) == before


def test_a_held_poll_counts_in_the_average_only_after_a_reviewer_publishes_it(app, client, stable):
    held = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable,
                       json=poll_body("Epsilon Newcomer", 56, 39, LAST_DAY)).get_json()
    before = average(client)
    editor, reviewer = signed_in(app, "editor"), signed_in(app, "reviewer")
    queue = editor.get("/admin/review").get_data(as_text=True)
    assert "Epsilon Newcomer" in queue and "first poll from Epsilon Newcomer" in queue
    assert f'href="/admin/review#held-{held["id"]}"' in editor.get("/admin/polls").get_data(as_text=True)
    assert f"/admin/review/polls/{held['id']}/publish" not in queue  # editors see, do not publish
    assert editor.post(f"/admin/review/polls/{held['id']}/publish").status_code == 403
    assert average(client) == before
    assert reviewer.post(f"/admin/review/polls/{held['id']}/publish").status_code == 302
    after = average(client)
    # recomputed with it
    assert after["n_polls"] == before["n_polls"] + 1 and after["estimate"] > before["estimate"]
    assert client.get(f"/api/v1/polls/{held['id']}").status_code == 200
    history = client.get(f"/api/v1/polls/{held['id']}/history").get_json()
    assert [entry["action"] for entry in history] == ["create", "hold", "publish"]
    assert history[-1]["actor"] == "user:reviewer"
    assert reviewer.post(f"/admin/review/polls/{held['id']}/publish").status_code == 409  # not held now


def test_a_rejected_poll_needs_a_note_and_stays_counted_in_nothing(app, client, stable):
    before = average(client)
    held = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable,
                       json=poll_body("Alpha Research", 70, 25, LAST_DAY)).get_json()
    reviewer = signed_in(app, "reviewer")
    refused = reviewer.post(f"/admin/review/polls/{held['id']}/reject", data={"note": " "})
    assert refused.status_code == 422 and f'id="note-{held["id"]}-error"' in refused.get_data(as_text=True)
    assert reviewer.post(f"/admin/review/polls/{held['id']}/reject",
                         data={"note": "a typo: 60 for 50"}).status_code == 302
    with app.app_context():
        poll = db.session.get(Poll, held["id"])
        assert (poll.review_status, poll.review_note) == ("rejected", "a typo: 60 for 50")
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.poll_id == poll.id)
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.action == "reject" and entry.new_values["note"] == "a typo: 60 for 50"
    assert average(client) == before
    assert "No poll is held." in reviewer.get("/admin/review").get_data(as_text=True)


def test_the_admin_form_holds_a_new_pollsters_poll_and_says_why(app, stable):
    editor = signed_in(app, "editor")
    form = {"question": SLUG, "drawn_for": SLUG, "pollster": "Zeta Fresh", "start_date": "2024-03-20",
            "end_date": "2024-03-22", "sample_size": "800", "population": "lv",
            "pct_0": "50", "pct_1": "45",
            "create_pollster": "y", "confirmed_pollster": "Zeta Fresh"}  # a new pollster, confirmed
    response = editor.post("/admin/polls/new", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "held for review: first poll from Zeta Fresh" in page
    assert "Zeta Fresh" not in app.test_client().get(f"/questions/{SLUG}").get_data(as_text=True)


@pytest.mark.parametrize(("start", "end", "field", "message"), [
    ("2023-03-01", "2024-03-02", "start_date",
     "must be at most a year before the end date (2023-03-02 or later)"),
    ("2024-02-01", "2031-08-05", "end_date", "must not be in the future"),
])
def test_a_field_period_over_a_year_or_ending_in_the_future_is_a_422_naming_the_field(
        client, stable, start, end, field, message):
    body = {**poll_body("Alpha Research", 50, 45, LAST_DAY), "start_date": start, "end_date": end}
    response = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable, json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"][field].startswith(message)
    assert len(client.get(f"/api/v1/questions/{SLUG}/polls").get_json()) == 20  # nothing stored


def test_a_patch_to_a_start_over_a_year_before_the_end_is_a_422(client, stable):
    created = client.post(f"/api/v1/questions/{SLUG}/polls", headers=stable,
                          json=poll_body("Alpha Research", 50.5, 44.5, LAST_DAY)).get_json()
    response = client.patch(f"/api/v1/polls/{created['id']}", headers=stable,
                            json={"start_date": "2022-01-01"})
    assert response.status_code == 422
    assert "start_date" in response.get_json()["error"]["fields"]


def test_a_year_before_is_a_calendar_year():
    assert year_before(dt.date(2024, 3, 2)) == dt.date(2023, 3, 2)
    assert year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_the_outlier_rule_by_hand():
    """z = (pct - house - average) / hypot(se_poll, se_average): Support 60 against 50
    (interval 49..51, se 0.51), n = 1000 (se 1.55): z = 10 / 1.63 = 6.1, held; with a
    house effect of +7 it is 3 / 1.63 = 1.8, published."""
    averages = {"Support": rules.StoredAverage(50.0, 49.0, 51.0)}
    held = rules.outlier_reasons({"Support": 60.0}, 1000, averages, {}, 4.0)
    assert len(held) == 1 and "6.1 standard errors" in held[0]
    assert rules.outlier_reasons({"Support": 60.0}, 1000, averages, {"Support": 7.0}, 4.0) == []
    assert rules.outlier_reasons({"Other": 90.0}, 1000, averages, {}, 4.0) == []  # no average: not judged


def test_the_unknown_sample_size_is_the_statistics_own():
    assert rules.UNKNOWN_SAMPLE_SIZE == UNKNOWN_SAMPLE_SIZE


# ------------------------------------------------------------------ draft questions


def test_a_question_made_in_the_admin_is_a_draft_until_a_reviewer_publishes_it(app, stable):
    editor, reviewer, reader = signed_in(app, "editor"), signed_in(app, "reviewer"), app.test_client()
    response = editor.post("/admin/questions/new", data={"title": "Should the voting age be 16?",
                                                         "slug": "", "choices": "Yes\nNo"})
    assert response.headers["Location"].endswith("/admin/questions/should-the-voting-age-be-16/edit")
    slug = "should-the-voting-age-be-16"
    hidden = [f"/questions/{slug}", f"/api/v1/questions/{slug}", f"/api/v1/questions/{slug}/polls",
              f"/api/v1/questions/{slug}/average", f"/api/v1/questions/{slug}/polls.csv",
              f"/api/v1/questions/{slug}/polls.atom", f"/api/v1/questions/{slug}/averages.atom",
              f"/embed/{slug}"]
    assert [reader.get(url).status_code for url in hidden] == [404] * len(hidden)
    listed = [q["slug"] for q in reader.get("/api/v1/questions").get_json()]
    assert slug not in listed and SLUG in listed
    assert f"/questions/{slug}" not in reader.get("/search?q=voting+age").get_data(as_text=True)
    assert slug not in [q["slug"] for q in reader.get("/api/v1/search?q=voting+age").get_json()["questions"]]
    assert f"/questions/{slug}" not in reader.get("/").get_data(as_text=True)
    admin_list = editor.get("/admin/questions").get_data(as_text=True)
    assert "Should the voting age be 16?" in admin_list and "Draft" in admin_list
    queue = editor.get("/admin/review").get_data(as_text=True)
    assert "Should the voting age be 16?" in queue and f"/admin/review/questions/{slug}/publish" not in queue
    assert editor.post(f"/admin/review/questions/{slug}/publish").status_code == 403
    assert f"/admin/review/questions/{slug}/publish" in reviewer.get("/admin/review").get_data(as_text=True)
    assert reviewer.post(f"/admin/review/questions/{slug}/publish").status_code == 302
    assert reader.get(f"/questions/{slug}").status_code == 200
    assert reader.get(f"/api/v1/questions/{slug}").get_json()["choices"] == ["Yes", "No"]
    assert slug in [q["slug"] for q in reader.get("/api/v1/questions").get_json()]
    with app.app_context():
        entry = db.session.scalars(select(UserAudit).where(UserAudit.subject == f"question:{slug}")).one()
    assert (entry.action, entry.actor) == ("question.publish", "user:reviewer")
    assert reviewer.post(f"/admin/review/questions/{slug}/publish").status_code == 409


def test_the_polls_of_a_draft_question_are_counted_in_nothing_public(app, stable):
    editor = signed_in(app, "editor")
    editor.post("/admin/questions/new", data={"title": "Draft topic", "slug": "draft-topic",
                                             "choices": "Yes\nNo"})
    app.config["REVIEW_HOLDS"] = False  # this poll is published: only its question is a draft
    form = {"question": "draft-topic", "drawn_for": "draft-topic", "pollster": "Alpha Research",
            "start_date": "2024-03-20", "end_date": "2024-03-22", "sample_size": "800",
            "population": "lv", "pct_0": "50", "pct_1": "45"}
    assert editor.post("/admin/polls/new", data=form).status_code == 302
    with app.app_context():
        poll_id = db.session.scalars(select(Poll.id).order_by(Poll.id.desc())).first()
    reader = app.test_client()
    assert reader.get(f"/api/v1/polls/{poll_id}").status_code == 404
    assert reader.get(f"/polls/{poll_id}").status_code == 404
    assert "Draft topic" not in reader.get("/api/v1/feeds/polls.atom").get_data(as_text=True)
    assert "Draft topic" not in reader.get("/pollsters/alpha-research").get_data(as_text=True)


def test_a_draft_race_has_no_public_page_and_is_on_no_list_until_published(app, client, admin_password_hash):
    build_race(app)
    with app.app_context():
        db.session.execute(update(Race).where(Race.slug == RACE_SLUG).values(status="draft"))
        db.session.add(User(username="reviewer", password_hash=admin_password_hash, role="reviewer"))
        db.session.commit()
    hidden = [f"/races/{RACE_SLUG}", f"/api/v1/races/{RACE_SLUG}", f"/api/v1/races/{RACE_SLUG}/polls.atom"]
    assert [client.get(url).status_code for url in hidden] == [404] * len(hidden)
    assert RACE_SLUG not in client.get("/api/v1/races").get_data(as_text=True)
    assert client.get("/api/v1/search?q=president").get_json()["races"] == []  # its questions are published
    reviewer = signed_in(app, "reviewer")
    assert "2020 U.S. President: general election" in reviewer.get("/admin/review").get_data(as_text=True)
    assert reviewer.post(f"/admin/review/races/{RACE_SLUG}/publish").status_code == 302
    assert [client.get(url).status_code for url in hidden] == [200] * len(hidden)
    assert RACE_SLUG in client.get("/api/v1/races").get_data(as_text=True)
