"""The audit trails: every create, update, delete and restore of a poll, with who did it
and the values before and after; and every change of an account or an API token (its
own table, ``user_audit``: an account is not a poll), shown to admins, which also records
the publishing of draft questions and races."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..domain.poll_fields import AUDITED_FIELDS
from ..extensions import db
from ..models import ApiToken, AuditEntry, Poll, User, UserAudit, utcnow


def poll_snapshot(poll: Poll, choice_names: dict[int, str]) -> dict[str, Any]:
    """The poll's values as plain JSON types (dates as ISO strings)."""
    values: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        value = poll.pollster.name if name == "pollster" else getattr(poll, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    values["results"] = {choice_names[r.choice_id]: r.pct for r in poll.results}
    return values


def changed_values(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new.get(k) for k in keys}


def record(poll: Poll, action: str, actor: str, old: dict | None, new: dict | None) -> AuditEntry:
    entry = AuditEntry(poll=poll, action=action, actor=actor, at=utcnow(),
                       old_values=old, new_values=new)
    db.session.add(entry)
    return entry


def history(poll_id: int) -> list[dict[str, Any]]:
    """The poll's audit entries, oldest first."""
    entries = db.session.execute(
        select(AuditEntry).where(AuditEntry.poll_id == poll_id).order_by(AuditEntry.at, AuditEntry.id)
    ).scalars()
    return [
        {"at": e.at.isoformat(timespec="seconds") + "Z", "action": e.action, "actor": e.actor,
         "old": e.old_values, "new": e.new_values}
        for e in entries
    ]


def record_account_change(actor: str, action: str, subject: User | ApiToken, details: dict) -> UserAudit:
    """One change of an account (``user.*``) or a token (``token.*``), in the caller's
    transaction."""
    name = f"user:{subject.username}" if isinstance(subject, User) else f"token:{subject.name}"
    entry = UserAudit(actor=actor, action=action, subject=name, at=utcnow(), details=details)
    db.session.add(entry)
    return entry


def record_content_change(actor: str, action: str, subject: str, details: dict | None = None) -> UserAudit:
    """A change that is no poll's and no account's (``question.publish`` of
    ``question:SLUG``, ``race.publish``), in the same trail as the accounts', in the
    caller's transaction."""
    entry = UserAudit(actor=actor, action=action, subject=subject, at=utcnow(), details=details or {})
    db.session.add(entry)
    return entry


def account_history(limit: int = 200) -> list[UserAudit]:
    """The newest changes of accounts and tokens first."""
    return list(db.session.execute(
        select(UserAudit).order_by(UserAudit.at.desc(), UserAudit.id.desc()).limit(limit)).scalars())
