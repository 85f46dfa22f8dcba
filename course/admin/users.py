"""Admin user services: find users, correct a name, deactivate or reactivate, create an account.

Every change is audited with its reason. Nothing is deleted: a deactivated account keeps its
attempts, evaluations and certificates. Services flush but never commit.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from course.admin.services import AdminError
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.services import create_user
from course.extensions import db
from course.models import Certificate, CertificateStatus, Role, User


@dataclass(frozen=True)
class UserFilter:
    """What the users list is narrowed to (every field optional)."""

    q: str = ""
    role: str = ""
    profession: str = ""
    status: str = ""  # "", "active" or "inactive"
    letter: str = ""  # the first letter of the full name, A-Z


def users_query(f: UserFilter) -> Select[tuple[User]]:
    """Users matching a filter, alphabetical by name."""
    stmt = select(User)
    if f.q:
        like = f"%{f.q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.full_name).like(like), User.email.like(like)))
    if f.role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(f.role))
    if f.profession:
        stmt = stmt.where(User.profession == f.profession)
    if f.status in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(f.status == "active"))
    if len(f.letter) == 1 and f.letter.isalpha():
        stmt = stmt.where(func.upper(func.substr(User.full_name, 1, 1)) == f.letter.upper())
    return stmt.order_by(func.lower(User.full_name), User.id)


def valid_certificates(user: User) -> list[Certificate]:
    """The user's valid certificates (a name correction may call for reissuing them)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user.id, Certificate.status == CertificateStatus.VALID)
            .order_by(Certificate.issued_at)
        )
    )


def correct_name(actor: User, user: User, new_name: str, reason: str) -> bool:
    """Correct a user's name (audited); issued certificates keep theirs until reissued."""
    if not new_name:
        raise AdminError("Enter the corrected name.")
    if new_name == user.full_name:
        return False
    before, user.full_name = user.full_name, new_name
    db.session.flush()
    record_audit(
        actor,
        AuditAction.USER_NAME_CHANGE,
        "user",
        user.id,
        reason=reason,
        details={"changes": {"full_name": [before, new_name]}},
    )
    return True


def set_active(actor: User, user: User, active: bool, reason: str) -> bool:
    """Deactivate (no sign-in; records kept) or reactivate an account; never one's own."""
    if user.id == actor.id and not active:
        raise AdminError("You cannot deactivate your own account; ask another admin.")
    if user.active == active:
        return False
    user.active = active
    db.session.flush()
    action = AuditAction.USER_REACTIVATE if active else AuditAction.USER_DEACTIVATE
    record_audit(actor, action, "user", user.id, reason=reason, details={"email": user.email})
    return True


def email_taken(email: str) -> bool:
    """Whether an account already uses this email (case-insensitive)."""
    return db.session.scalar(select(User.id).where(User.email == email.strip().lower())) is not None


def create_account(actor: User, *, email: str, full_name: str, profession: str, role: Role) -> User:
    """Create an account (audited) whose password nobody knows: the owner sets it by email.

    The random password is discarded at once; the first-sign-in link (course.auth.welcome)
    replaces it. No admin ever sees or passes on a password.
    """
    if email_taken(email):
        raise AdminError("An account with this email already exists.")
    user = create_user(
        email=email,
        password=secrets.token_urlsafe(32),
        full_name=full_name,
        role=role,
        profession=profession,
    )
    record_audit(
        actor,
        AuditAction.USER_CREATE,
        "user",
        user.id,
        details={"email": user.email, "role": role.value},
    )
    return user
