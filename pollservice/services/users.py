"""Newsroom accounts: creation, roles, passwords, disabling and sessions. Passwords are
stored only as scrypt hashes (Werkzeug's default, a memory-hard scheme). Every change is
written to the user audit trail (``services/audit.record_account_change``) in the same
transaction.

Sessions end on the server through the account's ``session_epoch`` (see ``models.User``):
the session cookie carries ``"<id>:<epoch>"``, and bumping the epoch ends every session
of the account. Chosen over a table of sessions because Flask's session is a signed
cookie: with the epoch nothing per session is stored, sign-out needs no clean-up job, and
the user loader reads one row by primary key as it did before. The price: signing out
ends the account's sessions on every device, which a newsroom admin wants anyway after a
lost laptop.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..domain.roles import role_problem
from ..extensions import db
from ..models import User, utcnow
from .audit import record_account_change
from .transaction import transaction

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 200
# Checked against when the user is unknown, so that a wrong name and a wrong password
# take the same time and cannot be told apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"must be at most {MAX_PASSWORD_LENGTH} characters"
    return None


def temporary_password() -> str:
    """A first or reset password, shown once: 96 random bits in 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def create_user(username: str, password: str, role: str = "admin", actor: str = "cli",
                must_change_password: bool = False) -> User:
    username = username.strip()
    errors = {}
    if not username or len(username) > 80:
        errors["username"] = "must be 1 to 80 characters"
    if problem := password_problem(password):
        errors["password"] = problem
    if problem := role_problem(role):
        errors["role"] = problem
    if errors:
        raise ValidationFailed("Cannot create that account.", fields=errors)
    taken = Conflict(f"An account named {username!r} exists.", fields={"username": "already taken"})
    if _username_taken(username):
        raise taken
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                must_change_password=must_change_password)
    with transaction(on_duplicate=taken):
        db.session.add(user)
        record_account_change(actor, "user.create", user, {"role": role})
    return user


def _username_taken(username: str) -> bool:
    return db.session.execute(select(User.id).where(User.username == username)).first() is not None


def create_admin(username: str, password: str) -> User:
    return create_user(username, password, "admin")


def find_user(username: str) -> User:
    user = db.session.execute(select(User).where(User.username == username)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"No account named {username!r}.", fields={"username": "unknown account"})
    return user


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"No account {user_id}.", fields={"user": "unknown account"})
    return user


def list_users() -> list[User]:
    return list(db.session.execute(select(User).order_by(User.username)).scalars())


def authenticate(username: str, password: str) -> User | None:
    """The account, if the password is right and the account is not disabled."""
    user = db.session.execute(
        select(User).where(User.username == (username or "").strip())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user if user.is_active else None


def session_user(session_id: str) -> User | None:
    """The account a session's ``"<id>:<epoch>"`` names, if that session is still live:
    the epoch is the account's current one and the account is not disabled."""
    user_id, _, epoch = session_id.partition(":")
    if not (user_id.isdigit() and epoch.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_epoch != int(epoch):
        return None
    return user


def end_sessions(username: str, actor: str) -> User:
    """End every session of the account (sign-out, or an admin's doing)."""
    user = find_user(username)
    with transaction():
        user.session_epoch += 1
        if actor != f"user:{username}":  # signing oneself out is not an account change
            record_account_change(actor, "user.end_sessions", user, {})
    return user


def set_disabled(username: str, disabled: bool, actor: str) -> User:
    """Disable (its sessions and tokens stop at once) or enable an account."""
    user = find_user(username)
    if disabled and actor == f"user:{username}":
        raise Forbidden("You cannot disable your own account.", fields={"username": "is you"})
    if disabled == (not user.is_active):
        return user
    with transaction():
        user.disabled_at = utcnow() if disabled else None
        user.session_epoch += 1
        record_account_change(actor, "user.disable" if disabled else "user.enable", user, {})
    return user


def set_role(username: str, role: str, actor: str) -> User:
    if problem := role_problem(role):
        raise ValidationFailed("Cannot give that role.", fields={"role": problem})
    user = find_user(username)
    if user.role == role:
        return user
    if actor == f"user:{username}":
        raise Forbidden("You cannot change your own role.", fields={"role": "is yours"})
    with transaction():
        old, user.role = user.role, role
        record_account_change(actor, "user.role", user, {"old": old, "new": role})
    return user


def reset_password(username: str, actor: str) -> tuple[User, str]:
    """A new temporary password (returned, to be shown once); the account's sessions end
    and the user must choose a password at the next sign-in."""
    if actor == f"user:{username}":
        raise Forbidden("You cannot reset your own password here; change it on your account page.",
                        fields={"username": "is you"})
    user = find_user(username)
    password = temporary_password()
    with transaction():
        user.password_hash = generate_password_hash(password)
        user.must_change_password = True
        user.session_epoch += 1
        record_account_change(actor, "user.reset_password", user, {})
    return user, password


def change_password(user: User, current: str, new: str) -> User:
    """The user's own change, with the current password. Other sessions of the account
    end; the caller signs this one in again under the new epoch."""
    errors = {}
    if not check_password_hash(user.password_hash, current or ""):
        errors["current_password"] = "is not your current password"
    elif problem := password_problem(new or ""):
        errors["new_password"] = problem
    elif new == current:
        errors["new_password"] = "must differ from the current password"
    if errors:
        raise ValidationFailed("Cannot change the password.", fields=errors)
    with transaction():
        user.password_hash = generate_password_hash(new)
        user.must_change_password = False
        user.session_epoch += 1
        record_account_change(f"user:{user.username}", "user.change_password", user, {})
    return user

