"""The admin area (login required): sign in; polls, questions, pollsters and uploads."""

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import http_error, wants_json
from . import auth, polls, pollsters, questions, uploads, webhooks  # noqa: F401  (their routes)
from .blueprint import bp

__all__ = ["bp"]


@bp.errorhandler(RequestEntityTooLarge)
def file_too_large(error: RequestEntityTooLarge):
    if request.endpoint == "admin.new_upload" and not wants_json():
        return uploads.upload_too_large()  # the form says so, next to the file field
    return http_error(error)
