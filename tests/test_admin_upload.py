"""Admin upload of a poll file: login required, a dry-run preview (added, updated and
rejected rows with their line numbers) that writes nothing, then an explicit confirmation,
which queues the import as a job and redirects to its progress; a bad file shows its
errors and saves nothing; CSRF is enforced."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from import_support import (
    DATA,
    TRUMP_2020,
    TRUMP_2021,
    copy_data,
    edit_line,
    import_json,
    run_import_jobs,
    store_counts,
    stored_polls,
)
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conftest import make_app

# What is stored, not averages: recomputes wait for a worker (conftest's app).
pytestmark = pytest.mark.jobs_run(False)

TOKEN = re.compile(r'name="upload" type="hidden" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def upload(client, path: Path, *, skip_invalid: bool = False, fmt: str = "auto",
           question: str = "", **extra):
    fields = {"file": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name),
              "format": fmt, "question": question, **extra}
    if skip_invalid:
        fields["skip_invalid"] = "y"
    # Encoded in memory: the test client spools a large body to a file it never closes.
    boundary, body = encode_multipart(fields)
    return client.post("/admin/uploads/new", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


def table_rows(page: str, css_class: str) -> list[list[str]]:
    """The body cells of the preview's table with this class, as text."""
    table = re.search(rf'<table class="data {css_class}">(.*?)</table>', page, re.S)
    assert table, f"no {css_class} table"
    body = table.group(1).split("<tbody>")[1]
    return [[text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def summary_of(page: str) -> dict[str, int]:
    return {label: int(number) for label, number in re.findall(
        r'<th scope="row">([^<]+)</th><td class="num">(\d+)</td>', page)}


def progress_of(client, location: str) -> dict:
    response = client.get(location + "?format=json")
    assert response.status_code == 200
    return response.get_json()


def uploads_waiting(app) -> list[Path]:
    folder = Path(app.instance_path) / "uploads"
    return sorted(folder.glob("*.upload")) if folder.exists() else []


@pytest.fixture
def trump(app, runner):
    """The 10/31/2020 approval list imported: the 1/20/2021 list then adds and updates."""
    assert import_json(runner, TRUMP_2020)["added"] == 27  # 25 polls; 2 have a 2nd version
    return app


@pytest.fixture
def newer_list_with_a_bad_row(tmp_path) -> Path:
    """The 1/20/2021 list with an approve share of 150 on line 11 (Spry Strategies)."""
    return edit_line(copy_data(TRUMP_2021.name, tmp_path), 11, ",50.55,48.49,", ",150,48.49,")


def test_upload_pages_require_login(app, client, tmp_path):
    response = client.get("/admin/uploads/new")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert upload(client, TRUMP_2020).status_code == 302
    assert client.post("/admin/uploads/confirm", data={"upload": "x" * 32}).status_code == 302
    assert client.post("/admin/uploads/discard", data={"upload": "x" * 32}).status_code == 302
    assert store_counts(app)["Poll"] == 0 and uploads_waiting(app) == []


def test_upload_form_offers_every_format(logged_in):
    page = logged_in.get("/admin/uploads/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    for name in ("auto", "canonical", "canonical-json", "fte-approval", "fte-polls", "fte-raw-polls"):
        assert f'value="{name}"' in page


def test_preview_lists_added_updated_and_rejected_rows_by_line_and_writes_nothing(
        trump, logged_in, newer_list_with_a_bad_row):
    before = store_counts(trump)
    response = upload(logged_in, newer_list_with_a_bad_row, skip_invalid=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Preview: fte_approval_trump_2021-01-20.csv" in page
    assert "Nothing has been saved yet" in page
    assert summary_of(page) == {"Polls added": 1, "Polls updated": 4, "Unchanged": 4,
                                "Rejected rows": 1, "Skipped rows": 1, "Warnings": 0}
    assert table_rows(page, "import-problems") == [["11", "approve", "must be between 0 and 100"]]
    changes = {row[0]: row for row in table_rows(page, "import-changes")}
    assert changes["12"][:5] == ["12", "add", "trump-approval", "NBC News/The Wall Street Journal",
                                 "2020-10-31"]
    assert changes["8"][1] == "update"
    assert "results: Approve 42.0%, Disapprove 54.0% → Approve 43.5%, Disapprove 52.5%" in changes["8"][5]
    assert changes["9"][1] == "update" and "end_date: 2020-10-25 → 2020-10-31" in changes["9"][5]
    assert "source_url: https://projects.fivethirtyeight.com.s3.amazonaws.com/" in changes["6"][5]
    assert sorted(changes) == ["10", "12", "6", "8", "9"]
    assert 'id="confirm-upload"' in page
    assert store_counts(trump) == before
    assert len(uploads_waiting(trump)) == 1


@pytest.mark.jobs_run(True)  # reads what the recompute stores
def test_confirm_imports_what_was_previewed_and_the_history_names_the_admin(
        trump, logged_in, newer_list_with_a_bad_row):
    page = upload(logged_in, newer_list_with_a_bad_row, skip_invalid=True).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert response.status_code == 302
    assert "/admin/uploads/" in response.headers["Location"]
    landing = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert ("Imported fte_approval_trump_2021-01-20.csv: added 1, updated 4, unchanged 4, "
            "rejected 1, skipped 1, warnings 0.") in landing
    # the recompute progress (the test's queue runs each job at once: done already)
    assert "1 of 1 question(s) recomputed" in landing and "every question's averages are current" in landing
    assert 'href="/questions/trump-approval"' in landing and 'http-equiv="refresh"' not in landing
    polls = stored_polls(trump, "trump-approval")
    assert len(polls) == 28 and "135880" not in polls  # the rejected row
    assert polls["131970"]["results"] == {"Approve": 43.5, "Disapprove": 52.5}
    history = logged_in.get(f"/api/v1/polls/{polls['131970']['id']}/history").get_json()
    assert history[-1]["actor"] == "import:fte_approval_trump_2021-01-20.csv by user:editor"
    assert uploads_waiting(trump) == []
    # The upload is gone once imported: confirming it again imports nothing (its progress).
    counts = store_counts(trump)
    again = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert again.status_code == 302 and again.headers["Location"] == response.headers["Location"]
    assert store_counts(trump) == counts


def test_a_bad_file_shows_its_errors_offers_no_confirmation_and_saves_nothing(
        trump, logged_in, newer_list_with_a_bad_row):
    before = store_counts(trump)
    page = upload(logged_in, newer_list_with_a_bad_row).get_data(as_text=True)
    assert "so the import would write nothing" in page
    assert table_rows(page, "import-problems") == [["11", "approve", "must be between 0 and 100"]]
    assert 'id="confirm-upload"' not in page and 'id="discard-upload"' in page
    # Even a hand-made confirmation of it writes nothing: its job fails with the line.
    token = TOKEN.search(page).group(1)
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/progress")
    assert run_import_jobs(trump) == 1
    landing = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="failed"' in landing and "Nothing was imported" in landing
    assert ("fte_approval_trump_2021-01-20.csv: line 11: approve: must be between 0 and 100"
            in landing)
    assert 'http-equiv="refresh"' not in landing
    assert store_counts(trump) == before and uploads_waiting(trump) == []


@pytest.mark.parametrize("content, fmt, message", [
    (b"name,colour\nx,red\n", "auto", "Line 1: header: is in no format pollservice reads"),
    (TRUMP_2020.read_bytes(), "fte-raw-polls", "Line 1: race: required column is missing."),
    (b"question,pollster\n\xff\xfe,x\n", "auto", "The file is not UTF-8 text (line 2"),
])
def test_a_file_that_cannot_be_read_is_refused_on_the_form(app, logged_in, tmp_path, content,
                                                           fmt, message):
    path = tmp_path / "polls.csv"
    path.write_bytes(content)
    response = upload(logged_in, path, fmt=fmt)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Import polls from a file" in page and message in page
    assert store_counts(app)["Poll"] == 0 and uploads_waiting(app) == []


def test_discard_forgets_the_upload(trump, logged_in):
    page = upload(logged_in, TRUMP_2021).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    response = logged_in.post("/admin/uploads/discard", data={"upload": token}, follow_redirects=True)
    assert "The upload was discarded; nothing was imported." in response.get_data(as_text=True)
    assert uploads_waiting(trump) == []
    counts = store_counts(trump)
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token}, follow_redirects=True)
    assert "That upload is no longer waiting" in response.get_data(as_text=True)
    assert store_counts(trump) == counts


def another_admin(app):
    """A second admin, signed in: a test client."""
    from pollservice.services.users import create_admin

    with app.app_context():
        create_admin("other", "another long password")
    other = app.test_client()
    other.post("/admin/login", data={"username": "other", "password": "another long password"})
    return other


def test_another_admin_cannot_confirm_an_upload(trump, logged_in):
    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    other = another_admin(trump)
    counts = store_counts(trump)
    response = other.post("/admin/uploads/confirm", data={"upload": token}, follow_redirects=True)
    assert "That upload is no longer waiting" in response.get_data(as_text=True)
    assert store_counts(trump) == counts


def test_upload_and_confirm_without_a_csrf_token_are_refused_when_csrf_is_on(
        database_url, tmp_path, admin, trump):
    secured = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    client = secured.test_client()
    token = CSRF.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    assert client.post("/admin/login", data={**admin, "csrf_token": token}).status_code == 302
    assert upload(client, TRUMP_2021).status_code == 400
    assert uploads_waiting(secured) == []

    form_token = CSRF.search(client.get("/admin/uploads/new").get_data(as_text=True)).group(1)
    page = upload(client, TRUMP_2021, csrf_token=form_token).get_data(as_text=True)
    assert "Preview: fte_approval_trump_2021-01-20.csv" in page
    upload_token = TOKEN.search(page).group(1)
    counts = store_counts(trump)
    refused = client.post("/admin/uploads/confirm", data={"upload": upload_token})
    assert refused.status_code == 400 and store_counts(trump) == counts
    confirm_token = CSRF.search(page).group(1)
    accepted = client.post("/admin/uploads/confirm",
                           data={"upload": upload_token, "csrf_token": confirm_token})
    assert accepted.status_code == 302
    assert store_counts(trump)["Poll"] == counts["Poll"] + 2


def test_a_file_over_the_size_limit_is_refused_on_the_form_not_with_a_bare_413(app, logged_in, tmp_path):
    from pollservice.admin.uploads import MAX_BYTES

    assert MAX_BYTES < app.config["MAX_CONTENT_LENGTH"]
    path = tmp_path / "huge.csv"
    path.write_bytes(b"x" * (MAX_BYTES + 1))
    response = upload(logged_in, path)
    assert response.status_code == 200
    assert "The file is larger than 15 MB." in response.get_data(as_text=True)
    assert uploads_waiting(app) == []


def test_a_file_over_the_request_limit_gets_the_message_on_the_form(app, logged_in):
    import io

    from flask.testing import EnvironBuilder

    too_big = io.BytesIO(b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    builder = EnvironBuilder(app, "/admin/uploads/new", method="POST",
                             data={"file": (too_big, "big.csv"), "format": "auto"})
    try:  # the big body is spooled to temporary files: close them
        response = logged_in.open(builder)
        page = response.get_data(as_text=True)
        response.request.environ["wsgi.input"].close()
    finally:
        builder.close()
    assert response.status_code == 413
    assert "The file is larger than 15 MB." in page and 'type="file"' in page


def test_the_upload_form_is_linked_from_the_admin_navigation(logged_in):
    assert 'href="/admin/uploads/new"' in logged_in.get("/admin/polls").get_data(as_text=True)


def test_preview_and_summary_list_a_bad_optional_field_as_a_warning_with_its_line(app, logged_in):
    path = DATA / "fte_president_polls_more.csv"  # president_polls.csv line 4461: url "0\t0..."
    page = upload(logged_in, path).get_data(as_text=True)
    assert summary_of(page)["Warnings"] == 1 and summary_of(page)["Rejected rows"] == 0
    [[line, field, message]] = table_rows(page, "import-warnings")
    assert (line, field) == ("5", "url") and message.startswith("must be an http(s) URL; stored empty")
    token = TOKEN.search(page).group(1)
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert run_import_jobs(app) == 1
    landing = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "warnings 1; line 5: url stored empty." in landing
    assert stored_polls(app, "2020-president-mi")["128293"]["source_url"] == ""


def test_another_admin_cannot_discard_an_upload(trump, logged_in):
    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    other = another_admin(trump)
    response = other.post("/admin/uploads/discard", data={"upload": token}, follow_redirects=True)
    assert "That upload is no longer waiting" in response.get_data(as_text=True)
    assert len(uploads_waiting(trump)) == 1  # still there for its owner
    confirmed = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert confirmed.status_code == 302 and uploads_waiting(trump) == []
    assert other.get(confirmed.headers["Location"]).headers["Location"].endswith("/admin/uploads/new")


def test_an_upload_whose_import_failed_unexpectedly_is_not_left_behind(trump, logged_in, monkeypatch):
    from pollservice.services import upload_imports

    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    assert len(uploads_waiting(trump)) == 1

    def broken(*_args, **_kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(upload_imports, "import_text", broken)
    counts = store_counts(trump)
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert response.status_code == 302
    assert run_import_jobs(trump) == 1
    state = progress_of(logged_in, response.headers["Location"])
    assert state["state"] == "failed" and state["finished"] and "nothing was imported" in state["error"]
    assert uploads_waiting(trump) == [] and store_counts(trump) == counts
    # only the job's state is kept (removed with the day's stale uploads)
    assert [p.suffix for p in (Path(trump.instance_path) / "uploads").glob(f"{token}.*")] == [".json"]


def test_confirm_answers_at_once_and_the_job_imports(trump, logged_in):
    """The confirmation queues the import (nothing is written in the request); the
    progress page says queued, then the job imports and the page says done."""
    before = store_counts(trump)
    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/uploads/{token}/progress"
    assert store_counts(trump) == before  # not imported in the request
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="queued"' in page and 'http-equiv="refresh"' in page
    assert progress_of(logged_in, response.headers["Location"])["state"] == "queued"
    assert run_import_jobs(trump) == 1
    state = progress_of(logged_in, response.headers["Location"])
    assert state["state"] == "done" and (state["added"], state["updated"]) == (2, 4)
    assert state["lines_done"] == state["lines_total"] > 1
    assert state["slugs"] == ["trump-approval"] and state["recomputes"]["total"] == 1
    assert store_counts(trump)["Poll"] == before["Poll"] + 2
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="done"' in page and 'href="/questions/trump-approval"' in page


def test_a_second_confirm_of_the_same_upload_imports_it_once(trump, logged_in):
    before = store_counts(trump)
    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    first = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    second = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert run_import_jobs(trump) == 1  # one job queued
    assert store_counts(trump)["Poll"] == before["Poll"] + 2
    third = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert third.headers["Location"] == first.headers["Location"] and run_import_jobs(trump) == 0
    assert store_counts(trump)["Poll"] == before["Poll"] + 2



def test_a_waiting_upload_survives_signing_out_and_in_again(trump, logged_in, admin):
    """Signing out ends every session of the account (a new session epoch); the upload
    belongs to the account, not to the session, so it can still be confirmed."""
    before = store_counts(trump)
    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    assert logged_in.post("/admin/logout").status_code in (302, 303)
    assert logged_in.post("/admin/login", data=admin).status_code == 302
    response = logged_in.post("/admin/uploads/confirm", data={"upload": token})
    assert response.headers["Location"] == f"/admin/uploads/{token}/progress"
    assert run_import_jobs(trump) == 1
    assert store_counts(trump)["Poll"] == before["Poll"] + 2
    assert progress_of(logged_in, response.headers["Location"])["state"] == "done"


def test_a_confirmed_upload_is_not_removed_as_stale_and_a_lost_file_fails_its_job(
        trump, logged_in, monkeypatch):
    """The confirmation refreshes the file's age (a preview 23.9 hours old confirmed while
    the queue is busy is not swept away by the next upload); and if the file is gone anyway
    when the job runs, the progress page says failed rather than queued forever."""
    import os
    import time

    from pollservice.services import upload_imports

    before = store_counts(trump)
    token = TOKEN.search(upload(logged_in, TRUMP_2021).get_data(as_text=True)).group(1)
    folder = Path(trump.instance_path) / "uploads"
    old = time.time() - upload_imports.KEEP_SECONDS + 60
    for path in folder.glob(f"{token}.*"):
        os.utime(path, (old, old))
    location = logged_in.post("/admin/uploads/confirm", data={"upload": token}).headers["Location"]
    monkeypatch.setattr(upload_imports, "KEEP_SECONDS", 30)  # the preview's age is now past it
    with trump.app_context():
        upload_imports.remove_stale()
    assert (folder / f"{token}.importing").exists()
    (folder / f"{token}.importing").unlink()  # discarded by hand, say
    assert run_import_jobs(trump) == 1
    state = progress_of(logged_in, location)
    assert state["state"] == "failed" and "no longer kept" in state["error"]
    assert store_counts(trump) == before


def test_the_preview_lists_the_pollsters_an_import_would_create_with_what_they_may_mean(
        trump, logged_in, tmp_path):
    """An import never creates a pollster unseen: a misspelt name (line 2's "Morning
    Consult" typed "Morning Consul") is listed as new, with the stored pollster it may
    mean, before anything is written; pollsters new to the store (the 2021 list's Spry
    Strategies) are listed too."""
    path = edit_line(copy_data(TRUMP_2021.name, tmp_path), 2, ",Morning Consult,", ",Morning Consul,")
    page = upload(logged_in, path).get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="new-pollsters"[^>]*>(.*?)</section>', page, re.S)
    assert section, "no list of new pollsters"
    listed = dict(re.findall(r"<li>([^<]+?)(?: <small[^>]*>— did you mean (.*?)\?</small>)?</li>",
                             section.group(1)))
    assert "<strong>Morning Consult</strong>" in listed["Morning Consul"]
    assert "Spry Strategies" in listed and "Morning Consult" not in listed
    with trump.app_context():  # nothing stored yet
        from pollservice.extensions import db
        from pollservice.models import Pollster
        stored = db.session.execute(db.select(Pollster).where(Pollster.name == "Morning Consul")).first()
        assert stored is None
