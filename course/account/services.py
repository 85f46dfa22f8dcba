"""Export everything the platform holds about a person; close an account by anonymising it.

Closing keeps the records others rely on (issued certificates with their frozen snapshots,
graded attempts, the audit log) but removes the person's identity from the live account.
Services flush but never commit.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select

from course import clock
from course.audit import record_audit
from course.audit_actions import AuditAction
from course.auth.passwords import hash_password
from course.extensions import db
from course.models import (
    ActivityAcknowledgement,
    Attempt,
    AttemptItem,
    Certificate,
    CourseEvaluation,
    CreditClaim,
    Enrollment,
    ModuleProgress,
    TimeAttestation,
    User,
)

PERSONAL = (Enrollment, ModuleProgress, Attempt, CourseEvaluation, TimeAttestation)
PERSONAL += (CreditClaim, ActivityAcknowledgement, Certificate)
NEVER_EXPORTED = {"password_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _row(obj: Any) -> dict[str, Any]:
    """Every column of a row, JSON-ready (never the password hash)."""
    columns = inspect(obj).mapper.column_attrs
    return {c.key: _plain(getattr(obj, c.key)) for c in columns if c.key not in NEVER_EXPORTED}


def export_data(user: User) -> dict[str, Any]:
    """Everything held about this person, table by table, as JSON-ready data."""
    data: dict[str, Any] = {"exported_at": clock.now().isoformat(), "account": _row(user)}
    for model in PERSONAL:
        rows = db.session.scalars(select(model).where(model.user_id == user.id))
        data[model.__tablename__] = [_row(r) for r in rows]
    attempt_ids = [a["id"] for a in data[Attempt.__tablename__]]
    items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id.in_(attempt_ids)))
    data[AttemptItem.__tablename__] = [_row(i) for i in items]
    return data


def close_account(user: User) -> None:
    """Anonymise the account and stop sign-in; issued certificate records keep their snapshots."""
    now = clock.now()
    record_audit(
        user, AuditAction.USER_CLOSE, "user", user.id, details={"closed_at": now.isoformat()}
    )
    user.full_name = f"Closed account {user.id}"
    user.email = f"closed-{user.id}-{secrets.token_hex(4)}@closed.invalid"
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.licence_number = None
    user.licence_state = None
    user.time_zone = None
    user.active = False
    user.closed_at = now
    for evaluation in db.session.scalars(
        select(CourseEvaluation).where(CourseEvaluation.user_id == user.id)
    ):
        # Ratings stay for course statistics; free text may name the person, so it goes.
        evaluation.bias_comment = evaluation.intended_change = evaluation.comments = ""
    db.session.flush()
