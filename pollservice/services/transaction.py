"""One write, one transaction: ``with transaction():`` commits at the end of the block and
rolls back completely if anything in it fails.

Not ``with db.session.begin()``: by the time a service writes, the session has nearly
always begun a transaction already (the reads that found the question, or Flask-Login
loading the user), and ``begin()`` refuses to start a second one. The version bump,
recompute and publish that follow a commit are session events (``readmodel.events``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask_sqlalchemy.session import Session
from sqlalchemy.orm import scoped_session

from ..extensions import db


@contextmanager
def transaction() -> Iterator[scoped_session[Session]]:
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
