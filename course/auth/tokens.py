"""Signed, expiring, single-use tokens for password reset and email verification.

A token is signed with SECRET_KEY (itsdangerous) and names the user, the purpose, when it
was made (read from clock.now(), the only clock) and a fingerprint of the state it may
change: the password hash for a reset or a first sign-in (so it works once: setting the
password changes the hash), the
address for a verification (so it confirms exactly that address, and dies when the address
changes). Nothing is stored.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from course import clock
from course.extensions import db
from course.models import User

RESET = "password-reset"
VERIFY = "verify-email"
WELCOME = "first-sign-in"  # an admin-created account's "set your password" link
LIFETIMES = {RESET: timedelta(hours=1), VERIFY: timedelta(days=7), WELCOME: timedelta(days=7)}


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=f"practicum-{purpose}")


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]


def _state(user: User, purpose: str, email: str) -> str:
    return _fingerprint(user.password_hash if purpose in (RESET, WELCOME) else email)


def make_token(user: User, purpose: str, email: str | None = None) -> str:
    """A token for `purpose`; for VERIFY, `email` is the address it confirms."""
    address = email or user.email
    payload = {
        "u": user.id,
        "t": int(clock.now().timestamp()),
        "s": _state(user, purpose, address),
        "e": address if purpose == VERIFY else None,
    }
    return str(_serializer(purpose).dumps(payload))


def read_token(token: str, purpose: str) -> tuple[User, str] | None:
    """The user and address a token is for, or None when forged, expired or used up."""
    if not token or len(token) > 1000:
        return None
    try:
        payload = _serializer(purpose).loads(token)
        user_id, made, state = int(payload["u"]), int(payload["t"]), str(payload["s"])
        email = payload.get("e")
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    age = clock.now().timestamp() - made
    if age < 0 or age > LIFETIMES[purpose].total_seconds():
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    address = email if purpose == VERIFY and isinstance(email, str) else user.email
    if _state(user, purpose, address) != state:
        return None
    return user, address
