"""Public pages and chart images."""

from . import browse, compare, feeds, races, reports, routes  # noqa: F401  (their routes)
from .blueprint import bp

__all__ = ["bp"]
