"""One page of a query, paginated in the database (Flask-SQLAlchemy's ``db.paginate``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from ..extensions import db

# Pages past this one are empty in any store this service holds; capping keeps the offset
# within the databases' integers (a client may ask for page 9223372036854775807).
MAX_PAGE = 1_000_000


def paginate(statement: Select, page: int, per_page: int) -> tuple[list[Any], int]:
    """The items of 1-based ``page`` (``per_page`` of them) and how many there are in all."""
    pagination = db.paginate(statement, page=max(1, min(page, MAX_PAGE)), per_page=per_page,
                             max_per_page=None, error_out=False)
    return list(pagination.items), pagination.total or 0
