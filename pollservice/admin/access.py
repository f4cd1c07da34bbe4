"""The decorator that guards every admin view: signed in, and the account's role has the
view's permission (``domain/roles.PERMISSIONS``); else the sign-in page or a 403 naming
the permission. An account given a temporary password is sent to choose its own first."""

from __future__ import annotations

from functools import wraps

from flask import flash, redirect, url_for
from flask_login import current_user, login_required

from ..domain.errors import Forbidden
from ..domain.roles import PERMISSIONS, may
from .blueprint import bp


def requires(permission: str):
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.must_change_password:
                flash("Choose a password of your own first.", "info")
                return redirect(url_for("admin.account"))
            if not may(current_user.role, permission):
                raise Forbidden(f"Your role ({current_user.role}) may not do this: it needs "
                                f"the permission {permission}.", fields={"role": f"{permission} needed"})
            return view(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # its permission is read by the URL-map test (tests/test_roles.py)

    return decorator


@bp.app_context_processor
def permissions_in_templates() -> dict:
    """``may_do("users.manage")`` in templates: which links the navigation shows."""
    def may_do(permission: str) -> bool:
        return bool(current_user.is_authenticated and may(current_user.role, permission))
    return {"may_do": may_do}
