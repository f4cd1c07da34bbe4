"""The JSON API, mounted at ``/api/v1`` and documented at ``/api/openapi.json``.

Every response is ``application/json``; errors have the shape
``{"error": {"code", "message", "fields"}}``. Writes authenticate with
``Authorization: Bearer <token>`` only (never a cookie), which is why the API is exempt
from CSRF protection.
"""

from . import browse, editions, exports, feeds, races, routes, writes  # noqa: F401  (their routes)
from .blueprint import bp, docs_bp, service_bp

__all__ = ["bp", "docs_bp", "service_bp"]
