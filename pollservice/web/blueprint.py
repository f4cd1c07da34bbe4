"""The public pages' blueprint, on its own so that the views import it without a cycle."""

from flask import Blueprint

bp = Blueprint("web", __name__)
