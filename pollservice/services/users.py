"""Administrators: creation and password checks. Passwords are stored only as scrypt
hashes (Werkzeug's default, a memory-hard scheme)."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain.errors import Conflict, ValidationFailed
from ..extensions import db
from ..models import User
from .transaction import transaction

MIN_PASSWORD_LENGTH = 8
# Checked against when the user is unknown, so that a wrong name and a wrong password
# take the same time and cannot be told apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_admin(username: str, password: str) -> User:
    username = username.strip()
    errors = {}
    if not username or len(username) > 80:
        errors["username"] = "must be 1 to 80 characters"
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = f"must be at least {MIN_PASSWORD_LENGTH} characters"
    if errors:
        raise ValidationFailed("Cannot create that admin.", fields=errors)
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise Conflict(f"An admin named {username!r} exists.", fields={"username": "already taken"})
    user = User(username=username, password_hash=generate_password_hash(password))
    with transaction():
        db.session.add(user)
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.execute(
        select(User).where(User.username == (username or "").strip())
    ).scalar_one_or_none()
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    return user if check_password_hash(user.password_hash, password or "") else None
