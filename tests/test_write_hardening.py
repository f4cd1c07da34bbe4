"""Issue 18 (write paths and input validation): races on new pollsters, implausible dates,
control characters, inputs that gave a 500, and names that break export or identity."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest

from conftest import ON_POSTGRES
from pollservice.extensions import db
from pollservice.models import Poll, Pollster
from pollservice.services.tokens import create_token

POLL = {
    "pollster": "API Pollster", "sponsor": "A Newspaper", "start_date": "2017-04-10",
    "end_date": "2017-04-12", "sample_size": 900, "population": "lv", "mode": "Online",
    "source_url": "https://example.org/release", "results": {"Support": 35.5, "Oppose": 55},
}
POLLS_URL = "/api/v1/questions/calexit/polls"


@pytest.fixture
def auth(demo_app):
    with demo_app.app_context():
        _, secret = create_token("newsroom")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent writers: PostgreSQL (SQLite serialises them)")
def test_concurrent_polls_of_one_new_pollster_are_all_stored_without_a_409(demo_app, client, auth):
    writers = 8
    statuses: list[tuple[int, object]] = []
    start = threading.Barrier(writers)

    def post(number: int) -> None:
        own = demo_app.test_client()
        # each its own poll (an identical one would be a 409 for being identical, issue 15)
        body = {**POLL, "pollster": "Brand New Research", "source_id": f"race-{number}",
                "sample_size": 900 + number}
        start.wait()
        response = own.post(POLLS_URL, json=body, headers=auth)
        statuses.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post, args=(number,)) for number in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in statuses] == [201] * writers, statuses
    with demo_app.app_context():
        stored = db.session.execute(db.select(Poll.source_id).join(Pollster).where(
            Pollster.name == "Brand New Research")).scalars().all()
    assert sorted(stored) == sorted(f"race-{n}" for n in range(writers))


def test_a_real_duplicate_source_id_is_still_409_naming_source_id(demo_app, client, auth):
    body = {**POLL, "pollster": "Another New Pollster", "source_id": "dup-1"}
    assert client.post(POLLS_URL, json=body, headers=auth).status_code == 201
    again = client.post(POLLS_URL, json=body, headers=auth)
    assert again.status_code == 409
    assert list(again.get_json()["error"]["fields"]) == ["source_id"]


def test_a_unique_violation_other_than_the_source_id_is_not_reported_as_one(demo_app):
    """The 409 names the poll only when the poll's own constraint failed."""
    from sqlalchemy.exc import IntegrityError

    from pollservice.services.bulk import violated_constraint

    with demo_app.app_context():
        try:
            db.session.execute(db.text(
                "INSERT INTO pollster (name, slug) SELECT name, 'x-other' FROM pollster LIMIT 1"))
        except IntegrityError as exc:
            db.session.rollback()
            assert violated_constraint(exc) == "uq_pollster_name"
        else:
            raise AssertionError("the insert should have failed")


def _future(days: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=days)).isoformat()


IMPLAUSIBLE_DATES = [
    ({"start_date": "2017-04-10", "end_date": "9999-12-30"}, "end_date", "future"),
    ({"start_date": "0001-01-01"}, "start_date", "1936"),
    ({"start_date": "1700-01-01", "end_date": "1700-01-03"}, "start_date", "1936"),
    ({"start_date": "2017-04-10", "end_date": "__future3"}, "end_date", "future"),
]


def _dates(change: dict) -> dict:
    return {key: _future(3) if value == "__future3" else value for key, value in change.items()}


