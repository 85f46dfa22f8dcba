"""Account services: create users and authenticate them."""

from __future__ import annotations

from sqlalchemy import select

from course import clock
from course.auth.passwords import hash_password, needs_rehash, verify_password
from course.extensions import db
from course.models import Role, User

# Verifying against a dummy hash keeps sign-in time the same whether or not the account exists.
_DUMMY_HASH: dict[str, str] = {}


def create_user(
    *,
    email: str,
    password: str,
    full_name: str,
    role: Role = Role.LEARNER,
    profession: str = "Other",
    licence_number: str | None = None,
    licence_state: str | None = None,
    verified: bool = False,
) -> User:
    """Add a new user to the session (the caller commits); `verified`: address confirmed."""
    user = User(
        email=email.strip().lower(),
        full_name=full_name,
        password_hash=hash_password(password),
        role=role,
        profession=profession,
        licence_number=licence_number or None,
        licence_state=licence_state or None,
        email_verified_at=clock.now() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None (same cost either way)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        if "h" not in _DUMMY_HASH:
            _DUMMY_HASH["h"] = hash_password("not-a-real-password-at-all")
        verify_password(_DUMMY_HASH["h"], password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
