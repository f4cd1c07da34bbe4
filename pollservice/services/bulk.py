"""Helpers of the services that write or read many rows at once by SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

from sqlalchemy import Table, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from ..extensions import Base, SessionArg, upsert_insert

CHUNK = 500  # ids per IN (...) list


def chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def table_of(model: type[Base]) -> Table:
    """A model's table (typed as a ``FromClause`` on the class; a ``Table`` when mapped so)."""
    return cast(Table, model.__table__)


def insert_ignoring_conflicts(session: SessionArg, target: type[Base] | Table, rows: list[dict]) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` (PostgreSQL and SQLite): a row whose unique key
    is stored already (a concurrent writer inserted it first) is left as it is, and no
    unique violation aborts the transaction. Get-or-create then reads the row back."""
    if not rows:
        return
    table = target if isinstance(target, Table) else table_of(target)
    session.execute(upsert_insert(session, table).values(rows).on_conflict_do_nothing())


def violated_constraint(error: IntegrityError) -> str:
    """The name of the constraint an ``IntegrityError`` reports (``uq_poll_question_id``...),
    or "" when the driver does not say. PostgreSQL names it; SQLite names the columns
    (``UNIQUE constraint failed: poll.question_id, poll.source, poll.source_id``), which are
    looked up among the tables' unique constraints."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        return diag.constraint_name or ""
    message = str(error.orig)
    prefix = "UNIQUE constraint failed: "
    if not message.startswith(prefix):
        return ""
    columns = [item.strip() for item in message[len(prefix):].split(",")]
    table = Base.metadata.tables.get(columns[0].split(".")[0])
    names = {column.split(".", 1)[-1] for column in columns}
    for constraint in table.constraints if table is not None else ():
        if isinstance(constraint, UniqueConstraint) and {c.name for c in constraint.columns} == names:
            return str(constraint.name)
    return ""
