"""Write endpoints (token-authenticated): add, change, delete and restore polls.

A body is checked in one round: when the schema refuses some of its fields, the poll's
rules still run on the rest (``one_round``), so the 422 lists every problem at once."""

from __future__ import annotations

from functools import wraps

from flask import g, jsonify, request, url_for
from werkzeug.exceptions import UnprocessableEntity

from ..domain.errors import PollExists
from ..errors import flatten
from ..services import idempotency
from ..services.polls import (
    add_poll_once,
    check_new_poll,
    check_poll_change,
    delete_poll,
    restore_poll,
    update_poll,
)
from .auth import token_required
from .blueprint import bp
from .schemas import ErrorSchema, PollInputSchema, PollPatchSchema, WrittenPollSchema

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
MERGE_PATCH = "application/merge-patch+json"
IDEMPOTENCY_HEADER = {
    "in": "header", "name": idempotency.HEADER, "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY_LENGTH},
    "description": "a key of your choice, new for each poll: the same POST sent again with it "
                   "within 24 hours (by the same token) gets the first response and stores nothing "
                   "twice; with another body it is a 422",
}


def failures(*codes: int):
    """Document the error responses a write can give."""

    def decorator(view):
        for code in codes:
            view = bp.alt_response(code, schema=ErrorSchema)(view)
        return view

    return decorator


def one_round(check):
    """When the schema refuses the body (webargs' 422, raised before the view runs),
    ``check(body, problems, **view_kwargs)`` runs the poll's rules on the rest of the body
    and raises one ``ValidationFailed`` with the schema's problems and its own."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            try:
                return view(*args, **kwargs)
            except UnprocessableEntity as error:
                messages = ((getattr(error, "data", None) or {}).get("messages") or {}).get("json")
                body = request.get_json(silent=True)
                if not isinstance(messages, dict) or not isinstance(body, dict) or "_schema" in messages:
                    raise
                check(body, flatten(messages), **kwargs)
                raise

        return wrapper

    return decorator


def poll_url(poll_id: int) -> str:
    return url_for("api.poll", poll_id=poll_id, _external=True)


@bp.errorhandler(PollExists)
def poll_exists(error: PollExists):
    """409 with the stored poll's id and URL, in the body and in ``Location``."""
    body = error.to_dict()
    body["error"]["existing_poll"]["url"] = poll_url(error.poll_id)
    return jsonify(body), 409, {"Location": body["error"]["existing_poll"]["url"]}


@bp.post("/questions/<slug>/polls")
@token_required("polls.write")  # before the body is read: no token, 401, whatever the body
@one_round(lambda body, problems, slug: check_new_poll(slug, body, problems))
@bp.arguments(PollInputSchema)
@bp.response(201, WrittenPollSchema, headers={"Location": {
    "description": "the poll's URL", "schema": {"type": "string", "format": "uri"}}})
@bp.alt_response(202, schema=WrittenPollSchema, description="Stored, held for review (`status` "
                 "`held`, `held_reason`): counted in nothing until a reviewer publishes it")
@bp.doc(security=SECURITY, parameters=[IDEMPOTENCY_HEADER])
@failures(400, 401, 404, 409, 422)
def create_poll(data: dict, slug: str):
    """Add a poll to a question.

    ``results`` maps answer choices to percents. A poll identical to a stored one (same
    pollster, field dates, population, sample size and results), or whose ``source`` /
    ``source_id`` are taken, is a 409 whose ``Location`` is the stored poll. With an
    ``Idempotency-Key``, a repeat of the request answers the first response. A pollster
    no pollster's name, slug or alias matches is created only with ``create_pollster:
    true`` (or, deprecated, when ``create_pollster`` is left out); with ``false`` it is a 422
    naming ``pollster`` whose ``suggestions`` are the pollsters it may mean. A poll from
    a pollster seen for the first time, or far from the current average, is stored held
    for review: a 202 with ``status`` ``held`` and its ``held_reason``."""
    key = idempotency.key_claim(request.headers.get(idempotency.HEADER), g.api_actor, request.method,
                                request.path, request.get_json(silent=True))
    create = data.pop("create_pollster", None) is not False  # left out: created, as in 1.4
    outcome = add_poll_once(slug, data, source=data.get("source") or "api", actor=g.api_actor, key=key,
                            create_pollster=create)
    headers = {"Location": poll_url(outcome.poll_id)} if outcome.poll_id is not None else {}
    return jsonify(outcome.body), outcome.status, headers


@bp.patch("/polls/<int:poll_id>")
@token_required("polls.write")  # before the body is read: no token, 401, whatever the body
@one_round(lambda body, problems, poll_id: check_poll_change(poll_id, body, problems))
@bp.arguments(PollPatchSchema)
@bp.response(200, WrittenPollSchema)
@bp.doc(security=SECURITY, requestBody={"content": {MERGE_PATCH: {"schema": PollPatchSchema}}})
@failures(400, 401, 404, 422)
def patch_poll(data: dict, poll_id: int):
    """Change some of a poll's values.

    The body is a JSON Merge Patch (RFC 7396), sent as
    ``application/merge-patch+json`` or ``application/json``. The members named replace the
    stored ones; in ``results`` a choice named replaces its percent, one set to ``null`` is
    removed and the others stay. ``source``/``source_id`` identify the poll: repeating them
    is allowed, changing them is a 422."""
    # The merge with the stored poll happens under its row lock (services.polls.update_poll).
    create = data.pop("create_pollster", None) is not False  # left out: created, as in 1.4
    return update_poll(poll_id, data, actor=g.api_actor, partial=True, create_pollster=create)


@bp.delete("/polls/<int:poll_id>")
@token_required("polls.write")  # before the body is read: no token, 401, whatever the body
@bp.response(204)
@bp.doc(security=SECURITY)
@failures(400, 401, 404, 422)
def remove_poll(poll_id: int):
    """Delete a poll (a soft delete: averages ignore it; ``POST .../restore`` undoes it)."""
    delete_poll(poll_id, actor=g.api_actor)
    return "", 204


@bp.post("/polls/<int:poll_id>/restore")
@token_required("polls.write")  # before the body is read: no token, 401, whatever the body
@bp.response(200, WrittenPollSchema)
@bp.doc(security=SECURITY)
@failures(400, 401, 404, 422)
def undelete_poll(poll_id: int):
    """Undo the deletion of a poll."""
    return restore_poll(poll_id, actor=g.api_actor)
