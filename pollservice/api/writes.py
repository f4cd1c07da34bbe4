"""Write endpoints (token-authenticated): add, change, delete and restore polls."""

from __future__ import annotations

from flask import g

from ..services.polls import add_poll, delete_poll, restore_poll, update_poll
from .auth import token_required
from .blueprint import bp
from .schemas import ErrorSchema, PollInputSchema, PollPatchSchema, PollSchema

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def failures(*codes: int):
    """Document the error responses a write can give."""

    def decorator(view):
        for code in codes:
            view = bp.alt_response(code, schema=ErrorSchema)(view)
        return view

    return decorator


@bp.post("/questions/<slug>/polls")
@token_required("polls.write")  # before the body is read: no token, 401, whatever the body
@bp.arguments(PollInputSchema)
@bp.response(201, PollSchema)
@bp.doc(security=SECURITY)
@failures(400, 401, 404, 409, 422)
def create_poll(data: dict, slug: str):
    """Add a poll to a question. ``results`` maps answer choices to percents."""
    return add_poll(slug, data, source="api", actor=g.api_actor)


@bp.patch("/polls/<int:poll_id>")
@token_required("polls.write")  # before the body is read: no token, 401, whatever the body
@bp.arguments(PollPatchSchema)
@bp.response(200, PollSchema)
@bp.doc(security=SECURITY)
@failures(400, 401, 404, 422)
def patch_poll(data: dict, poll_id: int):
    """Change some of a poll's values; ``results``, when given, replaces all of them."""
    # The identity of a poll (source_id) does not change; the rest merges with the stored
    # poll under its row lock.
    return update_poll(poll_id, data, actor=g.api_actor, partial=True)


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
@bp.response(200, PollSchema)
@bp.doc(security=SECURITY)
@failures(400, 401, 404, 422)
def undelete_poll(poll_id: int):
    """Undo the deletion of a poll."""
    return restore_poll(poll_id, actor=g.api_actor)

