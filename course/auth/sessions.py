"""Per-device sessions: sign in, load, revoke one device, revoke every device.

The session cookie and the remember-me cookie carry a random token (User.get_id); the
database keeps only its sha256 in a UserSession row. Signing out, changing or resetting the
password, deactivation and "sign out everywhere" delete rows, so every copy of a cookie
naming them -- a stolen one included -- stops working at once. Services flush, never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import login_user, logout_user
from flask_login.config import COOKIE_NAME
from sqlalchemy import delete, select

from course import clock
from course.auth.session_user import SessionUser, session_user_statement, user_columns
from course.extensions import db
from course.models import User, UserSession

# last_seen_at is refreshed at most this often, and only by requests that write anyway.
TOUCH_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User, *, remember: bool, user_agent: str = "", ip: str = "") -> str:
    """Record a new device session for `user` and return its token (the caller commits)."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(
        UserSession(
            token_hash=_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            remember=remember,
            user_agent=(user_agent or "")[:255],
            ip=(ip or "")[:64],
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def _fresh_session() -> None:
    """Empty the session cookie, so a new CSRF token is made for what follows."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF's per-request copy of the old token


def sign_in(user: User, *, remember: bool, user_agent: str = "", ip: str = "") -> None:
    """Start a fresh session: drop everything the old cookie held (CSRF token included)."""
    _fresh_session()
    start_session(user, remember=remember, user_agent=user_agent, ip=ip)
    login_user(user, remember=remember)
    session.permanent = True
    session["auth_at"] = int(clock.now().timestamp())  # step-up: a fresh sign-in counts


def current_row(user: User) -> UserSession | None:
    """The UserSession behind the signed-in device, if any."""
    if not user.session_token:
        return None
    return db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _hash(user.session_token))
    )


def _lifetime(key: str) -> timedelta:
    value = current_app.config[key]
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def settle_anonymous_visitor() -> None:
    """Before any hook asks: a request with no signed-in session and no remember cookie is
    anonymous, so Flask-Login need not run its loader or hash the session-protection
    identifier to find that out (the verify page and every public page skip both)."""
    if "_user_id" in session:
        return
    if current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) in request.cookies:
        return
    g._login_user = current_app.login_manager.anonymous_user()


def load_session_user(token: str, *, writing: bool) -> SessionUser | None:
    """Return the active user of a live session token, or None (unknown, revoked, expired).

    One Core statement reads the user's row and the session's; the user comes back as a
    SessionUser (course/auth/session_user.py), not an ORM instance."""
    if not token or len(token) > 100:
        return None
    token_hash = _hash(token)
    row = db.session.execute(session_user_statement(), {"token_hash": token_hash}).first()
    if row is None or not row.active:
        return None
    now = clock.now()
    duration = "REMEMBER_COOKIE_DURATION" if row.session_remember else "PERMANENT_SESSION_LIFETIME"
    if now - row.session_created_at > _lifetime(duration):
        return None
    if writing and now - row.session_last_seen_at > TOUCH_EVERY:
        seen = db.session.scalar(select(UserSession).where(UserSession.token_hash == token_hash))
        if seen is not None:
            seen.last_seen_at = now  # committed with the request's own write
    return SessionUser(user_columns(row._mapping), token)


def sign_out(user: User) -> None:
    """Revoke this device's session and clear the cookie (the caller commits)."""
    row = current_row(user)
    if row is not None:
        db.session.delete(row)
        db.session.flush()
    logout_user()
    _fresh_session()


def revoke_session(user: User, session_id: int) -> bool:
    """Revoke one of `user`'s sessions by id; False when it is not theirs or already gone."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def revoke_all(user: User) -> int:
    """Revoke every session of `user` (password change or reset, deactivation, everywhere)."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.flush()
    return result.rowcount or 0


def list_sessions(user: User) -> list[UserSession]:
    """The user's signed-in devices, most recently seen first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )
