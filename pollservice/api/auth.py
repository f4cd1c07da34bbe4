"""Bearer-token authentication for API writes (never a cookie)."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from ..domain.errors import error_body
from ..domain.roles import PERMISSIONS
from ..services.tokens import authenticate_token, check_token_allows


def unauthorized(message: str):
    body = error_body("unauthorized", message, {"Authorization": message})
    response = jsonify(body)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="pollservice"'
    return response


def token_required(permission: str):
    """A write needing ``permission`` (``domain/roles.PERMISSIONS``): 401 without a live
    token, 403 naming the scope when the token's scope, its account's role or its
    questions do not allow it. Checked before the body is read."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return unauthorized("send Authorization: Bearer <token>")
            record = authenticate_token(token.strip())
            if record is None:
                return unauthorized("the token is unknown, revoked or expired")
            check_token_allows(record, permission, slug=kwargs.get("slug"), poll_id=kwargs.get("poll_id"))
            g.api_actor = f"token:{record.name}"
            return view(*args, **kwargs)

        wrapper.permission = permission  # type: ignore[attr-defined]
        return wrapper  # its permission is read by the URL-map test (tests/test_roles.py)

    return decorator
