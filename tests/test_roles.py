"""Roles: every admin view and API write names a permission of ``domain/roles.py``, and
each role gets exactly what the table gives it (403 otherwise), checked over the URL map."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pollservice.domain.roles import PERMISSIONS, ROLES, may
from pollservice.extensions import db
from pollservice.models import User

PASSWORD = "correct horse battery"
# Views any signed-in account may use: its own sign-out and password.
OWN_ACCOUNT = {"admin.login", "admin.logout", "admin.account"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def accounts(app, admin_password_hash):
    """One account per role, named after it."""
    with app.app_context():
        for role in ROLES:
            db.session.add(User(username=role, password_hash=admin_password_hash, role=role))
        db.session.commit()
    return list(ROLES)


def signed_in(app, role: str):
    client = app.test_client()
    assert client.post("/admin/login", data={"username": role, "password": PASSWORD}).status_code == 302
    return client


def url_of(rule) -> str:
    """The rule's URL with every argument naming nothing (no account is disabled by it)."""
    url = rule.rule
    for argument in rule.arguments:
        url = url.replace(f"<int:{argument}>", "999").replace(f"<{argument}>", "999")
    return url


def admin_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")
            and r.endpoint not in OWN_ACCOUNT]


def api_write_rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint.startswith("api.") and r.methods & WRITE_METHODS]


def test_every_admin_view_and_api_write_names_a_known_permission(app):
    rules = admin_rules(app) + api_write_rules(app)
    assert len(rules) > 20
    for rule in rules:
        permission = getattr(app.view_functions[rule.endpoint], "permission", None)
        assert permission in PERMISSIONS, f"{rule.endpoint} names no permission ({permission!r})"


def test_each_role_reaches_exactly_the_admin_views_its_permissions_allow(app, accounts):
    clients = {role: signed_in(app, role) for role in accounts}
    for rule in admin_rules(app):
        permission = app.view_functions[rule.endpoint].permission
        url = url_of(rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            for role, client in clients.items():
                status = client.open(url, method=method).status_code
                if may(role, permission):
                    assert status != 403, f"{role} {method} {rule.endpoint}: 403 though allowed"
                else:
                    assert status == 403, f"{role} {method} {rule.endpoint} ({permission}): {status}"


def test_the_table_gives_editors_content_reviewers_publishing_and_admins_everything():
    assert not may("editor", "users.manage") and not may("editor", "webhooks.manage")
    assert may("editor", "polls.write") and may("editor", "uploads.write")
    assert not may("reviewer", "polls.write") and may("reviewer", "polls.publish")
    assert all(may("admin", permission) for permission in PERMISSIONS)


def test_an_editor_gets_403_on_user_admin_and_a_reviewer_cannot_add_polls(app, accounts):
    editor = signed_in(app, "editor")
    page = editor.get("/admin/users")
    assert page.status_code == 403 and b"users.manage" in page.data
    reviewer = signed_in(app, "reviewer")
    assert reviewer.get("/admin/polls/new").status_code == 403
    assert reviewer.get("/admin/polls").status_code == 200
    nav = editor.get("/admin/polls").get_data(as_text=True)
    assert "/admin/users" not in nav and "/admin/webhooks" not in nav and "/admin/uploads/new" in nav
    assert "/admin/users" in signed_in(app, "admin").get("/admin/polls").get_data(as_text=True)


def test_api_writes_follow_the_token_accounts_role(demo_app, accounts):
    from pollservice.services.tokens import create_token
    from pollservice.services.users import find_user

    with demo_app.app_context():
        tokens = {role: create_token(f"{role}-token", user=find_user(role))[1] for role in accounts}
    client = demo_app.test_client()
    for rule in api_write_rules(demo_app):
        method = sorted(rule.methods & WRITE_METHODS)[0]
        for role, token in tokens.items():
            response = client.open(url_of(rule), method=method, json={},
                                   headers={"Authorization": f"Bearer {token}"})
            if may(role, demo_app.view_functions[rule.endpoint].permission):
                assert response.status_code != 403, f"{role} {rule.endpoint}"
            else:
                assert response.status_code == 403, f"{role} {rule.endpoint}: {response.status_code}"
                assert response.get_json()["error"]["fields"] == {"scope": "polls.write needed"}


def test_existing_accounts_are_admins_and_create_admin_still_makes_one(app, runner, monkeypatch):
    monkeypatch.setenv("POLLSERVICE_ADMIN_PASSWORD", "long-enough-pw")
    assert runner.invoke(args=["create-admin", "carol"]).exit_code == 0
    with app.app_context():
        assert db.session.execute(select(User.role).where(User.username == "carol")).scalar_one() == "admin"


def test_set_role_changes_the_role_and_refuses_an_unknown_one(app, runner, accounts):
    result = runner.invoke(args=["set-role", "editor", "reviewer"])
    assert result.exit_code == 0, result.output
    assert "reviewer" in result.output
    with app.app_context():
        role = db.session.execute(select(User.role).where(User.username == "editor")).scalar_one()
    assert role == "reviewer"
    bad = runner.invoke(args=["set-role", "editor", "chief"])
    assert bad.exit_code != 0 and "role" in bad.output
    unknown = runner.invoke(args=["set-role", "nobody", "editor"])
    assert unknown.exit_code == 1 and "nobody" in unknown.output
