"""Public pages and chart images."""

from . import routes  # noqa: F401  (its routes)
from .blueprint import bp

__all__ = ["bp"]
