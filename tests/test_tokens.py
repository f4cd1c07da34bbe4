"""API tokens with scopes: read or write, every question or chosen questions and races,
expiry; a write outside the token's scope is a 403 naming the scope; admins see each
token's scope, owner, expiry and last use, create (shown once) and revoke them."""

from __future__ import annotations

import re

import pytest
from race_support import RACE_SLUG, SLUG, build_race
from sqlalchemy import select

from pollservice.extensions import db
from pollservice.models import ApiToken, Poll, Question, UserAudit
from pollservice.services.tokens import create_token

POLL = {"pollster": "Scoped Pollster", "start_date": "2017-04-10", "end_date": "2017-04-12",
        "population": "lv", "results": {"Support": 35, "Oppose": 55}}
APPROVAL_POLL = {**POLL, "results": {"Approve": 40, "Disapprove": 50}}


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def a_poll_of(app, slug: str) -> int:
    with app.app_context():
        query = select(Poll.id).join(Question).where(Question.slug == slug).limit(1)
        return db.session.execute(query).scalar_one()


def test_a_read_token_cannot_write(demo_app, client):
    with demo_app.app_context():
        _, token = create_token("reader", scope="read")
    response = client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token))
    assert response.status_code == 403
    assert response.get_json()["error"]["fields"] == {"scope": "write needed"}


def test_a_token_held_to_one_question_writes_it_and_no_other(demo_app, client):
    with demo_app.app_context():
        _, token = create_token("calexit-desk", questions=["calexit"])
    assert client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).status_code == 201
    other = client.post("/api/v1/questions/trump-approval/polls", json=APPROVAL_POLL, headers=auth(token))
    assert other.status_code == 403
    body = other.get_json()["error"]
    assert body["code"] == "forbidden" and "scope" in body["fields"]
    approval_poll = a_poll_of(demo_app, "trump-approval")
    assert client.patch(f"/api/v1/polls/{approval_poll}", json={"sample_size": 901},
                        headers=auth(token)).status_code == 403
    assert client.delete(f"/api/v1/polls/{approval_poll}", headers=auth(token)).status_code == 403
    calexit_poll = a_poll_of(demo_app, "calexit")
    assert client.patch(f"/api/v1/polls/{calexit_poll}", json={"sample_size": 901},
                        headers=auth(token)).status_code == 200


def test_a_token_held_to_a_race_writes_the_races_questions(app, client):

    build_race(app)
    with app.app_context():
        _, token = create_token("race-desk", races=[RACE_SLUG])
    poll_id = a_poll_of(app, SLUG)
    assert client.patch(f"/api/v1/polls/{poll_id}", json={"sample_size": 1234},
                        headers=auth(token)).status_code == 200


def test_an_unknown_question_in_the_scope_is_refused_and_nothing_is_stored(app):
    from pollservice.domain.errors import ValidationFailed

    with app.app_context():
        with pytest.raises(ValidationFailed) as refused:
            create_token("typo", questions=["no-such-question"])
        assert refused.value.fields == {"questions": "unknown slug"}
        assert db.session.execute(select(ApiToken)).first() is None


def test_using_a_token_notes_when_it_was_last_used(demo_app, client):
    with demo_app.app_context():
        record, token = create_token("used")
        assert record.last_used_at is None
    client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token))
    with demo_app.app_context():
        assert db.session.execute(select(ApiToken.last_used_at)).scalar_one() is not None


def test_admins_create_see_and_revoke_tokens(demo_app, logged_in, client):
    created = logged_in.post("/admin/tokens", data={"name": "desk", "scope": "write", "questions": "calexit",
                                                    "races": "", "expires_in": "30"})
    assert created.status_code == 201
    page = created.get_data(as_text=True)
    token = re.search(r'<code class="one-time-password">([^<]+)</code>', page).group(1)
    assert client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).status_code == 201
    listing = logged_in.get("/admin/tokens").get_data(as_text=True)
    assert token not in listing
    row = re.search(r"<tr><td>desk</td>.*?</tr>", listing, re.S).group(0)
    assert "write" in row and "calexit" in row and "editor" in row  # owner: the admin who made it
    assert "never" not in row  # it was used: the time is shown
    with demo_app.app_context():
        record_id = db.session.execute(select(ApiToken.id)).scalar_one()
    assert logged_in.post(f"/admin/tokens/{record_id}/revoke").status_code == 302
    assert client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token)).status_code == 401
    bad = logged_in.post("/admin/tokens", data={"name": "", "scope": "write", "questions": "nope"})
    assert bad.status_code == 422 and "Must be 1 to 80 characters." in bad.get_data(as_text=True)
    with demo_app.app_context():
        actions = list(db.session.execute(select(UserAudit.action).order_by(UserAudit.id)).scalars())
    assert actions == ["token.create", "token.revoke"]


def test_create_token_on_the_command_line_takes_scope_questions_and_account(demo_app, runner, admin, client):
    result = runner.invoke(args=["create-token", "cli-reader", "--scope", "read", "--question", "calexit",
                                 "--user", "editor"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    with demo_app.app_context():
        record = db.session.execute(select(ApiToken)).scalar_one()
        assert (record.scope, record.user.username, len(record.question_ids)) == ("read", "editor", 1)
    response = client.post("/api/v1/questions/calexit/polls", json=POLL, headers=auth(token))
    assert response.status_code == 403
    unknown = runner.invoke(args=["create-token", "x", "--user", "nobody"])
    assert unknown.exit_code == 1 and "nobody" in unknown.output


def test_two_tokens_created_with_one_name_at_once_give_a_conflict(app, monkeypatch):
    """Both pass the "taken" check before either inserts: the loser's unique-constraint
    error becomes the same Conflict (409) as a name taken earlier, and one token is kept."""
    from pollservice.domain.errors import Conflict
    from pollservice.services import tokens

    with app.app_context():
        create_token("twin")
        monkeypatch.setattr(tokens, "_name_taken", lambda name: False)  # the check ran first
        with pytest.raises(Conflict) as refused:
            create_token("twin")
        assert refused.value.fields == {"name": "already taken"}
        assert len(db.session.execute(select(ApiToken).where(ApiToken.name == "twin")).all()) == 1
