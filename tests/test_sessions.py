"""Sessions end on the server: a cookie replayed after sign-out, after an admin ended the
user's sessions or after the account was disabled is refused; sign-in renews the session
and its CSRF token (a token planted before sign-in is refused after it)."""

from __future__ import annotations

import re

from conftest import make_app
from pollservice.extensions import db
from pollservice.models import User

COOKIE = "session"


def session_cookie(client) -> str:
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(client, value: str) -> None:
    client.set_cookie(COOKIE, value)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_session_cookie_replayed_after_sign_out_is_refused(logged_in):
    assert logged_in.get("/admin/polls").status_code == 200
    captured = session_cookie(logged_in)
    assert logged_in.post("/admin/logout").status_code == 302
    replay(logged_in, captured)
    response = logged_in.get("/admin/polls")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_signing_in_again_after_sign_out_works(logged_in, admin):
    logged_in.post("/admin/logout")
    assert logged_in.post("/admin/login", data=admin).status_code == 302
    assert logged_in.get("/admin/polls").status_code == 200


def test_an_ended_or_disabled_users_cookie_stops_working_at_once(app, logged_in):
    from pollservice.services.users import end_sessions, set_disabled

    captured = session_cookie(logged_in)
    with app.app_context():
        end_sessions("editor", actor="cli")
    assert logged_in.get("/admin/polls").status_code == 302
    # a fresh sign-in works; disabling the account ends it too, and refuses the next sign-in
    logged_in.post("/admin/login", data={"username": "editor", "password": "correct horse battery"})
    assert logged_in.get("/admin/polls").status_code == 200
    with app.app_context():
        set_disabled("editor", True, actor="cli")
    assert logged_in.get("/admin/polls").status_code == 302
    replay(logged_in, captured)
    assert logged_in.get("/admin/polls").status_code == 302
    again = logged_in.post("/admin/login", data={"username": "editor", "password": "correct horse battery"})
    assert again.status_code == 200 and b"Unknown user or wrong password" in again.data


def test_a_csrf_token_planted_before_sign_in_is_refused_after_it(database_url, tmp_path, admin):
    app = make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    attacker = app.test_client()
    planted_token = csrf_token(attacker.get("/admin/login").get_data(as_text=True))
    planted_cookie = session_cookie(attacker)

    victim = app.test_client()
    replay(victim, planted_cookie)  # e.g. set through a sibling subdomain
    signed_in = victim.post("/admin/login", data={**admin, "csrf_token": planted_token})
    assert signed_in.status_code == 302
    assert session_cookie(victim) != planted_cookie
    forged = victim.post("/admin/logout", data={"csrf_token": planted_token})
    assert forged.status_code == 400
    assert victim.get("/admin/polls").status_code == 200  # still signed in
    fresh = csrf_token(victim.get("/admin/questions/new").get_data(as_text=True))
    assert fresh != planted_token
    assert victim.post("/admin/logout", data={"csrf_token": fresh}).status_code == 302


def test_a_session_made_before_the_epoch_column_is_refused(app, logged_in):
    """A cookie holding only the user id (as the app wrote before sessions had an epoch)
    does not sign anyone in."""
    with logged_in.session_transaction() as session:
        session["_user_id"] = str(session["_user_id"]).split(":")[0]
    assert logged_in.get("/admin/polls").status_code == 302
    with app.app_context():
        assert db.session.query(User).count() == 1


def test_a_disabled_accounts_api_token_stops_working_at_once(demo_app, client, admin):
    from pollservice.services.tokens import create_token
    from pollservice.services.users import find_user, set_disabled

    with demo_app.app_context():
        _, token = create_token("desk", user=find_user("editor"))
    headers = {"Authorization": f"Bearer {token}"}
    poll = {"pollster": "Desk Poll", "start_date": "2017-04-01", "end_date": "2017-04-02",
            "population": "a", "results": {"Support": 30}}
    assert client.post("/api/v1/questions/calexit/polls", json=poll, headers=headers).status_code == 201
    with demo_app.app_context():
        set_disabled("editor", True, actor="cli")
    refused = client.post("/api/v1/questions/calexit/polls", json={**poll, "pollster": "Other"},
                          headers=headers)
    assert refused.status_code == 401
