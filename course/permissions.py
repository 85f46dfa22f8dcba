"""Authorization in one place: role checks for views and the API, object-level ownership, staff
preview and which areas the navigation offers. Roles are compared as Role members, never as
strings."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from course.extensions import db
from course.models import Attempt, AttemptItem, Role, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: Role) -> Callable[[F], F]:
    """Require a signed-in user holding one of `roles`; anonymous -> login, wrong role -> 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


staff_required = role_required(Role.INSTRUCTOR, Role.ADMIN)
admin_required = role_required(Role.ADMIN)


def api_login_required(view: F) -> F:
    """An API endpoint for signed-in users: anonymous callers get a JSON 401, not a redirect."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            abort(401)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def staff_preview(user: Any = None) -> bool:
    """Staff (instructors, admins) may open drafts and skip learner gates to preview content."""
    user = current_user if user is None else user
    return bool(user.is_authenticated and user.is_staff)


STAFF_LINKS = [
    ("ce.staff_home", "Staff home"),
    ("instructor.questions", "Question bank"),
    ("instructor.imports", "Import"),
    ("instructor.modules", "Modules"),
    ("instructor.cohort", "Cohort"),
]
ADMIN_LINKS = [
    ("admin.certificates", "Certificates"),
    ("admin.audit", "Audit log"),
    ("admin.users", "Users"),
]


def nav_links(user: Any) -> list[tuple[str, str]]:
    """The areas beyond the catalog this user may open: (endpoint, label), in menu order."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.has_role(Role.LEARNER):
        return [("certificates.mine", "My certificates")]
    if user.has_role(Role.ADMIN):
        # The admin home links to the staff home, so one "home" link is enough.
        return [("admin.home", "Admin home"), *STAFF_LINKS[1:], *ADMIN_LINKS]
    return list(STAFF_LINKS)


def ensure_owner(owner_id: int, user: User | None = None) -> None:
    """Abort with 404 unless `user` (default: current user) owns the object or is an admin.

    404 rather than 403, so that nobody can probe which ids exist.
    """
    user = user or current_user
    if user.id != owner_id and user.role != Role.ADMIN:
        abort(404)


def ensure_self(owner_id: int) -> None:
    """Abort with 404 unless the current user owns it (admins too: attempts are personal)."""
    if current_user.id != owner_id:
        abort(404)


@cache
def _attempt_statement() -> Select:
    """Built once per process (a statement is immutable): the attempt, its quiz, its items and
    their versions, by id. (A submit reads its attempt as plain rows: course/quiz/sheet.py.)"""
    return (
        select(Attempt)
        .options(
            joinedload(Attempt.quiz), joinedload(Attempt.items).joinedload(AttemptItem.version)
        )
        .where(Attempt.id == bindparam("attempt_id"))
    )


def own_attempt(attempt_id: int) -> Attempt:
    """Load an attempt with its items and versions; 404 unless it is the current user's."""
    attempt = (
        db.session.execute(_attempt_statement(), {"attempt_id": attempt_id})
        .unique()
        .scalar_one_or_none()
    )
    if attempt is None:
        abort(404)
    ensure_self(attempt.user_id)
    return attempt
