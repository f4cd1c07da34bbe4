"""Accounts (admins only): the list, create with a first password shown once, disable and
enable, reset a password (a new temporary one, shown once), change the role, end the
sessions; the account audit trail. And every account's own page: change the password
with the current one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..domain.errors import ServiceError, ValidationFailed
from ..domain.roles import ROLES
from ..services import users
from ..services.audit import account_history
from .access import requires
from .auth import start_session
from .blueprint import bp
from .forms import NewUserForm, PasswordChangeForm, attach_errors


def actor() -> str:
    return f"user:{current_user.username}"


def _page(form: NewUserForm | None = None, status: int = 200, shown: tuple[str, str] | None = None):
    """``shown``: (username, password) of a first or reset password, on this page only."""
    return render_template("admin/users.html", users=users.list_users(), roles=ROLES,
                           form=form or NewUserForm(formdata=None), shown=shown,
                           history=account_history()), status


@bp.get("/users")
@requires("users.manage")
def users_page():
    return _page()


@bp.post("/users")
@requires("users.manage")
def new_user():
    form = NewUserForm()
    password = users.temporary_password()
    try:
        user = users.create_user(form.username.data or "", password, form.role.data or "",
                                 actor=actor(), must_change_password=True)
    except ServiceError as error:
        attach_errors(form, error.fields)
        return _page(form, error.status)
    flash(f"Account {user.username!r} created. Give them the first password below; it is not "
          "shown again, and they choose their own at their first sign-in.", "success")
    return _page(status=201, shown=(user.username, password))


def _back(message: str):
    flash(message, "success")
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<int:user_id>/disable")
@requires("users.manage")
def disable_user(user_id: int):
    user = users.set_disabled(users.user_by_id(user_id).username, True, actor=actor())
    return _back(f"{user.username!r} is disabled: their sessions and API tokens stopped working.")


@bp.post("/users/<int:user_id>/enable")
@requires("users.manage")
def enable_user(user_id: int):
    user = users.set_disabled(users.user_by_id(user_id).username, False, actor=actor())
    return _back(f"{user.username!r} is enabled again.")


@bp.post("/users/<int:user_id>/role")
@requires("users.manage")
def change_role(user_id: int):
    user = users.set_role(users.user_by_id(user_id).username, request.form.get("role", ""), actor=actor())
    return _back(f"{user.username!r} is now a {user.role}.")


@bp.post("/users/<int:user_id>/end-sessions")
@requires("users.manage")
def end_user_sessions(user_id: int):
    user = users.end_sessions(users.user_by_id(user_id).username, actor=actor())
    return _back(f"Every session of {user.username!r} has ended.")


@bp.post("/users/<int:user_id>/reset-password")
@requires("users.manage")
def reset_user_password(user_id: int):
    user, password = users.reset_password(users.user_by_id(user_id).username, actor=actor())
    flash(f"{user.username!r} has a new temporary password (below, shown once); their sessions "
          "ended and they choose their own at the next sign-in.", "success")
    return _page(shown=(user.username, password))


@bp.route("/account", methods=["GET", "POST"])
@login_required  # every account, whatever its role, and before it has chosen a password
def account():
    form = PasswordChangeForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("admin/account.html", form=form), 200 if request.method == "GET" else 422
    try:
        if form.new_password.data != form.confirm.data:
            raise ValidationFailed("Cannot change the password.",
                                   fields={"confirm": "does not match the new password"})
        user = users.change_password(current_user._get_current_object(), form.current_password.data,
                                     form.new_password.data)
    except ServiceError as error:
        attach_errors(form, error.fields)
        return render_template("admin/account.html", form=form), error.status
    start_session(user)  # the change ended every session, this one included: sign in again
    flash("Password changed; your other sessions have ended.", "success")
    return redirect(url_for("admin.home"))