@pytest.mark.parametrize("change, field, words", IMPLAUSIBLE_DATES)
def test_api_refuses_implausible_field_dates_naming_the_field(demo_app, client, auth, change, field, words):
    created = client.post(POLLS_URL, json=POLL, headers=auth).get_json()
    response = client.post(POLLS_URL, json={**POLL, **_dates(change)}, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert words in response.get_json()["error"]["fields"][field]
    patched = client.patch(f"/api/v1/polls/{created['id']}", json=_dates(change), headers=auth)
    assert patched.status_code == 422 and field in patched.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/polls/{created['id']}").get_json()["end_date"] == POLL["end_date"]


def test_an_end_date_of_tomorrow_utc_is_accepted(demo_app, client, auth):
    body = {**POLL, "start_date": _future(-2), "end_date": _future(1)}
    assert client.post(POLLS_URL, json=body, headers=auth).status_code == 201


def test_admin_form_refuses_a_year_9999_end_date_next_to_the_field(demo_app, logged_in):
    from test_admin import GOOD_POLL

    page = logged_in.post("/admin/polls/new", data={**GOOD_POLL, "end_date": "9999-12-30"})
    assert page.status_code == 200
    assert re.search(r'<p id="end_date-error" class="error" role="alert">[^<]*future',
                     page.get_data(as_text=True))


HEADER = "question,pollster,start_date,end_date,sample_size,population,Support,Oppose\n"


def test_import_refuses_implausible_dates_with_file_line_and_field(demo_app, runner, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text(HEADER + "calexit,Good Pollster,2017-05-01,2017-05-03,800,a,30,60\n"
                    + "calexit,Typo Pollster,2017-05-01,9999-12-30,800,a,30,60\n"
                    + "calexit,Old Pollster,1700-01-01,1700-01-03,800,a,30,60\n")
    with demo_app.app_context():
        before = db.session.execute(db.select(db.func.count(Poll.id))).scalar_one()
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3: end_date: must not be in the future" in result.output
    assert f"{path}:4: start_date: must be in 1936 or later" in result.output
    with demo_app.app_context():
        assert db.session.execute(db.select(db.func.count(Poll.id))).scalar_one() == before


@pytest.mark.parametrize("url", [
    "/questions/%00", "/?q=%00", "/api/v1/questions?q=%00", "/api/v1/questions/%00",
    "/api/v1/questions/%00/trend", "/pollsters/%00", "/questions?q=a%00b", "/embed/%00",
    "/api/v1/polls?q=%01",
])
def test_a_nul_in_the_path_or_query_is_a_4xx_not_a_500(demo_app, client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)


@pytest.mark.parametrize("field, value", [
    ("pollster", "Nul\x00Research"), ("sponsor", "A\x00B"), ("notes", "line\x00"),
    ("mode", "Online\x07"), ("pollster", "Evil\u202eTxet"), ("sponsor", "x\x1b[31m"),
])
def test_api_refuses_control_characters_in_text_naming_the_field(demo_app, client, auth, field, value):
    response = client.post(POLLS_URL, json={**POLL, field: value}, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert "character" in response.get_json()["error"]["fields"][field]


def test_notes_may_hold_tabs_and_newlines(demo_app, client, auth):
    response = client.post(POLLS_URL, json={**POLL, "notes": "first\tline\nsecond"}, headers=auth)
    assert response.status_code == 201
    assert response.get_json()["notes"] == "first\tline\nsecond"


def test_admin_form_refuses_a_nul_in_the_pollster_next_to_the_field(demo_app, logged_in):
    from test_admin import GOOD_POLL

    page = logged_in.post("/admin/polls/new", data={**GOOD_POLL, "pollster": "Nul\x00Research"})
    assert page.status_code == 200
    assert re.search(r'<p id="pollster-error" class="error" role="alert">[^<]*character',
                     page.get_data(as_text=True))


def test_import_refuses_a_nul_with_file_line_and_field(demo_app, runner, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_text(HEADER + "calexit,Nul\x00Pollster,2017-05-01,2017-05-03,800,a,30,60\n")
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: pollster: must not contain the control character U+0000" in result.output


def test_a_question_title_or_choice_with_a_control_character_is_refused(demo_app, logged_in):
    from pollservice.domain.errors import ValidationFailed
    from pollservice.services.questions import create_question

    with demo_app.app_context():
        with pytest.raises(ValidationFailed) as title:
            create_question("Nul\x00 question", ["Yes", "No"])
        assert "title" in title.value.fields
        with pytest.raises(ValidationFailed) as choice:
            create_question("A fine question", ["Yes\u202e", "No"])
        assert "choices" in choice.value.fields


@pytest.mark.parametrize("name", ["notes", "source_id", "actual:Yes", "weight_kalman:Yes", "question"])
def test_a_choice_named_like_a_canonical_csv_column_is_refused(demo_app, name):
    """Such a choice's column would be read back as that column: the export would not re-import."""
    from pollservice.domain.errors import ValidationFailed
    from pollservice.services.questions import ChoiceEdit, create_question, update_question

    with demo_app.app_context():
        with pytest.raises(ValidationFailed) as created:
            create_question("A fine question", [name, "No"])
        assert "CSV column" in created.value.fields["choices"]
        with pytest.raises(ValidationFailed) as edited:
            update_question("calexit", "Calexit", [ChoiceEdit(id=None, name=name)])
        assert "CSV column" in edited.value.fields["choices.0"]


def test_an_admin_pollster_name_with_a_bidi_override_is_refused(demo_app):
    from pollservice.domain.errors import ValidationFailed
    from pollservice.services.pollsters import add_pollster

    with demo_app.app_context(), pytest.raises(ValidationFailed) as refused:
        add_pollster("Evil\u202eTxet")
    assert "bidirectional" in refused.value.fields["name"]


def test_an_upload_file_name_loses_its_control_and_bidi_characters(demo_app, logged_in, tmp_path):
    import io

    from werkzeug.datastructures import FileStorage

    body = (HEADER + "calexit,Good Pollster,2017-05-01,2017-05-03,800,a,30,60\n").encode()
    page = logged_in.post("/admin/uploads/new", data={
        "file": FileStorage(io.BytesIO(body), filename="poll\u202evsc.csv"), "format": "auto",
        "question": ""}, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert "pollvsc.csv" in text and "\u202e" not in text


@pytest.mark.parametrize("url", ["https://[::1", "http://[zz]/", "https://:80/"])
def test_a_malformed_source_url_is_a_422_naming_it(demo_app, client, auth, url):
    response = client.post(POLLS_URL, json={**POLL, "source_url": url}, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"] == {"source_url": "must be an http(s) URL"}


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("body", [DEEP, '{"pollster": ' + DEEP + "}", '{"sample_size": ' + "9" * 5000 + "}"])
def test_an_api_body_nested_too_deep_or_with_a_huge_integer_is_a_400(demo_app, client, auth, body):
    response = client.post(POLLS_URL, data=body, content_type="application/json", headers=auth)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("text, message", [
    ('{"questions": ' + DEEP + "}", "nested too deeply"),
    ('{"questions": [{"slug": "calexit", "polls": [{"sample_size": ' + "9" * 5000 + "}]}]}",
     "integer"),
])
def test_a_json_import_nested_too_deep_or_with_a_huge_integer_names_the_file(demo_app, runner, tmp_path,
                                                                             text, message):
    path = tmp_path / "bad.json"
    path.write_text(text)
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert f"{path}:1: file: not valid JSON" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_a_csv_with_cr_only_line_endings_imports(demo_app, runner, tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes((HEADER + "calexit,CR Pollster,2017-05-01,2017-05-03,800,a,30,60\n").replace("\n", "\r")
                     .encode())
    result = runner.invoke(args=["import-polls", str(path), "--json"])
    assert result.exit_code == 0, result.output
    assert '"added": 1' in result.output


def test_csv_source_and_source_id_over_200_characters_are_named_with_the_line(demo_app, runner, tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(HEADER.replace("\n", ",source,source_id\n")
                    + "calexit,Long Pollster,2017-05-01,2017-05-03,800,a,30,60," + "s" * 201 + ",x\n"
                    + "calexit,Long Pollster,2017-05-01,2017-05-03,800,a,30,60,s," + "i" * 201 + "\n")
    result = runner.invoke(args=["import-polls", str(path)])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{path}:2: source: must be at most 200 characters" in result.output
    assert f"{path}:3: source_id: must be at most 200 characters" in result.output


@pytest.mark.parametrize("pct", ["sNaN", "NaN", "inf", "1e999", "-0x1p3"])
def test_a_form_percent_that_is_not_a_finite_number_is_named(demo_app, logged_in, pct):
    from test_admin import GOOD_POLL

    page = logged_in.post("/admin/polls/new", data={**GOOD_POLL, "pct_0": pct})
    assert page.status_code == 200
    assert 'id="pct_0-error"' in page.get_data(as_text=True)


def test_an_admin_page_number_too_large_is_not_a_500(demo_app, logged_in):
    response = logged_in.get("/admin/polls?page=99999999999999999999")
    assert response.status_code in (200, 400, 404)


def test_a_patch_naming_source_id_is_a_422_and_changes_nothing(demo_app, client, auth):
    created = client.post(POLLS_URL, json={**POLL, "source_id": "keep-me"}, headers=auth).get_json()
    response = client.patch(f"/api/v1/polls/{created['id']}",
                            json={"source_id": "other", "sample_size": 1000}, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert "source_id" in response.get_json()["error"]["fields"]
    with demo_app.app_context():
        stored = db.session.get(Poll, created["id"])
        assert (stored.source_id, stored.sample_size) == ("keep-me", 900)


@pytest.mark.parametrize("name", ["R\u0435uters/Ipsos", "Reuters/\u0406psos", "\u039fpinion Research"])
def test_a_look_alike_pollster_name_mixing_scripts_is_refused_not_merged(demo_app, client, auth, name):
    """"Rеuters/Ipsos" with a Cyrillic е slugs to reuters-ipsos: it was filed silently
    under Reuters/Ipsos (or became a second pollster that looks the same)."""
    response = client.post(POLLS_URL, json={**POLL, "pollster": name}, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert "script" in response.get_json()["error"]["fields"]["pollster"]


def test_a_name_in_one_script_is_accepted(demo_app, client, auth):
    for name in ("\u0412\u0426\u0418\u041e\u041c", "Ipsos MORI", "Ελληνική Έρευνα"):  # ВЦИОМ
        assert client.post(POLLS_URL, json={**POLL, "pollster": name}, headers=auth).status_code == 201
