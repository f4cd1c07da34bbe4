"""The admin area (login required, each view guarded by a permission of its role): sign
in; polls, questions, pollsters and uploads; the review queue; accounts, tokens and webhooks."""

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import http_error, wants_json
from . import (  # noqa: F401  (their routes)
    auth,
    polls,
    pollsters,
    questions,
    reports,
    review,
    tokens,
    uploads,
    users,
    webhooks,
)
from .blueprint import bp

__all__ = ["bp"]


@bp.errorhandler(RequestEntityTooLarge)
def file_too_large(error: RequestEntityTooLarge):
    if request.endpoint == "admin.new_upload" and not wants_json():
        return uploads.upload_too_large()  # the form says so, next to the file field
    return http_error(error)
