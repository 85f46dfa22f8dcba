"""Account recovery services: password reset, email verification and change.

Plain functions: they flush, never commit, and return the messages for the caller to queue
after its commit (course.mail.queue), so a rolled-back request sends nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from course import clock
from course.auth.passwords import hash_password
from course.auth.sessions import revoke_all
from course.auth.tokens import RESET, VERIFY, WELCOME, make_token
from course.extensions import db
from course.mail import compose
from course.models import User
from course.urls import public_url


def find_active(email: str) -> User | None:
    """The active account with this address, or None."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    return user if user is not None and user.active else None


def reset_message(user: User) -> dict[str, Any]:
    """The password-reset email for `user` (link valid one hour, once)."""
    url = public_url("auth.reset_password", token=make_token(user, RESET))
    return compose(
        user.email, "password_reset", "reset your password", name=user.full_name, url=url
    )


def welcome_message(user: User) -> dict[str, Any]:
    """The first-sign-in email of an admin-created account: set a password (7 days, once)."""
    url = public_url("auth.welcome", token=make_token(user, WELCOME))
    return compose(
        user.email, "welcome", "set your password", name=user.full_name, url=url, email=user.email
    )


def verification_message(user: User, email: str | None = None) -> dict[str, Any]:
    """The email asking to confirm `email` (default: the user's current address)."""
    address = email or user.email
    url = public_url("auth.verify_email", token=make_token(user, VERIFY, address))
    return compose(
        address,
        "verify_email",
        "confirm your email address",
        name=user.full_name,
        email=address,
        url=url,
    )


def already_registered_message(user: User) -> dict[str, Any]:
    """Tell an account's owner that someone tried to register with their address."""
    return compose(
        user.email,
        "already_registered",
        "someone tried to register with your address",
        name=user.full_name,
        login_url=public_url("auth.login"),
        forgot_url=public_url("auth.forgot_password"),
    )


def reset_password(user: User, password: str) -> int:
    """Set a new password and sign out every session; returns how many were revoked."""
    user.password_hash = hash_password(password)
    return revoke_all(user)


def confirm_email(user: User, address: str) -> str | None:
    """Confirm `address` for `user` (switching to it if it is new); or say why not."""
    if address != user.email:
        taken = db.session.scalar(select(User.id).where(User.email == address))
        if taken is not None:
            return "That address now belongs to another account; nothing was changed."
        user.email = address
    user.email_verified_at = clock.now()
    db.session.flush()
    return None
