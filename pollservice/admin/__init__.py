"""The admin area (login required): sign in; polls, questions and pollsters."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from . import auth, polls, pollsters, questions, uploads  # noqa: E402,F401
