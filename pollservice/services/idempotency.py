"""``Idempotency-Key`` for API POSTs (draft-ietf-httpapi-idempotency-key-header): a request
sent again with the key of an earlier one, by the same token and within
``KEY_LIFETIME``, gets the first one's response and writes nothing.

The key's row is inserted first in the write's own transaction (``claim``), under a unique
(owner, key): a concurrent request with the same key waits on that index until the first
commits, then fails to insert (``KeyTaken``) and answers with what the first stored
(``stored_outcome``). A write that is refused stores no key, so the client may fix the body
and send it again with the same key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select

from ..domain.errors import BadRequest, ValidationFailed
from ..extensions import db
from ..models import IdempotencyKey, utcnow

KEY_LIFETIME = dt.timedelta(hours=24)
HEADER = "Idempotency-Key"
KEY_CONSTRAINT = "uq_idempotency_key_owner_key"
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class KeyClaim:
    """One request's key: who sent it, the key, and the fingerprint of what it asked."""

    owner: str
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Outcome:
    """A write's response: status, JSON body, the poll it made (for ``Location``)."""

    status: int
    body: dict[str, Any]
    poll_id: int | None


class KeyTaken(Exception):
    """A concurrent request with the same key committed first."""


def key_claim(header: str | None, owner: str, method: str, path: str, body: Any) -> KeyClaim | None:
    """The claim of a request's ``Idempotency-Key`` header (None without one). The
    fingerprint is over the method, the path and the JSON body with its keys sorted, so the
    same poll sent with its members in another order is the same request. ``BadRequest``
    naming the header when the key is empty, longer than 255 characters or not printable
    ASCII."""
    if header is None:
        return None
    key = header.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not (key.isascii() and key.isprintable()):
        problem = f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        raise BadRequest(f"The {HEADER} header {problem}.", fields={HEADER: problem})
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return KeyClaim(owner, key, hashlib.sha256(canonical.encode()).hexdigest())


def stored_outcome(claim: KeyClaim) -> Outcome | None:
    """The response stored for this key (less than ``KEY_LIFETIME`` old), or None.
    ``ValidationFailed`` naming the header when the key came with another request."""
    row = db.session.execute(select(IdempotencyKey).where(
        IdempotencyKey.owner == claim.owner, IdempotencyKey.key == claim.key,
        IdempotencyKey.created_at > utcnow() - KEY_LIFETIME)).scalar_one_or_none()
    if row is None:
        return None
    if row.fingerprint != claim.fingerprint:
        hours = int(KEY_LIFETIME.total_seconds() // 3600)
        problem = f"was used with a different request in the last {hours} hours; use a new key for a new poll"
        raise ValidationFailed(f"The {HEADER} {problem}.", fields={HEADER: problem})
    return Outcome(row.status, row.body, row.poll_id)


def claim(claim: KeyClaim) -> IdempotencyKey:
    """Inside the write's transaction, before anything else: drop expired keys and insert
    this one (flushed: a concurrent holder of the same key makes this wait, then fail with
    an ``IntegrityError`` on ``KEY_CONSTRAINT``). The outcome is filled in by ``record``."""
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at <= utcnow() - KEY_LIFETIME))
    row = IdempotencyKey(owner=claim.owner, key=claim.key, fingerprint=claim.fingerprint,
                         status=0, body={}, poll_id=None, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def record(row: IdempotencyKey, outcome: Outcome) -> None:
    """The write's response, stored with its key in the same transaction."""
    row.status, row.body, row.poll_id = outcome.status, outcome.body, outcome.poll_id
