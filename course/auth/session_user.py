"""The signed-in user as each request reads it: the user's row, not an ORM instance.

Every signed-in request loads its user. Hydrating an ORM `User` (and the `UserSession` it was
found through) was the largest fixed cost of a learner page after the template, for pages that
only read the user's id, role and name. `SessionUser` holds the row's columns as plain
attributes and shares the model's own rules (`is_staff`, `has_role`, `get_id`, ...), so
`current_user` reads exactly what a `User` would.

Anything else goes to the ORM `User`, loaded once on first need: a relationship read, and
every write (setting an attribute writes the ORM row, after which all reads come from it).
Code that writes or hands the user to a service calls `signed_in_user()`, which returns the
ORM `User` whichever kind Flask-Login holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import abort
from flask_login import UserMixin, current_user
from sqlalchemy import Select, bindparam, select

from course.extensions import db
from course.models import User, UserSession

_ORM = "_orm"


class SessionUser(UserMixin):
    """A signed-in user's columns, read-only; writes and relationships go to the ORM row."""

    # The model's rules, shared rather than restated (each reads only columns).
    get_id = User.get_id
    is_active = User.is_active
    mfa_enabled = User.mfa_enabled
    email_verified = User.email_verified
    has_role = User.has_role
    is_admin = User.is_admin
    is_staff = User.is_staff

    def __init__(self, columns: Mapping[str, Any], token: str) -> None:
        self.__dict__.update(columns)
        self.__dict__["session_token"] = token

    def orm(self) -> User:
        """The ORM row (loaded once); from then on every read and write goes to it."""
        state = self.__dict__
        user = state.get(_ORM)
        if user is None:
            user = db.session.get(User, state["id"])
            if user is None:  # the account was deleted since this request loaded it
                abort(401)
            user.session_token = state["session_token"]
            state.clear()
            state[_ORM] = user
        return user

    def __getattr__(self, name: str) -> Any:
        """Reached only for what the row does not hold (a relationship, a private name)."""
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.orm(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.orm(), name, value)

    def __repr__(self) -> str:
        return f"<SessionUser {self.id} {self.role.value}>"


def signed_in_user() -> User:
    """The signed-in user as an ORM `User` (to write it, or to hand it to a service)."""
    user = current_user._get_current_object()  # type: ignore[attr-defined]
    return user.orm() if isinstance(user, SessionUser) else user


@cache
def session_user_statement() -> Select:
    """Built once per process: a session's user row and the session's own columns, by token
    hash, in one statement (Core: no ORM compile or hydration per request)."""
    users, sessions = User.__table__, UserSession.__table__
    user_columns = [prop.columns[0].label(prop.key) for prop in User.__mapper__.column_attrs]
    return (
        select(
            *user_columns,
            sessions.c.created_at.label("session_created_at"),
            sessions.c.last_seen_at.label("session_last_seen_at"),
            sessions.c.remember.label("session_remember"),
        )
        .select_from(users)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(sessions.c.token_hash == bindparam("token_hash"))
    )


SESSION_COLUMNS = ("session_created_at", "session_last_seen_at", "session_remember")


def user_columns(row: Mapping[str, Any]) -> dict[str, Any]:
    """The user's own columns from a `session_user_statement` row."""
    return {k: v for k, v in row.items() if k not in SESSION_COLUMNS}
