"""API tokens for writes. A token is shown once when created; only its SHA-256 hash is
stored (a token is 256 random bits, so a fast hash is enough: there is nothing to guess)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select

from ..domain.errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..models import ApiToken, utcnow
from .transaction import transaction

PREFIX = "pst_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token named ``name``; returns the record and the token itself (shown once)."""
    name = name.strip()
    if not name or len(name) > 80:
        raise ValidationFailed("Cannot create that token.", fields={"name": "must be 1 to 80 characters"})
    if expires_in_days is not None and expires_in_days <= 0:
        raise ValidationFailed("Cannot create that token.", fields={"expires_in": "must be positive"})
    if db.session.execute(select(ApiToken.id).where(ApiToken.name == name)).first():
        raise Conflict(f"A token named {name!r} exists.", fields={"name": "already taken"})
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        name=name,
        token_hash=hash_token(token),
        expires_at=utcnow() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    with transaction():
        db.session.add(record)
    return record, token


def revoke_token(name: str) -> ApiToken:
    record = db.session.execute(select(ApiToken).where(ApiToken.name == name)).scalar_one_or_none()
    if record is None:
        raise NotFound(f"No token named {name!r}.", fields={"name": "unknown token"})
    if record.revoked_at is None:
        with transaction():
            record.revoked_at = utcnow()
    return record


def authenticate_token(token: str) -> ApiToken | None:
    """The live token record for ``token``, or None (unknown, revoked or expired)."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    record = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(token))
    ).scalar_one_or_none()
    now = utcnow()
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= now:
        return None
    return record
