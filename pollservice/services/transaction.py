"""One write, one transaction: ``with transaction():`` commits at the end of the block and
rolls back completely if anything in it fails.

Not ``with db.session.begin()``: by the time a service writes, the session has nearly
always begun a transaction already (the reads that found the question, or Flask-Login
loading the user), and ``begin()`` refuses to start a second one. The version bump,
recompute and publish that follow a commit are session events (``readmodel.events``).

After the commit the session's objects keep the values just committed instead of being
expired (``expire_on_commit`` off for this commit; ``readmodel.events`` reloads, before the
commit, the question columns it changes by SQL): the answer to a write is built from what
was stored without asking the database again, so a connection lost right after the commit
cannot turn a stored write into a reported failure (issue 18). Whatever runs after the
commit catches and logs its own failures.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy.session import Session
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import scoped_session

from ..domain.errors import ServiceError
from ..extensions import db


@contextmanager
def transaction(on_duplicate: ServiceError | None = None) -> Iterator[scoped_session[Session]]:
    """``on_duplicate``: raised instead of the ``IntegrityError`` of a unique constraint, for
    a write whose "already taken" check ran before it (two such writes at once both pass the
    check; the second one's insert is the one that knows)."""
    session = db.session
    try:
        yield session
        _commit_keeping_values(session)
    except IntegrityError:
        session.rollback()
        if on_duplicate is None:
            raise
        raise on_duplicate from None
    except BaseException:
        session.rollback()
        raise


def _commit_keeping_values(scoped: scoped_session[Session]) -> None:
    session = scoped()  # the request's Session (the proxy has no expire_on_commit)
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
