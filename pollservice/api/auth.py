"""Bearer-token authentication for API writes (never a cookie)."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request

from ..domain.errors import error_body
from ..services.tokens import authenticate_token


def unauthorized(message: str):
    body = error_body("unauthorized", message, {"Authorization": message})
    response = jsonify(body)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="pollservice"'
    return response


def token_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return unauthorized("send Authorization: Bearer <token>")
        record = authenticate_token(token.strip())
        if record is None:
            return unauthorized("the token is unknown, revoked or expired")
        g.api_actor = f"token:{record.name}"
        return view(*args, **kwargs)

    return wrapper
