"""One error policy: JSON under ``/api``, HTML pages elsewhere."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, SecurityError

from .domain.errors import BadRequest, NotFound, NotReady, ServiceError, error_body
from .domain.validation import text_problem
from .web.old_slugs import moved_url


def wants_json() -> bool:
    return request.path.startswith("/api/")


def flatten(messages, prefix: str = "") -> dict[str, str]:
    """webargs/marshmallow messages ({"results": {"Support": {"value": ["..."]}}}) as
    ``{"results.Support": "..."}``."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("value", "_schema") and prefix:
                flat.update(flatten(value, prefix))
            elif key == "key":  # a bad key of a dict field
                flat.update(flatten(value, prefix))
            else:
                flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(messages, list | tuple):
        texts = [m for m in messages if isinstance(m, str)]
        for item in messages:
            if not isinstance(item, str):
                flat.update(flatten(item, prefix))
        if texts:
            flat[prefix or "request"] = " ".join(texts)
    else:
        flat[prefix or "request"] = str(messages)
    return flat


def argument_error(error: HTTPException, messages: dict):
    """Bad query parameters are a 400 (malformed request: the views parse them with
    ``error_status_code=400``); a JSON body that breaks the schema is a 422 (well-formed
    but invalid). Both name every field."""
    fields: dict[str, str] = {}
    for location_messages in messages.values():
        flat = flatten(location_messages)
        if "_schema" in flat:  # the body as a whole (e.g. a list where an object belongs)
            flat["body"] = flat.pop("_schema")
        fields.update(flat)
    if error.code == 400 and "json" in messages:
        status, code, text = 400, "bad_request", "The request body is not valid JSON."
    elif error.code == 400:
        status, code, text = 400, "bad_request", "Invalid query parameters."
    else:
        status, code, text = 422, "validation_failed", "The request body has invalid fields."
    detail = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
    body = error_body(code, f"{text} {detail}".strip(), fields)
    if wants_json():
        return jsonify(body), status
    return render_template("error.html", status=status, message=body["error"]["message"]), status


def http_error(error: HTTPException):
    if isinstance(error, SecurityError):  # a Host not in TRUSTED_HOSTS: no URL can be built
        return jsonify(error_body("bad_request", error.description)), 400
    messages = (getattr(error, "data", None) or {}).get("messages")
    if messages is not None:  # webargs could not parse a query string or JSON body
        return argument_error(error, messages)
    if error.code == 429:
        error.description = f"Too many attempts ({error.description}); wait and try again."
    if wants_json():
        code = (error.name or "error").lower().replace(" ", "_")
        body: dict[str, Any] = error_body(code, error.description)
        response = jsonify(body)
        response.status_code = error.code or 500
        return response
    return render_template("error.html", status=error.code, message=error.description), error.code


def refuse_control_characters() -> None:
    """Before every request: a path or query string holding a control character (``%00``)
    is a 400 naming where, instead of reaching a query (PostgreSQL refuses NUL in text:
    a 500) or matching nothing by chance. Most requests pass the first test."""
    path, query = request.path, request.query_string
    plain_query = not query or (b"%" not in query and query.isascii() and query.decode().isprintable())
    if path.isprintable() and plain_query:
        return
    problem = text_problem(path)
    if problem:
        raise BadRequest(f"The address {problem}.", fields={"path": problem})
    for name, value in request.args.items(multi=True):
        problem = text_problem(name + value)
        if problem:
            raise BadRequest(f"The query parameter {name!r} {problem}.", fields={name: problem})


# The database refused, did not answer in time, or dropped the connection: try again soon.
DATABASE_RETRY_AFTER = 5  # seconds
DATABASE_DOWN_PAGE = ("<!doctype html><html lang=en><meta charset=utf-8><title>503 Service Unavailable"
                      "</title><h1>Service unavailable</h1><p>{message}</p></html>")


def database_down():
    """A 503 with ``Retry-After``. The page is plain HTML, not the site's template: that
    would load the signed-in user from the database that just failed. A write that failed
    so may or may not be stored (the connection may have dropped during its commit)."""
    message = ("The database is not answering; nothing is lost, try again in a few seconds. "
               "A write sent just now may or may not have been stored: look before sending it again.")
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
    if wants_json():
        body = error_body("database_unavailable", message)
        return jsonify(body), 503, headers
    page = DATABASE_DOWN_PAGE.format(message=escape(message))
    return page, 503, {**headers, "Content-Type": "text/html; charset=utf-8"}


def init_app(app: Flask) -> None:
    app.before_request(refuse_control_characters)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if isinstance(error, NotFound) and (moved := moved_url()):
            return redirect(moved, 301)
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, NotReady) else {}
        if wants_json():
            return jsonify(error.to_dict()), error.status, headers
        return (render_template("error.html", status=error.status, message=error.message),
                error.status, headers)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = f"The form has expired or was not sent from this site ({error.description})."
        if wants_json():
            body = error_body("csrf_failed", message)
            return jsonify(body), 400
        return render_template("error.html", status=400, message=message), 400

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(PoolTimeout)
    def database_error(error: Exception):
        app.logger.warning("The database failed on %s %s: %s", request.method, request.path,
                           str(error).splitlines()[0] if str(error) else type(error).__name__)
        return database_down()

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if app.testing:
            raise error  # let the test see the traceback
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        message = "Something went wrong on our side; the error has been logged."
        if wants_json():
            return jsonify(error_body("internal_error", message)), 500
        return render_template("error.html", status=500, message=message), 500
