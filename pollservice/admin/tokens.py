"""API tokens (admins only): each token's scope, questions and races, account, expiry and
last use; create one (shown once, acting for the admin who made it) and revoke one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..domain.errors import ServiceError, ValidationFailed
from ..services import tokens
from ..services.tokens import SCOPES
from .access import requires
from .blueprint import bp


def _slugs(text: str) -> list[str]:
    return [s for s in (part.strip() for part in text.replace("\n", ",").split(",")) if s]


def _page(status: int = 200, shown: tuple[str, str] | None = None, errors: dict | None = None, form=None):
    records = tokens.list_tokens()
    return render_template("admin/tokens.html", tokens=records, scopes=SCOPES,
                           slugs={r.id: tokens.scope_slugs(r) for r in records},
                           shown=shown, errors=errors or {}, form=form or {}), status


@bp.get("/tokens")
@requires("tokens.manage")
def tokens_page():
    return _page()


def _days(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed("Cannot create that token.",
                               fields={"expires_in": "must be a whole number of days"})
    return int(text)


@bp.post("/tokens")
@requires("tokens.manage")
def new_token():
    form = request.form
    try:
        record, token = tokens.create_token(
            form.get("name", ""), _days(form.get("expires_in", "")), scope=form.get("scope", ""),
            questions=_slugs(form.get("questions", "")), races=_slugs(form.get("races", "")),
            user=current_user._get_current_object(), actor=f"user:{current_user.username}")
    except ServiceError as error:
        return _page(error.status, errors={**error.fields, "_": error.message}, form=form)
    flash(f"Token {record.name!r} created. Store it now: it is not shown again.", "success")
    return _page(201, shown=(record.name, token))


@bp.post("/tokens/<int:token_id>/revoke")
@requires("tokens.manage")
def revoke_token(token_id: int):
    record = tokens.revoke_token(tokens.token_by_id(token_id).name, actor=f"user:{current_user.username}")
    flash(f"Token {record.name!r} is revoked: requests with it get 401.", "success")
    return redirect(url_for("admin.tokens_page"))
