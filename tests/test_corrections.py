"""Corrections from readers: a "report a problem" form on each poll and question page (no
login), guarded by the CSRF token, a limit per address and a trap field for bots; reports
queue for editors, who resolve them with a note (audited); each poll's page counts its
open and resolved reports. Nothing half-written: a refused report stores nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from conftest import make_app, signed_in_with_csrf
from pollservice.extensions import db
from pollservice.models import CorrectionReport, Poll, UserAudit

pytestmark = pytest.mark.jobs_run(False)

MESSAGE = "Support should be 32, not 23: the release says 32 percent (page 2)."


def report_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(CorrectionReport.id))).scalar_one()


def a_poll(app) -> int:
    with app.app_context():
        return db.session.execute(select(Poll.id).join(Poll.question).where(
            db.text("question.slug = 'calexit'")).order_by(Poll.id)).scalars().first()


def field_error(page: str, field: str) -> str:
    found = re.search(rf'<p id="{field}-error" class="error" role="alert">([^<]*)</p>', page)
    assert found, f"no message next to {field}"
    return found.group(1)


def test_a_readers_report_reaches_the_queue_and_its_count_shows_on_the_poll_page(demo_app, client, logged_in):
    poll_id = a_poll(demo_app)
    reader = demo_app.test_client()
    poll_page = reader.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert "No reader has reported a problem with this poll." in poll_page
    assert f'href="/report?poll={poll_id}"' in poll_page
    form = reader.get(f"/report?poll={poll_id}")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    assert 'name="message"' in form.get_data(as_text=True)
    sent = reader.post(f"/report?poll={poll_id}", data={"message": MESSAGE, "contact": "reader@example.org"})
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/report/sent")
    assert "Your report is with the editors" in reader.get(sent.headers["Location"]).get_data(as_text=True)
    queue = logged_in.get("/admin/reports").get_data(as_text=True)
    assert MESSAGE in queue and "reader@example.org" in queue and f"poll #{poll_id}" in queue
    assert "1 open, 0 resolved" in reader.get(f"/polls/{poll_id}").get_data(as_text=True)
    # the contact is for the editors only
    assert "reader@example.org" not in reader.get(f"/polls/{poll_id}").get_data(as_text=True)


def test_a_report_about_a_question(demo_app, client):
    assert 'href="/report?question=calexit"' in client.get("/questions/calexit").get_data(as_text=True)
    assert client.post("/report?question=calexit", data={"message": MESSAGE}).status_code == 302
    with demo_app.app_context():
        report = db.session.execute(select(CorrectionReport)).scalar_one()
        assert report.poll_id is None and report.question.slug == "calexit" and report.status == "open"


@pytest.mark.parametrize("data, field, message", [
    ({"message": "wrong"}, "message", "at least 10"),
    ({"message": ""}, "message", "Say what is wrong."),
    ({"message": MESSAGE, "contact": "x" * 301}, "contact", "300"),
    ({"message": "Support is wrong\u202e here, see"}, "message", ""),
])
def test_a_bad_report_gets_its_message_next_to_the_field_and_stores_nothing(demo_app, client, data, field,
                                                                           message):
    poll_id = a_poll(demo_app)
    response = client.post(f"/report?poll={poll_id}", data=data)
    assert response.status_code == 422
    assert message in field_error(response.get_data(as_text=True), field)
    assert report_count(demo_app) == 0


def test_reports_about_nothing_public_are_refused(demo_app, client):
    assert client.get("/report?poll=999999").status_code == 404
    assert client.get("/report?question=no-such-question").status_code == 404
    assert client.get("/report?poll=abc").status_code == 400
    assert client.get("/report").status_code == 422
    poll_id = a_poll(demo_app)
    with demo_app.app_context():
        db.session.get(Poll, poll_id).review_status = "held"
        db.session.commit()
    assert client.post(f"/report?poll={poll_id}", data={"message": MESSAGE}).status_code == 404
    assert report_count(demo_app) == 0


def test_a_bot_that_fills_the_trap_field_is_thanked_and_dropped(demo_app, client):
    poll_id = a_poll(demo_app)
    page = client.get(f"/report?poll={poll_id}").get_data(as_text=True)
    assert re.search(r'<div class="trap" aria-hidden="true">', page) and 'tabindex="-1"' in page
    response = client.post(f"/report?poll={poll_id}", data={"message": MESSAGE, "website": "http://spam.example"})
    assert response.status_code == 302 and report_count(demo_app) == 0


def test_the_form_needs_its_csrf_token_and_one_address_may_send_five_an_hour(demo_app, database_url,
                                                                             tmp_path):
    guarded = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    reader = guarded.test_client()
    poll_id = a_poll(guarded)
    assert reader.post(f"/report?poll={poll_id}", data={"message": MESSAGE}).status_code == 400
    answers = []
    for _ in range(6):
        page = reader.get(f"/report?poll={poll_id}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        answers.append(reader.post(f"/report?poll={poll_id}",
                                   data={"message": MESSAGE, "csrf_token": token}).status_code)
    assert answers == [302] * 5 + [429]
    assert report_count(guarded) == 5


def test_an_editor_resolves_a_report_with_a_note_once_and_it_is_audited(demo_app, client, logged_in):
    poll_id = a_poll(demo_app)
    client.post(f"/report?poll={poll_id}", data={"message": MESSAGE})
    with demo_app.app_context():
        report_id = db.session.execute(select(CorrectionReport.id)).scalar_one()
    refused = logged_in.post(f"/admin/reports/{report_id}/resolve", data={"note": "  "})
    assert refused.status_code == 422
    assert "The note is required." in field_error(refused.get_data(as_text=True), f"note-{report_id}")
    done = logged_in.post(f"/admin/reports/{report_id}/resolve", data={"note": "Corrected Support to 32."})
    assert done.status_code == 302
    assert logged_in.post(f"/admin/reports/{report_id}/resolve", data={"note": "again"}).status_code == 409
    assert "No open report." in logged_in.get("/admin/reports").get_data(as_text=True)
    resolved = logged_in.get("/admin/reports?status=resolved").get_data(as_text=True)
    assert "Corrected Support to 32." in resolved and "user:editor" in resolved
    poll_page = client.get(f"/polls/{poll_id}").get_data(as_text=True)
    assert "1 report from readers: 0 open, 1 resolved" in poll_page
    with demo_app.app_context():
        entry = db.session.execute(select(UserAudit).where(UserAudit.action == "report.resolve")).scalar_one()
        assert entry.actor == "user:editor" and entry.subject == f"report:{report_id}"
        assert entry.details == {"note": "Corrected Support to 32."}


def test_the_resolve_button_needs_a_csrf_token(demo_app, database_url, tmp_path, admin):
    secured, editor = signed_in_with_csrf(database_url, tmp_path, admin)
    poll_id = a_poll(secured)
    with secured.app_context():
        db.session.add(CorrectionReport(poll_id=poll_id, message=MESSAGE))
        db.session.commit()
        report_id = db.session.execute(select(CorrectionReport.id)).scalar_one()
    assert editor.post(f"/admin/reports/{report_id}/resolve", data={"note": "done"}).status_code == 400
    with secured.app_context():
        assert db.session.get(CorrectionReport, report_id).status == "open"
