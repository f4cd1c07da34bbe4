"""The admin blueprint, on its own so that its view modules import it without a cycle."""

from flask import Blueprint, Response

bp = Blueprint("admin", __name__)


@bp.after_request
def not_stored(response: Response) -> Response:
    """No admin answer is kept by a browser or a proxy: some show a secret once (a first
    or reset password, a new API token), and every one is one account's view."""
    response.headers["Cache-Control"] = "no-store"
    return response
