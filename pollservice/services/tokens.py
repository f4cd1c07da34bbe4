"""API tokens. A token is shown once when created; only its SHA-256 hash is stored (a
token is 256 random bits, so a fast hash is enough: there is nothing to guess).

A token has a scope (``read`` or ``write``), may be held to some questions and races
(none listed: every question), may expire, and may belong to an account: then it stops
working when the account is disabled and does no more than the account's role allows
(``domain/roles.py``). A token of no account is a service token (the CLI's), with the
editor's powers over polls.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import select

from ..domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..domain.roles import may
from ..extensions import db
from ..models import ApiToken, Poll, Question, Race, User, utcnow
from .audit import record_account_change
from .transaction import transaction

PREFIX = "pst_"
SCOPES = ("read", "write")
SERVICE_TOKEN_ROLE = "editor"
# last_used_at is written at most this often per token, not on every request
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _ids(model, slugs: Sequence[str], field: str) -> list[int]:
    slugs = list(dict.fromkeys(slugs))
    rows = db.session.execute(select(model.slug, model.id).where(model.slug.in_(slugs))).all()
    found: dict[str, int] = {slug: id_ for slug, id_ in rows}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise ValidationFailed(f"Unknown {field}: {', '.join(unknown)}.", fields={field: "unknown slug"})
    return [found[s] for s in slugs]


def _check(name: str, expires_in_days: int | None, scope: str) -> None:
    errors = {}
    if not name or len(name) > 80:
        errors["name"] = "must be 1 to 80 characters"
    if expires_in_days is not None and expires_in_days <= 0:
        errors["expires_in"] = "must be positive"
    if scope not in SCOPES:
        errors["scope"] = "must be read or write"
    if errors:
        raise ValidationFailed("Cannot create that token.", fields=errors)
    if _name_taken(name):
        raise _taken(name)


def _name_taken(name: str) -> bool:
    return db.session.execute(select(ApiToken.id).where(ApiToken.name == name)).first() is not None


def _taken(name: str) -> Conflict:
    return Conflict(f"A token named {name!r} exists.", fields={"name": "already taken"})


def create_token(name: str, expires_in_days: int | None = None, *, scope: str = "write",
                 questions: Sequence[str] = (), races: Sequence[str] = (),
                 user: User | None = None, actor: str = "cli") -> tuple[ApiToken, str]:
    """A new token named ``name``; returns the record and the token itself (shown once).
    ``questions``/``races``: slugs the token is held to (none: every question)."""
    name = name.strip()
    _check(name, expires_in_days, scope)
    token = PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(
        name=name, token_hash=hash_token(token), scope=scope, user=user,
        question_ids=_ids(Question, questions, "questions"), race_ids=_ids(Race, races, "races"),
        expires_at=utcnow() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    with transaction(on_duplicate=_taken(name)):
        db.session.add(record)
        record_account_change(actor, "token.create", record, {
            "scope": scope, "questions": list(questions), "races": list(races),
            "user": user.username if user else None, "expires_in_days": expires_in_days})
    return record, token


def token_by_id(token_id: int) -> ApiToken:
    record = db.session.get(ApiToken, token_id)
    if record is None:
        raise NotFound(f"No token {token_id}.", fields={"token": "unknown token"})
    return record


def list_tokens() -> list[ApiToken]:
    return list(db.session.execute(select(ApiToken).order_by(ApiToken.name)).scalars())


def scope_slugs(record: ApiToken) -> tuple[list[str], list[str]]:
    """The slugs of the questions and races the token is held to."""
    def slugs(model, ids):
        if not ids:
            return []
        return sorted(db.session.execute(select(model.slug).where(model.id.in_(ids))).scalars())
    return slugs(Question, record.question_ids), slugs(Race, record.race_ids)


def revoke_token(name: str, actor: str = "cli") -> ApiToken:
    record = db.session.execute(select(ApiToken).where(ApiToken.name == name)).scalar_one_or_none()
    if record is None:
        raise NotFound(f"No token named {name!r}.", fields={"name": "unknown token"})
    if record.revoked_at is None:
        with transaction():
            record.revoked_at = utcnow()
            record_account_change(actor, "token.revoke", record, {})
    return record


def authenticate_token(token: str) -> ApiToken | None:
    """The live token record for ``token``, or None (unknown, revoked, expired, or its
    account disabled). Notes when it was used (to the minute)."""
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
    if record.user is not None and not record.user.is_active:
        return None  # its account was disabled
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        with transaction():
            record.last_used_at = now
    return record


def _question_of(slug: str | None, poll_id: int | None) -> tuple[int, int | None] | None:
    """(question id, race id) of the question a write names, or None if there is none (the
    service then answers 404 as it always did)."""
    query = select(Question.id, Question.race_id)
    if slug is not None:
        row = db.session.execute(query.where(Question.slug == slug)).first()
    else:
        row = db.session.execute(query.join(Poll, Poll.question_id == Question.id)
                                 .where(Poll.id == poll_id)).first()
    return None if row is None else (row[0], row[1])


def check_token_allows(record: ApiToken, permission: str, slug: str | None = None,
                       poll_id: int | None = None) -> None:
    """Raise ``Forbidden`` naming what is missing if the token may not do ``permission``
    (a ``*.write`` permission) on the question ``slug`` or poll ``poll_id`` names."""
    if record.scope != "write":
        raise Forbidden(f"The token's scope is {record.scope!r}; this needs 'write'.",
                        fields={"scope": "write needed"})
    role = record.user.role if record.user is not None else SERVICE_TOKEN_ROLE
    if not may(role, permission):
        raise Forbidden(f"The token's account is a {role}; this needs {permission!r}.",
                        fields={"scope": f"{permission} needed"})
    if not (record.question_ids or record.race_ids) or (slug is None and poll_id is None):
        return
    found = _question_of(slug, poll_id)
    if found is None:
        return
    question_id, race_id = found
    if question_id not in record.question_ids and race_id not in record.race_ids:
        raise Forbidden("The token's scope does not cover this question.",
                        fields={"scope": "question not in the token's questions or races"})
