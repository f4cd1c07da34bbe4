"""Admin sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import login_required, login_user, logout_user

from ..extensions import limiter
from ..services.users import authenticate
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
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(user)
            flash(f"Signed in as {user.username}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("admin.new_poll"))
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("web.index"))
