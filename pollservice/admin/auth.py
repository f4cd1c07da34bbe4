"""Admin sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import limiter
from ..services.users import authenticate, end_sessions
from .blueprint import bp
from .forms import LoginForm


def safe_next(target: str | None) -> str | None:
    """Only a local path may follow login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def submitted_username() -> str:
    """Rate-limit key: the account being tried, whatever address it is tried from."""
    return "user:" + (request.form.get("username") or "").strip().casefold()


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])  # per IP address
@limiter.limit(login_rate_limit, methods=["POST"], key_func=submitted_username)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append("Unknown user or wrong password.")
        else:
            start_session(user)
            flash(f"Signed in as {user.username}.", "success")
            if user.must_change_password:
                return redirect(url_for("admin.account"))
            return redirect(safe_next(request.args.get("next")) or url_for("admin.home"))
    return render_template("admin/login.html", form=form)


def start_session(user) -> None:
    """A new session for ``user``: whatever the cookie held before (a CSRF token planted in
    it, an earlier user's values) is dropped, so the CSRF token is made anew."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's copy for this request
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    login_user(user)


@bp.post("/logout")
@login_required
def logout():
    # Ends the session on the server: a copy of this cookie no longer signs anyone in.
    end_sessions(current_user.username, actor=f"user:{current_user.username}")
    logout_user()
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("web.index"))
