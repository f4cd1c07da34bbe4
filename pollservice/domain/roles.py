"""Who may do what: the one table of roles and their permissions.

Every admin view and every API write names the permission it needs
(``admin/access.requires``, ``api/auth.token_required``); nothing else decides.

- ``admin``: the newsroom's accounts, API tokens, webhooks and settings, and everything
  an editor does (the accounts that existed before roles were admins, and stay so);
- ``editor``: polls, questions, pollsters and uploads;
- ``reviewer``: publishes (or rejects) what is held for review in the review queue
  (``admin/review.py``: held polls, draft questions and races), and sees the admin lists;
  editors see the queue too, without publishing.
"""

from __future__ import annotations

ROLES = ("admin", "editor", "reviewer")

PERMISSIONS: dict[str, frozenset[str]] = {
    # seeing the admin lists of polls, questions and pollsters
    "content.view": frozenset({"admin", "editor", "reviewer"}),
    "polls.write": frozenset({"admin", "editor"}),
    "questions.write": frozenset({"admin", "editor"}),
    "pollsters.write": frozenset({"admin", "editor"}),
    "uploads.write": frozenset({"admin", "editor"}),
    "polls.publish": frozenset({"admin", "reviewer"}),
    "users.manage": frozenset({"admin"}),
    "tokens.manage": frozenset({"admin"}),
    "webhooks.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
}


def may(role: str | None, permission: str) -> bool:
    """Whether ``role`` has ``permission`` (an unknown permission is a bug: KeyError)."""
    return role in PERMISSIONS[permission]


def role_problem(role: str) -> str | None:
    """Why ``role`` is not a role, or None."""
    return None if role in ROLES else "must be one of " + ", ".join(ROLES)
