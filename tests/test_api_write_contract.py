"""Issue 15, the write side of "one contract": every problem of a body in one 422, strict
JSON types in POST and PATCH, JSON Merge Patch (RFC 7396) for ``results``, the
``Idempotency-Key`` header, 409 for a poll identical to a stored one, and ``source`` /
``source_id`` taken and echoed."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from conftest import ON_POSTGRES
from pollservice.extensions import db
from pollservice.models import IdempotencyKey, Poll
from pollservice.services.tokens import create_token

POLL = {
    "pollster": "Contract Pollster", "sponsor": "A Newspaper", "start_date": "2017-04-10",
    "end_date": "2017-04-12", "sample_size": 900, "population": "lv", "mode": "Online",
    "source_url": "https://example.org/release", "results": {"Support": 35.5, "Oppose": 55},
}
POLLS_URL = "/api/v1/questions/calexit/polls"


def _token(app, name: str) -> dict:
    with app.app_context():
        _, secret = create_token(name)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def auth(demo_app):
    return _token(demo_app, "newsroom")


def poll_count(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count(Poll.id))).scalar_one()


# --- one round of validation ------------------------------------------------------------

def test_a_body_with_four_problems_gets_one_422_naming_all_four(demo_app, client, auth):
    body = {**POLL, "sample_size": "800", "start_date": "2017-04-12", "end_date": "2017-04-01",
            "results": {"Support": 30, "Maybe": 10}, "source_url": "javascript:alert(1)"}
    before = poll_count(demo_app)
    response = client.post(POLLS_URL, json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    named = response.get_json()["error"]["fields"]
    assert {"sample_size", "end_date", "results.Maybe", "source_url"} <= set(named), named
    assert "results.Support" not in named  # the valid percent is not blamed
    assert poll_count(demo_app) == before


def test_a_patch_with_a_schema_error_and_a_rule_error_names_both(demo_app, client, auth):
    created = client.post(POLLS_URL, json=POLL, headers=auth).get_json()
    response = client.patch(f"/api/v1/polls/{created['id']}", headers=auth,
                            json={"sample_size": "950", "end_date": "2017-04-01"})
    assert response.status_code == 422, response.get_json()
    assert {"sample_size", "end_date"} <= set(response.get_json()["error"]["fields"])


# --- strict types -----------------------------------------------------------------------

NOT_NUMBERS = [
    ({"sample_size": "800"}, "sample_size"),
    ({"sample_size": True}, "sample_size"),
    ({"sample_size": 800.5}, "sample_size"),
    ({"results": {"Support": "30", "Oppose": 55}}, "results.Support"),
    ({"results": {"Support": True, "Oppose": 55}}, "results.Support"),
    ({"partisan": "yes"}, "partisan"),
    ({"internal": 1}, "internal"),
]


@pytest.mark.parametrize("change, field", NOT_NUMBERS)
def test_post_refuses_a_number_or_flag_sent_as_another_json_type(demo_app, client, auth, change, field):
    before = poll_count(demo_app)
    response = client.post(POLLS_URL, json={**POLL, **change}, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    assert poll_count(demo_app) == before


@pytest.mark.parametrize("change, field", NOT_NUMBERS)
def test_patch_refuses_a_number_or_flag_sent_as_another_json_type(demo_app, client, auth, change, field):
    created = client.post(POLLS_URL, json=POLL, headers=auth).get_json()
    response = client.patch(f"/api/v1/polls/{created['id']}", json=change, headers=auth)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"], response.get_json()
    # the writer also sees the poll's review state
    shown = {name: value for name, value in created.items()
             if name not in ("status", "held_reason", "review_note")}
    read = client.get(f"/api/v1/polls/{created['id']}").get_json()
    assert read == {**shown, "in_averages": True, "reports": {"open": 0, "resolved": 0}}


def test_responses_give_numbers_as_numbers(demo_app, client, auth):
    created = client.post(POLLS_URL, json={**POLL, "results": {"Support": 35, "Oppose": 55.5}},
                          headers=auth).get_json()
    assert type(created["id"]) is int and type(created["sample_size"]) is int
    assert all(type(value) is float for value in created["results"].values())
    assert type(created["partisan"]) is bool


# --- JSON Merge Patch -------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
def test_patch_of_one_result_keeps_the_others(demo_app, client, auth, content_type):
    created = client.post(POLLS_URL, json=POLL, headers=auth).get_json()
    url = f"/api/v1/polls/{created['id']}"
    response = client.patch(url, data='{"results": {"Oppose": 41}}', content_type=content_type,
                            headers=auth)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["results"] == {"Support": 35.5, "Oppose": 41.0}
    removed = client.patch(url, data='{"results": {"Support": null}}', content_type=content_type,
                           headers=auth)
    assert removed.status_code == 200, removed.get_json()
    assert removed.get_json()["results"] == {"Oppose": 41.0}
    assert client.get(url).get_json()["results"] == {"Oppose": 41.0}
    history = client.get(f"{url}/history").get_json()
    assert history[-1]["old"]["results"] == {"Support": 35.5, "Oppose": 41.0}


def test_patch_removing_every_result_is_refused(demo_app, client, auth):
    created = client.post(POLLS_URL, json=POLL, headers=auth).get_json()
    response = client.patch(f"/api/v1/polls/{created['id']}", headers=auth,
                            json={"results": {"Support": None, "Oppose": None}})
    assert response.status_code == 422 and "results" in response.get_json()["error"]["fields"]


def test_the_openapi_patch_operation_documents_merge_patch(demo_app, client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/polls/{poll_id}"]["patch"]
    content = operation["requestBody"]["content"]
    assert {"application/json", "application/merge-patch+json"} <= set(content)
    assert "7396" in operation["description"]


# --- Idempotency-Key --------------------------------------------------------------------

def test_a_repeated_post_with_one_idempotency_key_is_applied_once(demo_app, client, auth):
    headers = {**auth, "Idempotency-Key": "release-2017-04-12"}
    before = poll_count(demo_app)
    first = client.post(POLLS_URL, json=POLL, headers=headers)
    assert first.status_code == 201, first.get_json()
    again = client.post(POLLS_URL, json=dict(reversed(POLL.items())), headers=headers)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert first.headers["Location"].endswith(f"/api/v1/polls/{first.get_json()['id']}")
    assert poll_count(demo_app) == before + 1


def test_one_idempotency_key_with_another_body_is_a_422_naming_the_header(demo_app, client, auth):
    headers = {**auth, "Idempotency-Key": "k-1"}
    assert client.post(POLLS_URL, json=POLL, headers=headers).status_code == 201
    other = client.post(POLLS_URL, json={**POLL, "sample_size": 901}, headers=headers)
    assert other.status_code == 422
    assert "different" in other.get_json()["error"]["fields"]["Idempotency-Key"]


def test_idempotency_keys_belong_to_their_token_and_expire_after_24_hours(demo_app, client, auth):
    assert client.post(POLLS_URL, json=POLL, headers={**auth, "Idempotency-Key": "shared"}).status_code == 201
    other_desk = {**_token(demo_app, "other-desk"), "Idempotency-Key": "shared"}
    body = {**POLL, "sample_size": 1000}
    assert client.post(POLLS_URL, json=body, headers=other_desk).status_code == 201
    with demo_app.app_context():
        for row in db.session.execute(db.select(IdempotencyKey)).scalars():
            row.created_at -= dt.timedelta(hours=24, minutes=1)
        db.session.commit()
    later = client.post(POLLS_URL, json={**POLL, "sample_size": 1100},
                        headers={**auth, "Idempotency-Key": "shared"})
    assert later.status_code == 201  # the old key has expired: a new request
    with demo_app.app_context():
        assert db.session.execute(db.select(db.func.count(IdempotencyKey.id))).scalar_one() == 1


def test_a_malformed_idempotency_key_is_a_400_naming_the_header(demo_app, client, auth):
    response = client.post(POLLS_URL, json=POLL, headers={**auth, "Idempotency-Key": "x" * 256})
    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["error"]["fields"]


def test_a_refused_post_does_not_use_up_its_idempotency_key(demo_app, client, auth):
    headers = {**auth, "Idempotency-Key": "fix-and-retry"}
    assert client.post(POLLS_URL, json={**POLL, "sample_size": 0}, headers=headers).status_code == 422
    assert client.post(POLLS_URL, json=POLL, headers=headers).status_code == 201


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent writers: PostgreSQL (SQLite serialises them)")
def test_concurrent_posts_with_one_idempotency_key_store_one_poll(demo_app, client, auth):
    writers = 6
    answers: list[tuple[int, object]] = []
    start = threading.Barrier(writers)
    before = poll_count(demo_app)

    def post() -> None:
        own = demo_app.test_client()
        start.wait()
        response = own.post(POLLS_URL, json=POLL, headers={**auth, "Idempotency-Key": "burst"})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _ in answers] == [201] * writers, answers
    assert len({body["id"] for _, body in answers}) == 1  # type: ignore[index]
    assert poll_count(demo_app) == before + 1


@pytest.mark.skipif(not ON_POSTGRES, reason="concurrent writers: PostgreSQL (SQLite serialises them)")
def test_concurrent_identical_posts_without_a_key_store_one_poll(demo_app, client, auth):
    writers = 4
    statuses: list[int] = []
    start = threading.Barrier(writers)
    before = poll_count(demo_app)

    def post() -> None:
        own = demo_app.test_client()
        start.wait()
        statuses.append(own.post(POLLS_URL, json=POLL, headers=auth).status_code)

    threads = [threading.Thread(target=post) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201] + [409] * (writers - 1), statuses
    assert poll_count(demo_app) == before + 1


# --- identical polls, source and source_id ----------------------------------------------

@pytest.mark.parametrize("second", [{}, {"source_id": "new-id"}])
def test_a_poll_identical_to_a_stored_one_is_a_409_linking_it(demo_app, client, auth, second):
    first = client.post(POLLS_URL, json=POLL, headers=auth)
    assert first.status_code == 201
    stored = first.get_json()["id"]
    again = client.post(POLLS_URL, json={**POLL, **second}, headers=auth)
    assert again.status_code == 409, again.get_json()
    error = again.get_json()["error"]
    assert error["existing_poll"]["id"] == stored
    assert error["existing_poll"]["url"].endswith(f"/api/v1/polls/{stored}")
    assert again.headers["Location"] == error["existing_poll"]["url"]
    assert client.get(again.headers["Location"]).status_code == 200


def test_a_poll_differing_in_one_result_or_the_sample_is_not_a_duplicate(demo_app, client, auth):
    assert client.post(POLLS_URL, json=POLL, headers=auth).status_code == 201
    assert client.post(POLLS_URL, json={**POLL, "results": {"Support": 35.5, "Oppose": 54}},
                       headers=auth).status_code == 201
    assert client.post(POLLS_URL, json={**POLL, "results": {"Support": 35.5}},
                       headers=auth).status_code == 201
    assert client.post(POLLS_URL, json={**POLL, "sample_size": None}, headers=auth).status_code == 201


def test_source_and_source_id_are_taken_and_echoed(demo_app, client, auth):
    body = {**POLL, "source": "wire-desk", "source_id": "ap-1"}
    created = client.post(POLLS_URL, json=body, headers=auth)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["source"] == "wire-desk" and created.get_json()["source_id"] == "ap-1"
    shown = client.get(f"/api/v1/polls/{created.get_json()['id']}").get_json()
    assert (shown["source"], shown["source_id"]) == ("wire-desk", "ap-1")
    plain = client.post(POLLS_URL, json={**POLL, "sample_size": 901}, headers=auth).get_json()
    assert (plain["source"], plain["source_id"]) == ("api", None)


def test_a_409_on_source_id_names_it_and_links_the_stored_poll(demo_app, client, auth):
    first = client.post(POLLS_URL, json={**POLL, "source": "wire", "source_id": "ap-2"}, headers=auth)
    again = client.post(POLLS_URL, json={**POLL, "sample_size": 1, "source": "wire", "source_id": "ap-2"},
                        headers=auth)
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert list(error["fields"]) == ["source_id"]
    assert error["existing_poll"]["id"] == first.get_json()["id"]
    assert again.headers["Location"].endswith(f"/api/v1/polls/{first.get_json()['id']}")
    # the same id from another source is another poll
    other = client.post(POLLS_URL, json={**POLL, "sample_size": 2, "source": "other", "source_id": "ap-2"},
                        headers=auth)
    assert other.status_code == 201, other.get_json()


def test_patch_may_repeat_source_and_source_id_but_not_change_them(demo_app, client, auth):
    created = client.post(POLLS_URL, json={**POLL, "source": "wire", "source_id": "ap-3"},
                          headers=auth).get_json()
    url = f"/api/v1/polls/{created['id']}"
    same = client.patch(url, json={"source": "wire", "source_id": "ap-3", "sample_size": 950}, headers=auth)
    assert same.status_code == 200, same.get_json()
    changed = client.patch(url, json={"source": "elsewhere"}, headers=auth)
    assert changed.status_code == 422 and "source" in changed.get_json()["error"]["fields"]
    assert client.get(url).get_json()["source"] == "wire"


def test_the_admin_form_refuses_a_duplicate_poll_with_a_link_to_it(demo_app, logged_in):
    from test_admin import GOOD_POLL

    first = logged_in.post("/admin/polls/new", data=GOOD_POLL)
    assert first.status_code == 302
    stored = int(first.headers["Location"].rsplit("#poll-", 1)[1])
    before = poll_count(demo_app)
    page = logged_in.post("/admin/polls/new", data=GOOD_POLL)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "identical" in text and f'href="/polls/{stored}"' in text
    assert poll_count(demo_app) == before
