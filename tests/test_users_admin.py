"""Accounts in the web UI (admins only): create with a first password shown once, disable
and enable, reset a password, change a role, end sessions; everyone changes their own
password with the current one; every change is in the account audit trail."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from pollservice.extensions import db
from pollservice.models import User, UserAudit

PASSWORD = "correct horse battery"


def shown_password(page: str) -> str:
    return re.search(r'<code class="one-time-password">([^<]+)</code>', page).group(1)


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).where(User.username == username)).scalar_one()


@pytest.fixture
def newcomer(app, logged_in):
    """An editor the admin created; returns (name, first password)."""
    page = logged_in.post("/admin/users", data={"username": "newcomer", "role": "editor"})
    assert page.status_code == 201
    return "newcomer", shown_password(page.get_data(as_text=True))


def test_an_admin_creates_an_account_whose_first_password_is_shown_once(app, logged_in, newcomer):
    name, first = newcomer
    listing = logged_in.get("/admin/users").get_data(as_text=True)
    assert name in listing and first not in listing  # shown once, never again
    user = app.test_client()
    signed_in = user.post("/admin/login", data={"username": name, "password": first})
    assert signed_in.headers["Location"] == "/admin/account"
    assert user.get("/admin/polls").headers["Location"] == "/admin/account"  # choose one first
    changed = user.post("/admin/account", data={"current_password": first, "new_password": "my own password",
                                                "confirm": "my own password"})
    assert changed.status_code == 302
    assert user.get("/admin/polls").status_code == 200
    assert user.get("/admin/users").status_code == 403  # an editor


def test_a_bad_or_taken_name_is_refused_next_to_the_field_and_nothing_is_stored(app, logged_in):
    for data, message in (({"username": "", "role": "editor"}, "Must be 1 to 80 characters."),
                          ({"username": "editor", "role": "editor"}, "Already taken."),
                          ({"username": "x", "role": "chief"}, "Must be one of admin, editor, reviewer.")):
        page = logged_in.post("/admin/users", data=data)
        assert page.status_code in (409, 422) and message in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 1


def test_disable_enable_reset_role_and_end_sessions(app, logged_in, newcomer):
    name, first = newcomer
    uid = user_id(app, name)
    user = app.test_client()
    user.post("/admin/login", data={"username": name, "password": first})
    user.post("/admin/account", data={"current_password": first, "new_password": "my own password",
                                      "confirm": "my own password"})
    assert user.get("/admin/polls").status_code == 200

    assert logged_in.post(f"/admin/users/{uid}/end-sessions").status_code == 302
    assert user.get("/admin/polls").status_code == 302  # signed out
    user.post("/admin/login", data={"username": name, "password": "my own password"})

    assert logged_in.post(f"/admin/users/{uid}/disable").status_code == 302
    assert user.get("/admin/polls").status_code == 302
    refused = user.post("/admin/login", data={"username": name, "password": "my own password"})
    assert refused.status_code == 200
    assert logged_in.post(f"/admin/users/{uid}/enable").status_code == 302
    assert sign_in(user, name, "my own password") == 302

    assert logged_in.post(f"/admin/users/{uid}/role", data={"role": "admin"}).status_code == 302
    assert user.get("/admin/users").status_code == 200

    reset = logged_in.post(f"/admin/users/{uid}/reset-password")
    temporary = shown_password(reset.get_data(as_text=True))
    assert user.get("/admin/polls").status_code == 302  # the reset ended the sessions
    assert sign_in(user, name, "my own password") == 200
    assert sign_in(user, name, temporary) == 302

    audit = logged_in.get("/admin/users").get_data(as_text=True)
    for action in ("user.create", "user.end_sessions", "user.disable", "user.enable", "user.role",
                   "user.reset_password", "user.change_password"):
        assert action in audit, action
    with app.app_context():
        actors = set(db.session.execute(select(UserAudit.actor)).scalars())
    assert actors == {"user:editor", "user:newcomer"}


def test_an_admin_cannot_disable_or_demote_themselves(app, logged_in):
    uid = user_id(app, "editor")
    page = logged_in.post(f"/admin/users/{uid}/disable")
    assert page.status_code == 403 and b"your own account" in page.data
    assert logged_in.post(f"/admin/users/{uid}/role", data={"role": "editor"}).status_code == 403
    assert logged_in.get("/admin/users").status_code == 200


def test_an_unknown_account_is_404(logged_in):
    assert logged_in.post("/admin/users/999/disable").status_code == 404


def change(client, current: str, new: str, confirm: str | None = None):
    return client.post("/admin/account", data={"current_password": current, "new_password": new,
                                               "confirm": new if confirm is None else confirm})


def sign_in(client, name: str, password: str) -> int:
    return client.post("/admin/login", data={"username": name, "password": password}).status_code


def test_everyone_changes_their_own_password_with_the_current_one(app, logged_in):
    wrong = change(logged_in, "nope", "long enough pw")
    assert wrong.status_code == 422 and b"Is not your current password." in wrong.data
    short = change(logged_in, PASSWORD, "short")
    assert short.status_code == 422 and b"Must be at least 8 characters." in short.data
    mismatch = change(logged_in, PASSWORD, "long enough pw", "other one pw")
    assert mismatch.status_code == 422 and b"Does not match the new password." in mismatch.data
    ok = change(logged_in, PASSWORD, "long enough pw")
    assert ok.status_code == 302
    assert logged_in.get("/admin/polls").status_code == 200  # this session goes on
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert stored.startswith("scrypt:") and "long enough pw" not in stored
    other = app.test_client()
    assert sign_in(other, "editor", PASSWORD) == 200
    assert sign_in(other, "editor", "long enough pw") == 302


def test_an_admin_cannot_reset_their_own_password_from_the_users_page(app, logged_in):
    """The row hides the button; a crafted POST is refused too (it would end the admin's own
    session behind a temporary password)."""
    uid = user_id(app, "editor")
    page = logged_in.post(f"/admin/users/{uid}/reset-password")
    assert page.status_code == 403
    assert logged_in.get("/admin/users").status_code == 200  # still signed in


def test_admin_answers_are_never_stored_by_a_browser(app, logged_in, newcomer):
    """The page that shows a first password once must not come back from the history."""
    page = logged_in.post("/admin/users", data={"username": "another", "role": "editor"})
    assert page.status_code == 201 and page.headers["Cache-Control"] == "no-store"
    assert logged_in.get("/admin/users").headers["Cache-Control"] == "no-store"


def test_two_accounts_created_with_one_name_at_once_give_a_409_not_a_500(app, logged_in, monkeypatch):
    """Both creates pass the "taken" check before either inserts: the unique constraint
    decides, and the loser gets the same 409 as a name taken earlier."""
    from pollservice.services import users

    assert logged_in.post("/admin/users", data={"username": "twin", "role": "editor"}).status_code == 201
    monkeypatch.setattr(users, "_username_taken", lambda name: False)  # the check ran first
    page = logged_in.post("/admin/users", data={"username": "twin", "role": "editor"})
    assert page.status_code == 409 and b"Already taken." in page.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "twin")) == 1
