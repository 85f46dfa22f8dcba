"""Admin listings: one page of a select, for the audit log, users and certificates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from course.models import AuditEntry, Certificate, User
from course.pagination import Page, paginate


def audit_page(number: int, stmt: Select[Any] | None = None, per_page: int = 50) -> Page[Any]:
    """The audit log (or a filtered select of it), newest first."""
    if stmt is None:
        stmt = (
            select(AuditEntry)
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        )
    return paginate(stmt, number, per_page)


def users_page(number: int, stmt: Select[Any] | None = None, per_page: int = 50) -> Page[User]:
    """Accounts by name: all of them, or those a filtered select finds."""
    if stmt is None:
        stmt = select(User).order_by(User.full_name, User.id)
    return paginate(stmt, number, per_page)


def certificates_page(number: int, per_page: int = 50) -> Page[Certificate]:
    """Every certificate ever issued, newest first (nothing is ever deleted)."""
    stmt = (
        select(Certificate)
        .options(selectinload(Certificate.user), selectinload(Certificate.course))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return paginate(stmt, number, per_page)
