"""Token-authenticated API writes: create, patch, delete, restore; 401/404/409/422."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ON_POSTGRES
from pollservice.extensions import db
from pollservice.models import ApiToken
from pollservice.services.tokens import create_token

POLL = {
    "pollster": "API Pollster", "sponsor": "A Newspaper", "start_date": "2017-04-10",
    "end_date": "2017-04-12", "sample_size": 900, "population": "lv", "mode": "Online",
    "source_url": "https://example.org/release", "results": {"Support": 35.5, "Oppose": 55},
}


@pytest.fixture
def token(demo_app):
    with demo_app.app_context():
        _, secret = create_token("newsroom")
    return secret


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_post_creates_a_poll_with_the_get_shape_and_moves_the_average(demo_app, client, token):
    before = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    response = client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["pollster"] == "API Pollster"
    assert created["results"] == {"Support": 35.5, "Oppose": 55.0}
    listed = client.get("/api/v1/questions/calexit/polls").get_json()
    # the GET shape, and for the writer the poll's review state (issue 16)
    review = (created.pop("status"), created.pop("held_reason"), created.pop("review_note"))
    assert review == ("published", None, None)
    assert listed[0] == created
    after = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    assert after["as_of"] == "2017-04-12" and after != before
    history = client.get(f"/api/v1/polls/{created['id']}/history").get_json()
    assert history[0]["action"] == "create" and history[0]["actor"] == "token:newsroom"


def test_post_without_a_token_is_401(demo_app, client):
    response = client.post("/api/v1/questions/calexit/polls", json=POLL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_a_session_cookie_is_not_enough_to_write(demo_app, logged_in):
    assert logged_in.post("/api/v1/questions/calexit/polls", json=POLL).status_code == 401


def test_revoked_and_expired_tokens_are_401(demo_app, client, token, runner):
    assert runner.invoke(args=["revoke-token", "newsroom"]).exit_code == 0
    assert client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).status_code == 401
    with demo_app.app_context():
        record, secret = create_token("short-lived", expires_in_days=1)
        db.session.get(ApiToken, record.id).expires_at = dt.datetime(2000, 1, 1)
        db.session.commit()
    assert client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(secret)).status_code == 401


def test_unknown_question_is_404(demo_app, client, token):
    response = client.post("/api/v1/questions/nope/polls", json=POLL, headers=auth(token))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "change, field",
    [
        ({"results": {"Support": 140}}, "results.Support"),
        ({"results": {"Maybe": 10}}, "results.Maybe"),
        ({"results": {"Support": 70, "Oppose": 45}}, "results"),
        ({"end_date": "2017-04-01"}, "end_date"),
        ({"start_date": "last week"}, "start_date"),
        ({"sample_size": 0}, "sample_size"),
        ({"sample_size": "many"}, "sample_size"),
        ({"population": "martians"}, "population"),
        ({"source_url": "javascript:alert(1)"}, "source_url"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_body_is_422_naming_the_field_and_stores_nothing(demo_app, client, token, change, field):
    before = len(client.get("/api/v1/questions/calexit/polls").get_json())
    response = client.post("/api/v1/questions/calexit/polls", json={**POLL, **change}, headers=auth(token))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert len(client.get("/api/v1/questions/calexit/polls").get_json()) == before


def test_missing_required_fields_are_each_named(demo_app, client, token):
    response = client.post("/api/v1/questions/calexit/polls", json={}, headers=auth(token))
    assert response.status_code == 422
    assert {"pollster", "start_date", "end_date", "population", "results"} <= set(
        response.get_json()["error"]["fields"])


def test_a_duplicate_source_id_is_409(demo_app, client, token):
    body = {**POLL, "source_id": "release-42"}
    assert client.post("/api/v1/questions/calexit/polls", json=body, headers=auth(token)).status_code == 201
    again = client.post("/api/v1/questions/calexit/polls", json=body, headers=auth(token))
    assert again.status_code == 409
    assert "source_id" in again.get_json()["error"]["fields"]


def test_patch_changes_only_what_it_names_and_is_audited(demo_app, client, token):
    created = client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).get_json()
    response = client.patch(f"/api/v1/polls/{created['id']}", json={"sample_size": 950},
                            headers=auth(token))
    assert response.status_code == 200
    patched = response.get_json()
    assert patched["sample_size"] == 950 and patched["results"] == created["results"]
    history = client.get(f"/api/v1/polls/{created['id']}/history").get_json()
    assert history[-1]["action"] == "update"
    assert history[-1]["old"] == {"sample_size": 900} and history[-1]["new"] == {"sample_size": 950}
    bad = client.patch(f"/api/v1/polls/{created['id']}", json={"results": {"Support": 101}},
                       headers=auth(token))
    assert bad.status_code == 422
    missing = client.patch("/api/v1/polls/999999", json={"sample_size": 5}, headers=auth(token))
    assert missing.status_code == 404


def test_delete_is_soft_and_restore_undoes_it(demo_app, client, token):
    created = client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).get_json()
    with_poll = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    assert client.delete(f"/api/v1/polls/{created['id']}", headers=auth(token)).status_code == 204
    assert created["id"] not in [p["id"] for p in client.get("/api/v1/questions/calexit/polls").get_json()]
    without = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    assert without["as_of"] == "2017-03-31" and without != with_poll
    assert client.get(f"/api/v1/polls/{created['id']}").status_code == 404
    restored = client.post(f"/api/v1/polls/{created['id']}/restore", headers=auth(token))
    assert restored.status_code == 200
    again = client.get("/api/v1/questions/calexit/average?method=weighted").get_json()
    assert again["choices"] == with_poll["choices"] and again["as_of"] == with_poll["as_of"]
    assert again["computed"]["data_version"] > with_poll["computed"]["data_version"]
    actions = [e["action"] for e in client.get(f"/api/v1/polls/{created['id']}/history").get_json()]
    assert actions == ["create", "delete", "restore"]


def test_create_token_prints_the_token_alone_on_the_last_line(app, runner, client):
    result = runner.invoke(args=["create-token", "desk"])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("pst_") and " " not in token
    with app.app_context():
        stored = db.session.query(ApiToken).one()
        assert stored.token_hash != token and token not in stored.token_hash
    duplicate = runner.invoke(args=["create-token", "desk"])
    assert duplicate.exit_code == 1
    assert runner.invoke(args=["revoke-token", "nobody"]).exit_code == 1


def test_without_a_token_a_bad_body_is_401_not_422(demo_app, client):
    response = client.post("/api/v1/questions/calexit/polls", json={"results": "nonsense"})
    assert response.status_code == 401


def test_pagination_links_are_percent_encoded(demo_app, client):
    response = client.get("/api/v1/questions/trump-approval/polls?page_size=1&note=AT%26T%20%3Cx%3E")
    assert response.status_code == 200
    assert "<x>" not in response.headers.get("Link", "") and "AT%26T" in response.headers.get("Link", "")
    # a raw newline (header splitting) is refused before any view runs (issue 18)
    newline = client.get("/api/v1/questions/trump-approval/polls?page_size=1&note=AT%26T%0A")
    assert newline.status_code == 400 and "note" in newline.get_json()["error"]["fields"]


def test_a_body_that_is_not_json_or_not_an_object_is_named_as_the_body(demo_app, client, token):
    broken = client.post("/api/v1/questions/calexit/polls", data="{not json",
                         content_type="application/json", headers=auth(token))
    assert broken.status_code == 400 and "not valid JSON" in broken.get_json()["error"]["message"]
    listed = client.post("/api/v1/questions/calexit/polls", json=[1, 2], headers=auth(token))
    assert listed.status_code == 422 and "body" in listed.get_json()["error"]["fields"]


@pytest.mark.skipif(not ON_POSTGRES, reason="row locks: PostgreSQL (SQLite serialises writers itself)")
def test_concurrent_patches_of_one_poll_see_each_other(demo_app, client, token):
    """Field dates 04-10..04-12; at the same moment one PATCH moves the start to 04-11 and
    another the end to 04-10. Each is valid alone, together the poll would end before it
    starts. With the row lock the second sees the first and is refused (422), not a 500
    from the database's check."""
    import threading

    created = client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).get_json()
    url = f"/api/v1/polls/{created['id']}"
    statuses = []
    start = threading.Barrier(2)

    def patch(change):
        own = demo_app.test_client()
        start.wait()
        statuses.append(own.patch(url, json=change, headers=auth(token)).status_code)

    threads = [threading.Thread(target=patch, args=({"start_date": "2017-04-11"},)),
               threading.Thread(target=patch, args=({"end_date": "2017-04-10"},))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 422]
    stored = client.get(url).get_json()
    assert stored["start_date"] <= stored["end_date"]
