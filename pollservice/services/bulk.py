"""Helpers of the services that write or read many rows at once by SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from sqlalchemy import Table

from ..extensions import Base

CHUNK = 500  # ids per IN (...) list


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def table_of(model: type[Base]) -> Table:
    """A model's table (typed as a ``FromClause`` on the class; a ``Table`` when mapped so)."""
    return cast(Table, model.__table__)
