"""The admin blueprint, on its own so that its view modules import it without a cycle."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
